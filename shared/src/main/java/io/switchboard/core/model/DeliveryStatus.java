package io.switchboard.core.model;

/**
 * Status of an entry: delivery of a message, or progress of a call. Providers deliver status callbacks out
 * of order, so a status only ever replaces a lower-ranked one: a late "delivered" never undoes "read", a
 * late "ringing" never undoes "completed". "failed" and a call's final statuses are terminal.
 */
public enum DeliveryStatus {
    ACCEPTED("accepted", 1),
    SENT("sent", 2),
    DELIVERED("delivered", 3),
    READ("read", 4),
    FAILED("failed", 5),
    // Progress of a call; a channel maps its provider's call states onto these.
    RINGING("ringing", 1),
    IN_PROGRESS("in-progress", 2),
    COMPLETED("completed", 6),
    BUSY("busy", 6),
    NO_ANSWER("no-answer", 6),
    CANCELED("canceled", 6);

    private final String wireName;
    private final int rank;

    DeliveryStatus(String wireName, int rank) {
        this.wireName = wireName;
        this.rank = rank;
    }

    public String wireName() {
        return wireName;
    }

    public int rank() {
        return rank;
    }

    /** A call in this status has ended (announced once as switchboard.call.ended). */
    public boolean endsCall() {
        return this == COMPLETED || this == BUSY || this == NO_ANSWER || this == CANCELED || this == FAILED;
    }

    public boolean isAfter(DeliveryStatus other) {
        return other == null || rank > other.rank;
    }

    public static DeliveryStatus fromWire(String name) {
        for (DeliveryStatus status : values()) {
            if (status.wireName.equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown delivery status: " + name);
    }
}
