package io.switchboard.core.http;

/** A request the function refuses: the status and a short reason go back to the caller; nothing is stored. */
public class WebhookException extends RuntimeException {

    private final int status;

    public WebhookException(int status, String reason) {
        super(reason);
        this.status = status;
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
