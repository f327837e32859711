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
 * replays of a captured request.
 */
public final class MailgunSignature {

    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private MailgunSignature() {
    }

    public static String sign(String signingKey, String timestamp, String token) {
        return HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, signingKey,
                (timestamp + token).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @throws WebhookException 401 when a field is missing, 403 when the signature does not match or the timestamp
     *                          is outside the tolerance
     */
    public static void verify(FormFields form, String signingKey, Instant now) {
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
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            throw WebhookException.forbidden("stale timestamp");
        }
    }
}
