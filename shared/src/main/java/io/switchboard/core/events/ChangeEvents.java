package io.switchboard.core.events;

import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.log.LogChange;
import io.switchboard.core.model.Times;
import io.switchboard.core.outbound.CommandLedger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns one stored change of the conversation log (domain objects: the store maps stream images) into the events
 * it means. Event ids derive from what changed (entry id, event type, the status reached), never from
 * when or how often the change is read, so replaying a stream record yields the same ids and consumers
 * (and FIFO deduplication) drop the repeat.
 */
public final class ChangeEvents {

    private ChangeEvents() {
    }

    /**
     * @param change   the stored change
     * @param customer the customer the entry belongs to (its current record); for a merge, the survivor as it
     *                 resolves now; unused for a created customer
     */
    public static List<CloudEvent> of(LogChange change, Customer customer) {
        return of(change, customer, customerId -> List.of());
    }

    /**
     * @param recentEntries the customer's most recent entries (oldest first), read only for call.started,
     *                      whose data carries them so the agent who picks up sees what the caller wrote before
     */
    public static List<CloudEvent> of(LogChange change, Customer customer,
                                      Function<String, List<ConversationEntry>> recentEntries) {
        List<CloudEvent> events = new ArrayList<>();
        if (change instanceof LogChange.CustomerCreated created) {
            Customer record = created.customer();
            events.add(CloudEvent.of(id(record.id(), EventTypes.CUSTOMER_CREATED), record.source(),
                    EventTypes.CUSTOMER_CREATED, record.id(), Times.rfc3339(record.createdAt()),
                    Map.of("customer", customerData(record))));
            return events;
        }
        if (change instanceof LogChange.CustomerMerged merged) {
            // The id derives from the pair as recorded, so a replayed stream record repeats it; the survivor shown
            // is where the merged id resolves now (after a later merge of the survivor, that later survivor).
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("survivor", customerData(customer));
            data.put("merged", merged.mergedId());
            events.add(CloudEvent.of(id(merged.mergedId(), merged.survivorId(), EventTypes.CUSTOMER_MERGED), "/api",
                    EventTypes.CUSTOMER_MERGED, customer.id(), Times.rfc3339(merged.at()), data));
            return events;
        }
        if (change instanceof LogChange.CommandRejected rejected) {
            events.add(commandRejected(rejected));
            return events;
        }
        if (!(change instanceof LogChange.EntryChanged changed)) {
            return events;
        }
        LogChange.LoggedEntry before = changed.before();
        LogChange.LoggedEntry after = changed.after();
        ConversationEntry entry = after.entry();
        boolean inserted = changed.inserted();
        Map<String, Object> data = entryData(customer.id(), after);
        if (inserted && entry.opensConversation()) {
            events.add(event(customer, entry, data, EventTypes.CONVERSATION_OPENED,
                    id(entry.conversationId(), EventTypes.CONVERSATION_OPENED), Times.rfc3339(entry.occurredAt())));
        }
        boolean contentArrived = inserted || (before.entry().placeholder() && !entry.placeholder());
        if (contentArrived) {
            String type = arrivalType(entry);
            CloudEvent arrival = event(customer, entry, data, type,
                    id(entry.id(), type, entry.placeholder() ? "placeholder" : "content"), Times.rfc3339(entry.occurredAt()));
            if (EventTypes.CALL_STARTED.equals(type)) {
                arrival.data().put("recentEntries", recentEntries.apply(customer.id()).stream()
                        .filter(recent -> !recent.id().equals(entry.id()))
                        .map(recent -> (Object) entryData(customer.id(), LogChange.LoggedEntry.of(recent)))
                        .toList());
            }
            events.add(arrival);
        }
        String amendedAt = after.amendedAt();
        boolean amended = !contentArrived && amendedAt != null
                && !amendedAt.equals(before == null ? null : before.amendedAt());
        if (amended && entry.kind() != EntryKind.CALL) {
            // An edit, a deletion, a transcription: the entry is announced again, same entry id, new event id.
            String type = arrivalType(entry);
            events.add(event(customer, entry, data, type, id(entry.id(), type, "amended", amendedAt), amendedAt));
        }
        // A new entry's own first status travels in its arrival event; a placeholder's is announced, since
        // the status is all that is known of it, and so is a call that is new and already over.
        boolean statusIsNews = !inserted || entry.placeholder()
                || (entry.kind() == EntryKind.CALL && entry.status() != null && entry.status().endsCall());
        int rankBefore = before == null ? 0 : before.statusRank();
        if (statusIsNews && entry.status() != null && after.statusRank() > rankBefore) {
            String statusTime = Times.rfc3339(entry.statusAt() != null ? entry.statusAt() : entry.occurredAt());
            if (entry.kind() == EntryKind.CALL && entry.status().endsCall()) {
                DeliveryStatus previous = before == null ? null : before.entry().status();
                if (previous == null || !previous.endsCall()) {
                    events.add(event(customer, entry, data, EventTypes.CALL_ENDED,
                            id(entry.id(), EventTypes.CALL_ENDED), statusTime));
                }
            } else {
                events.add(event(customer, entry, data, EventTypes.MESSAGE_STATUS,
                        id(entry.id(), EventTypes.MESSAGE_STATUS, entry.status().wireName()), statusTime));
            }
        }
        if (!contentArrived) {
            events.addAll(attachmentEvents(customer, before.entry(), entry));
        }
        return events;
    }

