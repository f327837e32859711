package io.switchboard.core.model;

/** Whether the customer wrote to the company (inbound) or the company to the customer (outbound). */
public enum Direction {
    INBOUND("inbound"),
    OUTBOUND("outbound");

    private final String wireName;

    Direction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Direction fromWire(String name) {
        for (Direction direction : values()) {
            if (direction.wireName.equals(name)) {
                return direction;
            }
        }
        throw new IllegalArgumentException("unknown direction: " + name);
    }
}
