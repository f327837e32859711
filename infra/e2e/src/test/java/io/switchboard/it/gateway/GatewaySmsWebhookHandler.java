package io.switchboard.it.gateway;

import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.webhook.WebhookFunction;

/** The test channel's Lambda entry point: its two constructors name its channel; the core does the rest. */
public class GatewaySmsWebhookHandler extends WebhookFunction {

    public GatewaySmsWebhookHandler() {
        super(GatewaySmsChannel.class);
    }

    public GatewaySmsWebhookHandler(ApplicationContextBuilder builder) {
        super(GatewaySmsChannel.class, builder);
    }
}
