package io.switchboard.email;

import java.nio.charset.StandardCharsets;

/** SES's answers under src/test/resources/events/email. */
final class Fixtures {

    private Fixtures() {
    }

    static String text(String name) {
        return new String(io.switchboard.core.testing.TestResources.bytes("/events/email/" + name),
                StandardCharsets.UTF_8);
    }
}
