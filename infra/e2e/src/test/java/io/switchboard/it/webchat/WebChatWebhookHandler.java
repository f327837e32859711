package io.switchboard.it.webchat;

import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.webhook.WebhookFunction;

/** The web chat's Lambda entry point: its two constructors name its channel; the core does the rest. */
public class WebChatWebhookHandler extends WebhookFunction {

    public WebChatWebhookHandler() {
        super(WebChatChannel.class);
    }

    public WebChatWebhookHandler(ApplicationContextBuilder builder) {
        super(WebChatChannel.class, builder);
    }
}
