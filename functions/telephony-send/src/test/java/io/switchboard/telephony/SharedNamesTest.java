package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * This module repeats what it shares with the webhook module instead of depending on it (the webhook function
 * carries no sender): one auth token, one public base URL, the SMS status route the webhook function serves, and
 * Twilio's WhatsApp address prefix.
 */
class SharedNamesTest {

    @Test
    void theSendersNamesAreTheWebhookFunctions() {
        assertEquals(TwilioVerifier.AUTH_TOKEN, TwilioSmsSender.AUTH_TOKEN);
        assertEquals(TwilioVerifier.PUBLIC_BASE_URL, TwilioSmsSender.PUBLIC_BASE_URL);
        assertEquals(TwilioChannel.SMS_STATUS, TwilioSmsSender.SMS_STATUS_PATH);
        assertEquals(TelephonyIdentity.WHATSAPP_PREFIX, TwilioSmsSender.WHATSAPP_PREFIX);
    }
}
