package io.switchboard.core.events;

import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.store.LogItems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns one stored change of the conversation log (a stream record's old and new image) into the events
 * it means. Event ids derive from what changed (entry id, event type, the status reached), never from
 * when or how often the change is read, so replaying a stream record yields the same ids and consumers
 * (and FIFO deduplication) drop the repeat.
 */
public final class ChangeEvents {

    private ChangeEvents() {
    }

    /**
     * @param oldImage the item before the change, or null (insert)
     * @param newImage the item after the change, or null (remove)
     * @param customer the customer the item belongs to (its current record)
     */
    public static List<CloudEvent> of(Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage,
                                      Customer customer) {
        List<CloudEvent> events = new ArrayList<>();
        if (newImage == null || newImage.isEmpty()) {
            return events;
        }
        boolean inserted = oldImage == null || oldImage.isEmpty();
        if (LogItems.isCustomer(newImage)) {
            if (inserted) {
                Customer created = LogItems.customerFrom(newImage);
                events.add(CloudEvent.of(id(created.id(), EventTypes.CUSTOMER_CREATED), created.source(),
                        EventTypes.CUSTOMER_CREATED, created.id(), LogItems.time(created.createdAt()),
                        Map.of("customer", customerData(created))));
            }
            return events;
        }
        if (!LogItems.isEntry(newImage)) {
            return events;
        }
        ConversationEntry entry = LogItems.entryFrom(newImage);
        Map<String, Object> statusError = LogItems.statusError(newImage);
        if (inserted && entry.opensConversation()) {
            events.add(event(customer, entry, statusError, EventTypes.CONVERSATION_OPENED,
                    id(entry.conversationId(), EventTypes.CONVERSATION_OPENED), LogItems.time(entry.occurredAt())));
        }
        boolean contentArrived = inserted || (LogItems.bool(oldImage, LogItems.PLACEHOLDER) && !entry.placeholder());
        if (contentArrived) {
            String type = arrivalType(entry);
            events.add(event(customer, entry, statusError, type,
                    id(entry.id(), type, entry.placeholder() ? "placeholder" : "content"), LogItems.time(entry.occurredAt())));
        }
        if (entry.status() != null && LogItems.statusRank(newImage) > LogItems.statusRank(oldImage)) {
            events.add(event(customer, entry, statusError, EventTypes.MESSAGE_STATUS,
                    id(entry.id(), EventTypes.MESSAGE_STATUS, entry.status().wireName()),
                    LogItems.time(entry.statusAt() != null ? entry.statusAt() : entry.occurredAt())));
        }
        return events;
    }

    private static String arrivalType(ConversationEntry entry) {
        if (entry.kind() == EntryKind.CALL) {
            return EventTypes.CALL_STARTED;
        }
        if (entry.kind() == EntryKind.VOICEMAIL) {
            return EventTypes.VOICEMAIL_RECEIVED;
        }
        return entry.direction() == Direction.INBOUND ? EventTypes.MESSAGE_RECEIVED : EventTypes.MESSAGE_SENT;
    }

    private static CloudEvent event(Customer customer, ConversationEntry entry, Map<String, Object> statusError,
                                    String type, String id, String time) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("customer", customerData(customer));
        data.put("conversationId", entry.conversationId());
        data.put("entry", entryData(entry, statusError));
        return CloudEvent.of(id, entry.source(), type, customer.id(), time, data);
    }

    static Map<String, Object> customerData(Customer customer) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", customer.id());
        data.put("displayName", customer.displayName());
        data.put("identities", customer.identities());
        return data;
    }

    /** The entry as helpdesks see it (the JSON Schema's "entry"). */
    public static Map<String, Object> entryData(ConversationEntry entry, Map<String, Object> statusError) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", entry.id());
        data.put("channel", entry.channel().wireName());
        data.put("direction", entry.direction().wireName());
        data.put("kind", entry.kind().wireName());
        data.put("occurredAt", LogItems.time(entry.occurredAt()));
        data.put("text", entry.text());
        data.put("attachments", entry.attachments());
        data.put("providerMessageId", entry.providerMessageId());
        data.put("replyTo", entry.replyTo());
        data.put("replyToEntryId", entry.replyToEntryId());
        data.put("conversationId", entry.conversationId());
        data.put("status", entry.status() == null ? null : entry.status().wireName());
        data.put("statusAt", entry.statusAt() == null ? null : LogItems.time(entry.statusAt()));
        if (!statusError.isEmpty()) {
            data.put("statusError", statusError);
        }
        data.put("details", entry.details());
        data.put("placeholder", entry.placeholder());
        return data;
    }

    /** A UUID derived from the parts: the same stored change always yields the same event id. */
    static String id(String... parts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
            long most = 0;
            long least = 0;
            for (int i = 0; i < 8; i++) {
                most = (most << 8) | (digest[i] & 0xff);
                least = (least << 8) | (digest[i + 8] & 0xff);
            }
            // Version 8 (custom) and the RFC 4122 variant bits, so it is a well-formed UUID.
            most = (most & ~0xF000L) | 0x8000L;
            least = (least & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(most, least).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
