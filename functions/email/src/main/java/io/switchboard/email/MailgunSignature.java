package io.switchboard.email;

import io.switchboard.core.http.WebhookException;
import io.switchboard.core.security.Hmac;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Mailgun's webhook signature: {@code signature} = hex HMAC-SHA256(signing key, timestamp + token), posted as
 * form fields next to the message
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks). Compared in constant
 * time; a timestamp further than {@link #TOLERANCE} from now (stale, or from the future) is refused, which bounds
 * replays of a captured request. Within that window the signature alone does not stop a replay (it covers no
 * content): the channel remembers each token ({@link io.switchboard.core.replay.ReplayGuard}).
 */
public final class MailgunSignature {

    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    /**
     * Longest token accepted (Mailgun's are 50 hex characters): tokens are remembered under their value, and
     * a DynamoDB key holds at most 2048 bytes.
     */
    public static final int MAX_TOKEN_CHARS = 256;

    /**
     * A request whose signature and timestamp passed.
     *
     * @param token     Mailgun's one-time token
     * @param expiresAt when this signature stops passing the freshness check (timestamp + {@link #TOLERANCE})
     */
    public record Verified(String token, Instant expiresAt) {
    }

    private MailgunSignature() {
    }

    public static String sign(String signingKey, String timestamp, String token) {
        return HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, signingKey,
                (timestamp + token).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @throws WebhookException 401 when a field is missing, 403 when the signature does not match or the timestamp
     *                          is outside the tolerance, 400 for a signed token longer than {@link #MAX_TOKEN_CHARS}
     */
    public static Verified verify(FormFields form, String signingKey, Instant now) {
        String timestamp = form.get("timestamp").map(String::trim).orElse(null);
        String token = form.get("token").map(String::trim).orElse(null);
        String signature = form.get("signature").map(value -> value.trim().toLowerCase(Locale.ROOT)).orElse(null);
        if (timestamp == null || token == null || signature == null) {
            throw WebhookException.unauthorized("missing Mailgun timestamp, token or signature");
        }
        String expected = sign(signingKey, timestamp, token);
        if (!Hmac.equal(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
            throw WebhookException.forbidden("invalid signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw WebhookException.forbidden("invalid timestamp");
        }
        long nowSeconds = now.getEpochSecond();
        if (seconds < nowSeconds - TOLERANCE.toSeconds() || seconds > nowSeconds + TOLERANCE.toSeconds()) {
            throw WebhookException.forbidden("stale timestamp");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw WebhookException.badRequest("token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        return new Verified(token, Instant.ofEpochSecond(seconds).plus(TOLERANCE));
    }
}
