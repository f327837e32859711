package io.switchboard.telephony;

import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.webhook.WebhookFunction;

/**
 * The Lambda entry point of Twilio's voice and messaging webhooks, served by {@link TwilioChannel} through the
 * core's webhook pipeline. The names below are this function's settings and routes, for tests and the local cloud.
 */
public class TwilioWebhookHandler extends WebhookFunction {

    public static final String AUTH_TOKEN = TwilioVerifier.AUTH_TOKEN;
    public static final String PUBLIC_BASE_URL = TwilioVerifier.PUBLIC_BASE_URL;
    public static final String FORWARD_TO = TwilioChannel.FORWARD_TO;
    public static final String GREETING = TwilioChannel.GREETING;
    static final String DEFAULT_GREETING = TwilioChannel.DEFAULT_GREETING;

    static final String VOICE = TwilioChannel.VOICE;
    static final String VOICE_STATUS = TwilioChannel.VOICE_STATUS;
    static final String VOICE_RECORDING = TwilioChannel.VOICE_RECORDING;
    static final String VOICE_TRANSCRIPTION = TwilioChannel.VOICE_TRANSCRIPTION;
    static final String SMS = TwilioChannel.SMS;
    static final String SMS_STATUS = TwilioChannel.SMS_STATUS;

    /** For Lambda: configuration from the environment. */
    public TwilioWebhookHandler() {
        super(TwilioChannel.class);
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public TwilioWebhookHandler(ApplicationContextBuilder builder) {
        super(TwilioChannel.class, builder);
    }
}
