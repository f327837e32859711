package io.switchboard.core.events;

/**
 * A subscriber refused the event for what it is, not for the moment (content SQS does not accept, a size it
 * does not take): sending it again can never succeed, so the fan-out parks the change and goes on instead of
 * blocking every later event of the shard behind it.
 */
public class UnpublishableEventException extends RuntimeException {

    private final String reason;

    /** @param reason a short code, e.g. the queue's error code; never the event's content */
    public UnpublishableEventException(String reason) {
        super("event refused by a subscriber: " + reason, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
