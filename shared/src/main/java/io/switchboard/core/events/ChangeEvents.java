package io.switchboard.core.events;

import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
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
import java.util.function.Function;
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
        return of(oldImage, newImage, customer, customerId -> List.of());
    }

    /**
     * @param recentEntries the customer's most recent entries (oldest first), read only for call.started,
     *                      whose data carries them so the agent who picks up sees what the caller wrote before
     */
    public static List<CloudEvent> of(Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage,
                                      Customer customer, Function<String, List<ConversationEntry>> recentEntries) {
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
        Map<String, Object> data = entryData(entry, newImage);
        if (inserted && entry.opensConversation()) {
            events.add(event(customer, entry, data, EventTypes.CONVERSATION_OPENED,
                    id(entry.conversationId(), EventTypes.CONVERSATION_OPENED), LogItems.time(entry.occurredAt())));
        }
        boolean contentArrived = inserted || (LogItems.bool(oldImage, LogItems.PLACEHOLDER) && !entry.placeholder());
        if (contentArrived) {
            String type = arrivalType(entry);
            CloudEvent arrival = event(customer, entry, data, type,
                    id(entry.id(), type, entry.placeholder() ? "placeholder" : "content"), LogItems.time(entry.occurredAt()));
            if (EventTypes.CALL_STARTED.equals(type)) {
                arrival.data().put("recentEntries", recentEntries.apply(customer.id()).stream()
                        .filter(recent -> !recent.id().equals(entry.id()))
                        .map(recent -> (Object) entryData(recent, Map.of()))
                        .toList());
            }
            events.add(arrival);
        }
        String amendedAt = LogItems.string(newImage, LogItems.AMENDED_AT);
        boolean amended = !contentArrived && amendedAt != null
                && !amendedAt.equals(oldImage == null ? null : LogItems.string(oldImage, LogItems.AMENDED_AT));
        if (amended && entry.kind() != EntryKind.CALL) {
            // An edit, a deletion, a transcription: the entry is announced again, same entry id, new event id.
            String type = arrivalType(entry);
            events.add(event(customer, entry, data, type, id(entry.id(), type, "amended", amendedAt), amendedAt));
        }
        // A new entry's own first status travels in its arrival event; a placeholder's is announced, since
        // the status is all that is known of it, and so is a call that is new and already over.
        boolean statusIsNews = !inserted || entry.placeholder()
                || (entry.kind() == EntryKind.CALL && entry.status() != null && entry.status().endsCall());
        if (statusIsNews && entry.status() != null && LogItems.statusRank(newImage) > LogItems.statusRank(oldImage)) {
            String statusTime = LogItems.time(entry.statusAt() != null ? entry.statusAt() : entry.occurredAt());
            if (entry.kind() == EntryKind.CALL && entry.status().endsCall()) {
                String before = oldImage == null ? null : LogItems.string(oldImage, LogItems.STATUS);
                if (before == null || !DeliveryStatus.fromWire(before).endsCall()) {
                    events.add(event(customer, entry, data, EventTypes.CALL_ENDED,
                            id(entry.id(), EventTypes.CALL_ENDED), statusTime));
                }
            } else {
                events.add(event(customer, entry, data, EventTypes.MESSAGE_STATUS,
                        id(entry.id(), EventTypes.MESSAGE_STATUS, entry.status().wireName()), statusTime));
            }
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

    private static CloudEvent event(Customer customer, ConversationEntry entry, Map<String, Object> entryData,
                                    String type, String id, String time) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("customer", customerData(customer));
        data.put("conversationId", entry.conversationId());
        data.put("entry", entryData);
        return CloudEvent.of(id, entry.source(), type, customer.id(), time, data);
    }

    static Map<String, Object> customerData(Customer customer) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", customer.id());
        data.put("displayName", customer.displayName());
        data.put("identities", customer.identities());
        return data;
    }

    /** The entry as helpdesks see it (the JSON Schema's "entry"); {@code item} adds what only storage holds. */
    public static Map<String, Object> entryData(ConversationEntry entry, Map<String, AttributeValue> item) {
        Map<String, Object> statusError = item.isEmpty() ? Map.of() : LogItems.statusError(item);
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
        data.put("amendedAt", item.isEmpty() ? null : LogItems.string(item, LogItems.AMENDED_AT));
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
