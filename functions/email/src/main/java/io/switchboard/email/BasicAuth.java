package io.switchboard.email;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * HTTP basic authentication (RFC 7617) as Postmark and SendGrid Inbound Parse use it: the credentials are part of
 * the webhook URL ({@code https://user:password@host/...}) and arrive as {@code Authorization: Basic ...}.
 * User and password are compared through their SHA-256 digests with {@link MessageDigest#isEqual}, so the time
 * taken tells nothing about how much matched, nor the length.
 */
public final class BasicAuth {

    public static final String CHALLENGE = "Basic realm=\"switchboard-email\", charset=\"UTF-8\"";

    private BasicAuth() {
    }

    public static String header(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static boolean matches(String authorization, String user, String password) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.trim();
        if (value.length() < 6 || !value.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean userOk = MessageDigest.isEqual(digest(decoded.substring(0, colon)), digest(user));
        boolean passwordOk = MessageDigest.isEqual(digest(decoded.substring(colon + 1)), digest(password));
        return userOk & passwordOk;
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
