package io.switchboard.core.outbound;

/**
 * A command that can never be carried out as written (malformed, unknown customer, nothing to send...): it is
 * announced as {@code switchboard.command.rejected} and removed from the queue, never retried.
 */
public final class CommandRejection extends RuntimeException {

    private final String code;
    private final String reason;

    public CommandRejection(String code, String reason) {
        super(code + ": " + reason, null, false, false);
        this.code = code;
        this.reason = reason;
    }

    /** A short machine-readable code, e.g. {@code unknown_customer}. */
    public String code() {
        return code;
    }

    /** What was wrong, in plain words. */
    public String reason() {
        return reason;
    }
}
