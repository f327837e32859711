package io.switchboard.core.model;

/** A provider channel an interaction arrived on. The wire name is used in storage and in events. */
public enum Channel {
    WHATSAPP("whatsapp"),
    MESSENGER("messenger"),
    INSTAGRAM("instagram"),
    EMAIL("email"),
    SMS("sms"),
    VOICE("voice");

    private final String wireName;

    Channel(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The channel a reply to this channel's customer goes out on: a call cannot carry text, its number gets an SMS. */
    public Channel replyChannel() {
        return this == VOICE ? SMS : this;
    }

    public static Channel fromWire(String name) {
        for (Channel channel : values()) {
            if (channel.wireName.equals(name)) {
                return channel;
            }
        }
        throw new IllegalArgumentException("unknown channel: " + name);
    }
}
