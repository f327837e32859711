package io.switchboard.core.events;

/** The event types of the contract with helpdesks. */
public final class EventTypes {

    public static final String CUSTOMER_CREATED = "switchboard.customer.created";
    /** A customer was merged into another (data: survivor, merged); the subject is the survivor. */
    public static final String CUSTOMER_MERGED = "switchboard.customer.merged";
    public static final String CONVERSATION_OPENED = "switchboard.conversation.opened";
    public static final String MESSAGE_RECEIVED = "switchboard.message.received";
    public static final String MESSAGE_SENT = "switchboard.message.sent";
    public static final String MESSAGE_STATUS = "switchboard.message.status";
    public static final String CALL_STARTED = "switchboard.call.started";
    public static final String CALL_ENDED = "switchboard.call.ended";
    public static final String VOICEMAIL_RECEIVED = "switchboard.voicemail.received";
    /**
     * An attachment of an announced entry was kept (data: entryId, index, attachment with its downloadPath); the
     * subject is the customer.
     */
    public static final String ATTACHMENT_STORED = "switchboard.attachment.stored";
    /** An attachment of an announced entry could not be kept (data: entryId, index, attachment with its reason). */
    public static final String ATTACHMENT_FAILED = "switchboard.attachment.failed";
    /** A send command that can never be carried out as written (data: commandId, code, reason). */
    public static final String COMMAND_REJECTED = "switchboard.command.rejected";

    private EventTypes() {
    }
}
