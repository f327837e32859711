package io.switchboard.telephony;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Twilio webhook bodies under src/test/resources/events/twilio, byte for byte. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        String path = "/events/twilio/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static TwilioForm form(String name) {
        return TwilioForm.parse(bytes(name));
    }
}
