package io.switchboard.whatsapp;

/** The Cloud API's answers under src/test/resources/events/whatsapp, byte for byte. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        return io.switchboard.core.testing.TestResources.bytes("/events/whatsapp/" + name);
    }
}
