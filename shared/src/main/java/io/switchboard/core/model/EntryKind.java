package io.switchboard.core.model;

/**
 * What a conversation entry is. Channel-specific details (a location's coordinates, a button's payload)
 * live in the entry's {@code details}; the kind says how a helpdesk should show it.
 */
public enum EntryKind {
    MESSAGE("message"),
    REACTION("reaction"),
    LOCATION("location"),
    CONTACTS("contacts"),
    INTERACTIVE_REPLY("interactive_reply"),
    /** A tap on a button or menu item that posts a payload back (a postback). */
    POSTBACK("postback"),
    /** The customer arrived through a link, ad or QR code (a referral); where from is in details. */
    REFERRAL("referral"),
    /** The customer opted in (a plugin or notification opt-in). */
    OPTIN("optin"),
    SYSTEM("system"),
    /** An automatic answer (out-of-office, autoresponder): joins an open conversation, never opens one. */
    AUTO_REPLY("auto_reply", false),
    /** A delivery-status report (a bounce): joins an open conversation, never opens one. */
    BOUNCE("bounce", false),
    CALL("call"),
    VOICEMAIL("voicemail"),
    /** A payload type Switchboard does not understand yet: kept whole in details.raw, never dropped. */
    UNSUPPORTED("unsupported");

    private final String wireName;
    private final boolean opensConversations;

    EntryKind(String wireName) {
        this(wireName, true);
    }

    EntryKind(String wireName, boolean opensConversations) {
        this.wireName = wireName;
        this.opensConversations = opensConversations;
    }

    /** False for machine-made entries that must not start a conversation on their own. */
    public boolean opensConversations() {
        return opensConversations;
    }

    public String wireName() {
        return wireName;
    }

    public static EntryKind fromWire(String name) {
        for (EntryKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown entry kind: " + name);
    }
}