    /**
     * One event per attachment of the entry that reached stored or failed in this change (the media function moves
     * one at a time). An attachment stored or failed when its entry's content arrived is announced with the entry,
     * not again; the entry itself is not announced again for it. The id derives from the entry, the index and the
     * state reached, so a replayed stream record repeats it.
     */
    private static List<CloudEvent> attachmentEvents(Customer customer, ConversationEntry before, ConversationEntry after) {
        List<CloudEvent> events = new ArrayList<>();
        for (int index = 0; index < after.attachments().size() && index < before.attachments().size(); index++) {
            Attachment now = after.attachments().get(index);
            if (!now.status().settled() || now.status() == before.attachments().get(index).status()) {
                continue;
            }
            String type = now.status() == AttachmentStatus.STORED ? EventTypes.ATTACHMENT_STORED : EventTypes.ATTACHMENT_FAILED;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("entryId", after.id());
            data.put("index", index);
            data.put("attachment", attachmentData(customer.id(), after.id(), index, now));
            String time = Times.rfc3339(now.settledAt() != null ? now.settledAt() : after.occurredAt());
            events.add(CloudEvent.of(id(after.id(), type, Integer.toString(index)), after.source(), type, customer.id(),
                    time, data));
        }
        return events;
    }

    /**
     * A send command that was refused as written. Its subject is the customer the command named, so it travels in
     * that customer's FIFO group; a command that named nobody readable gets a group of its own.
     */
    private static CloudEvent commandRejected(LogChange.CommandRejected rejected) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("commandId", rejected.commandId());
        data.put("code", rejected.code());
        data.put("reason", rejected.reason());
        String subject = rejected.subject() != null ? rejected.subject() : "command:" + rejected.commandId();
        String source = rejected.source() != null ? rejected.source() : "/switchboard/commands";
        // One rejection per command id, except reuses of the id for other commands: each of those is announced
        // once (its ledger item is written once), so its id adds when it was written, or subscriber queues would
        // take it for the earlier announcement and drop it.
        String eventId = CommandLedger.ID_CONFLICT.equals(rejected.code())
                ? id(rejected.commandId(), EventTypes.COMMAND_REJECTED, rejected.code(), subject, Times.rfc3339(rejected.at()))
                : id(rejected.commandId(), EventTypes.COMMAND_REJECTED);
        return CloudEvent.of(eventId, source, EventTypes.COMMAND_REJECTED, subject, Times.rfc3339(rejected.at()), data);
    }

    /** The type announcing a new entry: call.started, voicemail.received, message.received or message.sent. */
    public static String arrivalType(ConversationEntry entry) {
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

    /**
     * The entry as helpdesks see it (the JSON Schema's "entry"), with what only the log keeps about it.
     *
     * @param customerId the customer whose timeline shows it (the event's subject): stored attachments are
     *                   downloaded under it
     */
    public static Map<String, Object> entryData(String customerId, LogChange.LoggedEntry logged) {
        ConversationEntry entry = logged.entry();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", entry.id());
        data.put("channel", entry.channel().wireName());
        data.put("direction", entry.direction().wireName());
        data.put("kind", entry.kind().wireName());
        data.put("occurredAt", Times.rfc3339(entry.occurredAt()));
        data.put("text", entry.text());
        List<Object> attachments = new ArrayList<>(entry.attachments().size());
        for (int index = 0; index < entry.attachments().size(); index++) {
            attachments.add(attachmentData(customerId, entry.id(), index, entry.attachments().get(index)));
        }
        data.put("attachments", attachments);
        data.put("providerMessageId", entry.providerMessageId());
        data.put("replyTo", entry.replyTo());
        data.put("replyToEntryId", entry.replyToEntryId());
        data.put("conversationId", entry.conversationId());
        data.put("status", entry.status() == null ? null : entry.status().wireName());
        data.put("statusAt", entry.statusAt() == null ? null : Times.rfc3339(entry.statusAt()));
        if (!logged.statusError().isEmpty()) {
            data.put("statusError", logged.statusError());
        }
        data.put("details", entry.details());
        data.put("placeholder", entry.placeholder());
        data.put("amendedAt", logged.amendedAt());
        return data;
    }

    /**
     * An attachment as helpdesks see it (the JSON Schema's "attachment"): what the provider said of it, its state, and
     * once stored, where the customer API serves it. The bucket's key stays in the store.
     */
    public static Map<String, Object> attachmentData(String customerId, String entryId, int index, Attachment attachment) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", attachment.type());
        data.put("mimeType", attachment.mimeType());
        data.put("mediaId", attachment.mediaId());
        data.put("url", attachment.url());
        data.put("filename", attachment.filename());
        data.put("caption", attachment.caption());
        data.put("sizeBytes", attachment.sizeBytes());
        data.put("status", attachment.status().wireName());
        data.put("contentType", attachment.contentType());
        data.put("sha256", attachment.sha256());
        data.put("reason", attachment.reason());
        if (attachment.status() == AttachmentStatus.STORED) {
            data.put("downloadPath", Attachment.downloadPath(customerId, entryId, index));
        }
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
