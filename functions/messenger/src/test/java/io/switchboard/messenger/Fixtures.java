package io.switchboard.messenger;


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
        return io.switchboard.core.testing.TestResources.bytes(path);
    }
}
