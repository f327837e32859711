package io.switchboard.telephony;

import io.switchboard.core.model.DeliveryStatus;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Twilio's call and message status words, as the core's delivery statuses. The core ranks statuses; which word of
 * Twilio's means which status is telephony's knowledge, and lives here. Words are compared trimmed and
 * case-insensitively; a word that is no step the log tracks maps to nothing.
 */
final class TwilioStatuses {

    /**
     * Twilio's CallStatus values (https://www.twilio.com/docs/voice/api/call-resource#call-status-values).
     * "queued" and "initiated" are not steps the log tracks.
     */
    private static final Map<String, DeliveryStatus> CALL = Map.of(
            "ringing", DeliveryStatus.RINGING,
            "in-progress", DeliveryStatus.IN_PROGRESS,
            "completed", DeliveryStatus.COMPLETED,
            "busy", DeliveryStatus.BUSY,
            "no-answer", DeliveryStatus.NO_ANSWER,
            "failed", DeliveryStatus.FAILED,
            "canceled", DeliveryStatus.CANCELED);

    /**
     * Twilio's MessageStatus values of outbound messages
     * (https://www.twilio.com/docs/messaging/api/message-resource#message-status-values). "received"/"receiving"
     * (inbound), "canceled" (a scheduled message withdrawn) and "partially_delivered" are not delivery steps.
     */
    private static final Map<String, DeliveryStatus> MESSAGE = Map.of(
            "queued", DeliveryStatus.ACCEPTED,
            "accepted", DeliveryStatus.ACCEPTED,
            "scheduled", DeliveryStatus.ACCEPTED,
            "sending", DeliveryStatus.ACCEPTED,
            "sent", DeliveryStatus.SENT,
            "delivered", DeliveryStatus.DELIVERED,
            "read", DeliveryStatus.READ,
            "undelivered", DeliveryStatus.FAILED,
            "failed", DeliveryStatus.FAILED);

    private TwilioStatuses() {
    }

    /** The status of a CallStatus word; empty for a word the log does not track. */
    static Optional<DeliveryStatus> ofCall(String callStatus) {
        return Optional.ofNullable(CALL.get(word(callStatus)));
    }

    /** The status of a MessageStatus word; empty for a word that is no delivery step. */
    static Optional<DeliveryStatus> ofMessage(String messageStatus) {
        return Optional.ofNullable(MESSAGE.get(word(messageStatus)));
    }

    /** A status word as the maps hold it: trimmed, lower case. */
    static String word(String status) {
        return status.trim().toLowerCase(Locale.ROOT);
    }
}
