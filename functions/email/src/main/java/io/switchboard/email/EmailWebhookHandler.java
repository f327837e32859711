package io.switchboard.email;

import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.webhook.WebhookFunction;

/**
 * The email function's Lambda entry point: Postmark, Mailgun, SendGrid and raw MIME webhooks, served by
 * {@link EmailChannel} through the core's webhook pipeline.
 */
public class EmailWebhookHandler extends WebhookFunction {

    /** Mailgun's HTTP webhook signing key (a secret). */
    public static final String MAILGUN_SIGNING_KEY = EmailChannel.MAILGUN_SIGNING_KEY;
    /** Basic-auth user and password of the Postmark, SendGrid and raw MIME webhook URLs (secrets). */
    public static final String WEBHOOK_USER = EmailChannel.WEBHOOK_USER;
    public static final String WEBHOOK_PASSWORD = EmailChannel.WEBHOOK_PASSWORD;
    /** Larger bodies are refused with 413 (why 4 MiB: {@link EmailChannel#MAX_BODY_BYTES}). */
    public static final int MAX_BODY_BYTES = EmailChannel.MAX_BODY_BYTES;

    /** For Lambda: configuration from the environment. */
    public EmailWebhookHandler() {
        super(EmailChannel.class);
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public EmailWebhookHandler(ApplicationContextBuilder builder) {
        super(EmailChannel.class, builder);
    }
}
