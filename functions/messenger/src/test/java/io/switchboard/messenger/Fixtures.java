package io.switchboard.messenger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Webhook bodies under src/test/resources/events/{messenger,instagram}, byte for byte (signatures are over bytes). */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] messenger(String name) {
        return bytes("/events/messenger/" + name);
    }

    static byte[] instagram(String name) {
        return bytes("/events/instagram/" + name);
    }

    private static byte[] bytes(String path) {
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
