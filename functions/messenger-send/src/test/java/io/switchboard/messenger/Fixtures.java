package io.switchboard.messenger;

/** The Send API's answers under src/test/resources/events/messenger, byte for byte. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] messenger(String name) {
        return io.switchboard.core.testing.TestResources.bytes("/events/messenger/" + name);
    }
}
