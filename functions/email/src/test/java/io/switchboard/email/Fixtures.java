package io.switchboard.email;

import java.nio.charset.StandardCharsets;

/** Email webhook bodies under src/test/resources/events/email, byte for byte. */
final class Fixtures {

    /** The signing key, timestamp and token the Mailgun fixtures were signed with. */
    static final String MAILGUN_KEY = "test-mailgun-signing-key";
    static final String MAILGUN_TIMESTAMP = "1764583200";
    static final String MAILGUN_TOKEN = "c7f1e2d3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f708192";
    static final String MAILGUN_SIGNATURE = "01c1714ac85cd9dcbb7190f63baf4305cf7698de2c868c554bfa4f9503556452";
    static final String MAILGUN_MULTIPART_TYPE = "multipart/form-data; boundary=mailgunFormBoundary7MA4YWxkTrZu0gW";
    static final String SENDGRID_TYPE = "multipart/form-data; boundary=xYzZY";

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        String path = "/events/email/" + name;
        return io.switchboard.core.testing.TestResources.bytes(path);
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A Mailgun fixture re-signed with a new timestamp (the fixture's own is in the past). */
    static byte[] mailgunSignedAt(String name, long epochSeconds, String key) {
        String timestamp = Long.toString(epochSeconds);
        String signature = MailgunSignature.sign(key, timestamp, MAILGUN_TOKEN);
        return text(name).replace(MAILGUN_TIMESTAMP, timestamp).replace(MAILGUN_SIGNATURE, signature)
                .getBytes(StandardCharsets.UTF_8);
    }
}
