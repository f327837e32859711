package io.switchboard.core.model;

/**
 * The provider sent something the pipeline will not store (malformed, over a limit): a client error answered
 * with 400 and a short reason, so the provider stops retrying; nothing of the request is written.
 */
public class RejectedInputException extends IllegalArgumentException {
    public RejectedInputException(String reason) {
        super(reason);
    }

    /** The short reason the provider is told. */
    public String reason() {
        return getMessage();
    }
}
