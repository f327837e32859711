package io.switchboard.whatsapp;


/** Webhook bodies under src/test/resources/events/whatsapp, byte for byte (signatures are over bytes). */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        String path = "/events/whatsapp/" + name;
        return io.switchboard.core.testing.TestResources.bytes(path);
    }
}
