package io.switchboard.telephony;

import java.nio.charset.StandardCharsets;

/** Twilio webhook bodies under src/test/resources/events/twilio, byte for byte. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        String path = "/events/twilio/" + name;
        return io.switchboard.core.testing.TestResources.bytes(path);
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static TwilioForm form(String name) {
        return TwilioForm.parse(bytes(name));
    }
}
