package io.switchboard.whatsapp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Webhook bodies under src/test/resources/events/whatsapp, byte for byte (signatures are over bytes). */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        String path = "/events/whatsapp/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
