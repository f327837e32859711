package io.switchboard.core.model;

/** The payload names a sender that cannot be turned into an identity: a client error, not a fault. */
public class InvalidIdentityException extends RejectedInputException {
    public InvalidIdentityException(String message) {
        super(message);
    }
}
