package io.switchboard.telephony;

import java.nio.charset.StandardCharsets;

/** Twilio's Messages API answers under src/test/resources/events/twilio. */
final class Fixtures {

    private Fixtures() {
    }

    static String text(String name) {
        return new String(io.switchboard.core.testing.TestResources.bytes("/events/twilio/" + name),
                StandardCharsets.UTF_8);
    }
}
