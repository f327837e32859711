package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.webhook.WebhookRoute;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwilioChannelTest {

    /** Settings (and so secrets) that fail the test when anything reads them. */
    static final Settings UNREADABLE = name -> {
        throw new AssertionError("read setting " + name);
    };

    @Test
    void buildingAndPriming_readNoSettingAndNoSecret() {
        // given a channel whose settings and secrets may not be read (several functions share a JVM locally)
        TwilioChannel channel = new TwilioChannel(new Secrets(UNREADABLE, id -> {
            throw new AssertionError("fetched secret " + id);
        }, Clock.systemUTC()), UNREADABLE, Clock.systemUTC());
        // when / then priming runs the signature check and a parse without them
        channel.prime();
    }

    @Test
    void routes_areTheSixTwilioPosts() {
        TwilioChannel channel = new TwilioChannel(null, UNREADABLE, Clock.systemUTC());
        assertEquals(List.of("POST /webhooks/twilio/voice", "POST /webhooks/twilio/voice/status",
                        "POST /webhooks/twilio/voice/recording", "POST /webhooks/twilio/voice/transcription",
                        "POST /webhooks/twilio/sms", "POST /webhooks/twilio/sms/status"),
                channel.routes().stream().map(route -> route.method() + " " + route.path()).toList());
        channel.routes().stream().map(WebhookRoute::responder).forEach(responder -> assertNull(responder)); // all ingest
    }
}
