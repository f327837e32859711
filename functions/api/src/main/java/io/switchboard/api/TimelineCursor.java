package io.switchboard.api;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.security.Hmac;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeline's opaque cursor: {@code base64url(position) "." base64url(HMAC-SHA256(key, customer id LF position))}.
 * The signature binds the position to the customer whose timeline issued it, so a cursor cannot be edited, nor
 * replayed against another customer's timeline (where it would start a Query in that customer's partition at an
 * arbitrary key). The key is {@value #KEY}: the function's secret on AWS; locally a setting, else a development key.
 * https://www.rfc-editor.org/rfc/rfc4648#section-5 (base64url), https://www.rfc-editor.org/rfc/rfc2104 (HMAC)
 */
@Singleton
class TimelineCursor {

    static final String KEY = "SWITCHBOARD_CURSOR_KEY";
    /** Only ever used where no secret is configured at all: the local cloud. */
    static final String DEVELOPMENT_KEY = "switchboard-local-development-cursor-key";
    /**
     * Refuses junk before decoding it. A time key is about 100 characters; a survivor's cursor holds one per merged
     * customer, so this fits a customer and some 20 merged ones.
     */
    static final int MAX_CHARS = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(TimelineCursor.class);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final Secrets secrets;
    private final Settings settings;
    private volatile boolean warned;

    TimelineCursor(Secrets secrets, Settings settings) {
        this.secrets = secrets;
        this.settings = settings;
    }

    String encode(String customerId, String position) {
        byte[] bytes = position.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(signature(customerId, bytes));
    }

    /** The position the cursor names, if this deployment issued it for this customer; else 400. */
    String decode(String customerId, String cursor) {
        int dot = cursor.indexOf('.');
        if (cursor.length() > MAX_CHARS || dot < 1) {
            throw ApiProblem.badRequest("before is not a cursor this API issued");
        }
        byte[] position;
        byte[] signature;
        try {
            position = Base64.getUrlDecoder().decode(cursor.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(cursor.substring(dot + 1));
        } catch (IllegalArgumentException notBase64) {
            throw ApiProblem.badRequest("before is not a cursor this API issued");
        }
        if (!Hmac.equal(signature(customerId, position), signature)) {
            throw ApiProblem.badRequest("before is not a cursor of this customer's timeline");
        }
        return new String(position, StandardCharsets.UTF_8);
    }

    private byte[] signature(String customerId, byte[] position) {
        byte[] customer = (customerId + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[customer.length + position.length];
        System.arraycopy(customer, 0, message, 0, customer.length);
        System.arraycopy(position, 0, message, customer.length, position.length);
        return Hmac.sign(Hmac.SHA256, key(), message);
    }

    /** Read at use (cached by Secrets): a deployment whose secret lacks the key fails its timeline calls, loudly. */
    private String key() {
        return secrets.get(KEY).orElseGet(() -> {
            if (settings.get(Settings.SECRET_ID).isPresent()) {
                throw new Settings.MissingSettingException(KEY);
            }
            if (!warned) {
                warned = true;
                LOG.warn("{} is not set: timeline cursors are signed with the development key", KEY);
            }
            return DEVELOPMENT_KEY;
        });
    }
}
