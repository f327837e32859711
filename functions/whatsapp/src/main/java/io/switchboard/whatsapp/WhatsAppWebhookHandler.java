package io.switchboard.whatsapp;

import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.webhook.WebhookFunction;

/**
 * The Lambda entry point of the WhatsApp Business Cloud API webhook ({@link WhatsAppChannel}).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
public class WhatsAppWebhookHandler extends WebhookFunction {

    /** Meta app secret: the HMAC key of X-Hub-Signature-256. */
    public static final String APP_SECRET = "WHATSAPP_APP_SECRET";
    /** The token configured with the callback URL in the App Dashboard, echoed back by the handshake. */
    public static final String VERIFY_TOKEN = "WHATSAPP_VERIFY_TOKEN";

    /** For Lambda: configuration from the environment. */
    public WhatsAppWebhookHandler() {
        super(WhatsAppChannel.class);
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public WhatsAppWebhookHandler(ApplicationContextBuilder builder) {
        super(WhatsAppChannel.class, builder);
    }
}
