package io.switchboard.core.http;

import java.util.Map;

/** A request the function refuses: the status and a short reason go back to the caller; nothing is stored. */
public class WebhookException extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;
    private final boolean bodySignatureMismatch;

    public WebhookException(int status, String reason) {
        this(status, reason, Map.of());
    }

    /** @param headers response headers the refusal needs, e.g. a 401's {@code WWW-Authenticate} challenge */
    public WebhookException(int status, String reason, Map<String, String> headers) {
        this(status, reason, headers, false);
    }

    private WebhookException(int status, String reason, Map<String, String> headers, boolean bodySignatureMismatch) {
        super(reason);
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.bodySignatureMismatch = bodySignatureMismatch;
    }

    /**
     * A 401 for a signature that does not match the body's bytes (as opposed to a missing signature or wrong
     * credentials): when the gateway may have replaced undecodable bytes of the body, the pipeline answers it as the
     * decoding fault it then is (400).
     */
    public static WebhookException bodySignatureMismatch(String reason) {
        return new WebhookException(401, reason, Map.of(), true);
    }

    /** Whether this refusal is a signature over the body's bytes that did not match ({@link #bodySignatureMismatch}). */
    public boolean isBodySignatureMismatch() {
        return bodySignatureMismatch;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }

    public static WebhookException badRequest(String reason) {
        return new WebhookException(400, reason);
    }

    public static WebhookException unauthorized(String reason) {
        return new WebhookException(401, reason);
    }

    public static WebhookException forbidden(String reason) {
        return new WebhookException(403, reason);
    }
}
