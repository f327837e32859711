package io.switchboard.core.outbound;

/** A channel's messaging-window rule for one message: send as is, send with a message tag, or refuse. */
public sealed interface WindowVerdict {

    /** Allowed; {@code messagingTag} is null for a plain response inside the window. */
    record Allowed(String messagingTag) implements WindowVerdict {
    }

    /** Refused without calling the provider: the entry fails with this code and plain reason. */
    record Refused(String code, String reason) implements WindowVerdict {
    }

    WindowVerdict OPEN = new Allowed(null);
}
