package io.switchboard.core.http;

import java.util.Map;

/** A request the function refuses: the status and a short reason go back to the caller; nothing is stored. */
public class WebhookException extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;

    public WebhookException(int status, String reason) {
        this(status, reason, Map.of());
    }

    /** @param headers response headers the refusal needs, e.g. a 401's {@code WWW-Authenticate} challenge */
    public WebhookException(int status, String reason, Map<String, String> headers) {
        super(reason);
        this.status = status;
        this.headers = Map.copyOf(headers);
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
