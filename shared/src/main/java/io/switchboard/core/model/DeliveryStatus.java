package io.switchboard.core.model;

/**
 * Delivery status of an outbound message. Providers deliver status callbacks out of order, so a status
 * only ever replaces a lower-ranked one: a late "delivered" never undoes "read". "failed" is terminal.
 */
public enum DeliveryStatus {
    ACCEPTED("accepted", 1),
    SENT("sent", 2),
    DELIVERED("delivered", 3),
    READ("read", 4),
    FAILED("failed", 5);

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
