package io.switchboard.meta;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.security.Hmac;
import io.switchboard.core.webhook.WebhookRoute;
import java.util.HexFormat;

/**
 * Meta's webhook signature (WhatsApp, Messenger, Instagram): header {@code X-Hub-Signature-256} is
 * {@code sha256=} followed by the hex HMAC-SHA256 of the raw request body keyed with the app secret.
 * It must be checked over the bytes as received: re-serialised JSON does not match.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
 */
public final class HubSignature {

    public static final String HEADER = "x-hub-signature-256";
    private static final String PREFIX = "sha256=";

    private HubSignature() {
    }

    /**
     * The verifier of a route whose bodies Meta signs with the app secret of this name. The secret is read per
     * request (not when the route is built), so a rotated secret is picked up and a missing one is a 500.
     */
    public static WebhookRoute.Verifier verifier(Secrets secrets, String appSecretName) {
        return request -> {
            String appSecret = secrets.require(appSecretName);
            String signature = request.header(HEADER).orElse("");
            if (signature.isBlank()) {
                throw WebhookException.unauthorized("missing signature");
            }
            // Over the bytes as received: Meta signs its own serialisation, which re-serialised JSON would not match.
            if (!isValid(signature, request.body(), appSecret)) {
                throw WebhookException.bodySignatureMismatch("invalid signature");
            }
        };
    }

    public static boolean isValid(String headerValue, byte[] rawBody, String appSecret) {
        if (headerValue == null || appSecret == null || appSecret.isEmpty() || !headerValue.startsWith(PREFIX)) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(headerValue.substring(PREFIX.length()).trim().toLowerCase());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return Hmac.equal(Hmac.sign(Hmac.SHA256, appSecret, rawBody), presented);
    }

    /** The header value a sender with this secret would send for this body. */
    public static String sign(byte[] rawBody, String appSecret) {
        return PREFIX + HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, appSecret, rawBody));
    }
}
