package io.switchboard.core.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.switchboard.core.json.Json;
import io.switchboard.core.log.LogChange;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.OpenConversation;
import io.switchboard.core.model.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Layout of the conversation log table. Partition = customer id; in it the customer record (sort key
 * {@value #CUSTOMER_SK}) and one item per entry (sort key {@code entry#<entryId>}). The customer record lives
 * in the log partition on purpose: the stream then carries "customer created" before the customer's first
 * entry, and the open conversation is updated in the same transaction as the entry. The local secondary
 * index {@value #BY_TIME_INDEX} orders a customer's entries by provider time ({@code timeKey}).
 */
public final class LogItems {

    public static final String CUSTOMER_ID = "customerId";
    public static final String SK = "sk";
    public static final String TIME_KEY = "timeKey";
    public static final String RECORD_TYPE = "recordType";
    public static final String BY_TIME_INDEX = "byTime";
    public static final String CUSTOMER_SK = "customer";
    public static final String ENTRY_SK_PREFIX = "entry#";
    public static final String TYPE_CUSTOMER = "customer";
    public static final String TYPE_ENTRY = "entry";

    // customer record
    public static final String DISPLAY_NAME = "displayName";
    public static final String IDENTITIES = "identities";
    public static final String CREATED_AT = "createdAt";
    public static final String SOURCE = "source";
    public static final String CONVERSATION_ID = "conversationId";
    public static final String LAST_ACTIVITY_AT = "lastActivityAt";
    /** On a merged customer: the survivor's id, and when it was merged. */
    public static final String MERGED_INTO = "mergedInto";
    public static final String MERGED_AT = "mergedAt";
    /** On a survivor: every customer id merged into it, chains flattened. */
    public static final String MERGED = "merged";

    // entry
    public static final String ENTRY_ID = "entryId";
    public static final String CHANNEL = "channel";
    public static final String DIRECTION = "direction";
    public static final String KIND = "kind";
    public static final String OCCURRED_AT = "occurredAt";
    public static final String TEXT = "text";
    public static final String ATTACHMENTS = "attachments";
    public static final String PROVIDER_MESSAGE_ID = "providerMessageId";
    public static final String REPLY_TO = "replyTo";
    public static final String OPENS_CONVERSATION = "opensConversation";
    public static final String STATUS = "status";
    public static final String STATUS_RANK = "statusRank";
    public static final String STATUS_AT = "statusAt";
    public static final String STATUS_ERROR = "statusError";
    public static final String DETAILS = "details";
    public static final String PLACEHOLDER = "placeholder";
    /** When the entry's text or details were last amended (an edit, a deletion, a transcription). */
    public static final String AMENDED_AT = "amendedAt";

    // Send commands (the reply engine's ledger): one item per command in a partition of its own.
    public static final String TYPE_COMMAND = "command";
    public static final String COMMAND_SK = "command";
    public static final String COMMAND_PARTITION_PREFIX = "command#";
    public static final String COMMAND_ID = "commandId";
    public static final String COMMAND_STATE = "state";
    public static final String COMMAND_SUBJECT = "subject";
    public static final String COMMAND_SOURCE = "commandSource";
    public static final String ERROR_CODE = "errorCode";
    public static final String ERROR_REASON = "errorReason";
    public static final String SENT_AT = "sentAt";
    public static final String UPDATED_AT = "updatedAt";

    private LogItems() {
    }

    public static String entrySk(String entryId) {
        return ENTRY_SK_PREFIX + entryId;
    }

    /** Fixed width, so that text order is time order. */
    public static String time(Instant instant) {
        return Times.rfc3339(instant);
    }

    public static String timeKey(Instant occurredAt, String entryId) {
        return time(occurredAt) + "#" + entryId;
    }

    public static Map<String, AttributeValue> key(String customerId, String sk) {
        return Map.of(CUSTOMER_ID, s(customerId), SK, s(sk));
    }

    public static boolean isCustomer(Map<String, AttributeValue> item) {
        return item != null && TYPE_CUSTOMER.equals(string(item, RECORD_TYPE));
    }

    private static boolean isRejectedCommand(Map<String, AttributeValue> item) {
        return item != null && TYPE_COMMAND.equals(string(item, RECORD_TYPE)) && "REJECTED".equals(string(item, COMMAND_STATE));
    }

    public static boolean isEntry(Map<String, AttributeValue> item) {
        return item != null && TYPE_ENTRY.equals(string(item, RECORD_TYPE));
    }

    /** The attributes a new customer record is written with. */
    public static Map<String, AttributeValue> customerItem(Customer customer) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(customer.id(), CUSTOMER_SK));
        item.put(RECORD_TYPE, s(TYPE_CUSTOMER));
        if (customer.hasDisplayName()) {
            item.put(DISPLAY_NAME, s(customer.displayName()));
        }
        item.put(IDENTITIES, AttributeValue.fromL(customer.identities().stream().map(LogItems::s).toList()));
        item.put(CREATED_AT, s(time(customer.createdAt())));
        item.put(SOURCE, s(customer.source()));
        if (customer.openConversation() != null) {
            item.put(CONVERSATION_ID, s(customer.openConversation().id()));
            item.put(LAST_ACTIVITY_AT, s(time(customer.openConversation().lastActivityAt())));
        }
        return item;
    }

    public static Customer customerFrom(Map<String, AttributeValue> item) {
        List<String> identities = new ArrayList<>();
        AttributeValue list = item.get(IDENTITIES);
        if (list != null && list.hasL()) {
            list.l().forEach(value -> identities.add(value.s()));
        }
        String conversationId = string(item, CONVERSATION_ID);
        String lastActivity = string(item, LAST_ACTIVITY_AT);
        OpenConversation open = conversationId == null || lastActivity == null
                ? null : new OpenConversation(conversationId, Times.parse(lastActivity));
        List<String> merged = new ArrayList<>();
        AttributeValue mergedList = item.get(MERGED);
        if (mergedList != null && mergedList.hasL()) {
            mergedList.l().forEach(value -> merged.add(value.s()));
        }
        return new Customer(string(item, CUSTOMER_ID), string(item, DISPLAY_NAME), identities,
                instant(item, CREATED_AT), string(item, SOURCE), open, string(item, MERGED_INTO), merged);
    }

    /** Every attribute of an entry except its key, for an upsert. Absent values are left out. */
    public static Map<String, AttributeValue> entryAttributes(ConversationEntry entry) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(RECORD_TYPE, s(TYPE_ENTRY));
        item.put(ENTRY_ID, s(entry.id()));
        item.put(CHANNEL, s(entry.channel().wireName()));
        item.put(SOURCE, s(entry.source()));
        item.put(DIRECTION, s(entry.direction().wireName()));
        item.put(KIND, s(entry.kind().wireName()));
        item.put(OCCURRED_AT, s(time(entry.occurredAt())));
        item.put(TIME_KEY, s(timeKey(entry.occurredAt(), entry.id())));
        item.put(PROVIDER_MESSAGE_ID, s(entry.providerMessageId()));
        putIfPresent(item, TEXT, entry.text());
        if (!entry.attachments().isEmpty()) {
            item.put(ATTACHMENTS, s(attachmentsJson(entry.attachments())));
        }
        putIfPresent(item, REPLY_TO, entry.replyTo());
        putIfPresent(item, CONVERSATION_ID, entry.conversationId());
        item.put(OPENS_CONVERSATION, AttributeValue.fromBool(entry.opensConversation()));
        if (!entry.details().isEmpty()) {
            item.put(DETAILS, s(Json.write(entry.details())));
        }
        return item;
    }

    public static ConversationEntry entryFrom(Map<String, AttributeValue> item) {
        List<Attachment> attachments = item.containsKey(ATTACHMENTS) ? attachmentsFrom(string(item, ATTACHMENTS)) : List.of();
        Map<String, Object> details = item.containsKey(DETAILS)
                ? read(string(item, DETAILS), new TypeReference<Map<String, Object>>() { }) : Map.of();
        String status = string(item, STATUS);
        return new ConversationEntry(
                string(item, ENTRY_ID),
                Channel.fromStore(string(item, CHANNEL)),
                string(item, SOURCE),
                Direction.fromWire(string(item, DIRECTION)),
                EntryKind.fromWire(string(item, KIND)),
                instant(item, OCCURRED_AT),
                string(item, TEXT),
                attachments,
                string(item, PROVIDER_MESSAGE_ID),
                string(item, REPLY_TO),
                string(item, CONVERSATION_ID),
                bool(item, OPENS_CONVERSATION),
                status == null ? null : DeliveryStatus.fromWire(status),
                instant(item, STATUS_AT),
                details,
                bool(item, PLACEHOLDER));
    }

    /**
     * The {@value #ATTACHMENTS} attribute: a JSON array, one object per attachment, absent values left out. The state
     * fields ({@code status}, {@code contentType}, {@code sha256}, {@code reason}, {@code objectKey}, {@code settledAt})
     * came with kept media; items written before have none of them.
     */
    public static String attachmentsJson(List<Attachment> attachments) {
        List<Map<String, Object>> list = new ArrayList<>(attachments.size());
        for (Attachment attachment : attachments) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", attachment.type());
            json.put("mimeType", attachment.mimeType());
            json.put("mediaId", attachment.mediaId());
            json.put("url", attachment.url());
            json.put("filename", attachment.filename());
            json.put("caption", attachment.caption());
            json.put("sizeBytes", attachment.sizeBytes());
            json.put("status", attachment.status().wireName());
            json.put("contentType", attachment.contentType());
            json.put("sha256", attachment.sha256());
            json.put("reason", attachment.reason());
            json.put("objectKey", attachment.objectKey());
            json.put("settledAt", attachment.settledAt() == null ? null : time(attachment.settledAt()));
            list.add(json);
        }
        return Json.write(list);
    }

    /**
     * Reads {@link #attachmentsJson}. An attachment without a status was stored before media were kept: nothing ever
     * fetched it, and nothing will (its provider URL or media id has long expired), so it reads as {@code reference},
     * whatever it names.
     */
    public static List<Attachment> attachmentsFrom(String json) {
        List<Map<String, Object>> list = read(json, new TypeReference<List<Map<String, Object>>>() { });
        List<Attachment> attachments = new ArrayList<>(list.size());
        for (Map<String, Object> item : list) {
            String status = text(item, "status");
            String settledAt = text(item, "settledAt");
            Object size = item.get("sizeBytes");
            attachments.add(new Attachment(text(item, "type"), text(item, "mimeType"), text(item, "mediaId"),
                    text(item, "url"), text(item, "filename"), text(item, "caption"),
                    size instanceof Number number ? number.longValue() : null,
                    status == null ? AttachmentStatus.REFERENCE : AttachmentStatus.fromWire(status),
                    text(item, "contentType"), text(item, "sha256"), text(item, "reason"), text(item, "objectKey"),
                    settledAt == null ? null : Times.parse(settledAt)));
        }
        return attachments;
    }

    private static String text(Map<String, Object> json, String name) {
        Object value = json.get(name);
        return value == null ? null : value.toString();
    }

    /** A stream record's old and new image as a domain change. */
    public static LogChange changeOf(Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage) {
        if (newImage == null || newImage.isEmpty()) {
            return new LogChange.Unannounced();
        }
        boolean inserted = oldImage == null || oldImage.isEmpty();
        if (isCustomer(newImage)) {
            if (inserted) {
                return new LogChange.CustomerCreated(customerFrom(newImage));
            }
            // A merge sets mergedInto once (conditioned on its absence), so this is the merge's own write.
            String survivor = string(newImage, MERGED_INTO);
            return survivor != null && string(oldImage, MERGED_INTO) == null
                    ? new LogChange.CustomerMerged(string(newImage, CUSTOMER_ID), survivor, instant(newImage, MERGED_AT))
                    : new LogChange.Unannounced();
        }
        if (isRejectedCommand(newImage)) {
            return isRejectedCommand(oldImage) ? new LogChange.Unannounced()
                    : new LogChange.CommandRejected(string(newImage, COMMAND_ID), string(newImage, COMMAND_SUBJECT),
                    string(newImage, COMMAND_SOURCE), string(newImage, ERROR_CODE), string(newImage, ERROR_REASON),
                    instant(newImage, UPDATED_AT));
        }
        if (!isEntry(newImage)) {
            return new LogChange.Unannounced();
        }
        return new LogChange.EntryChanged(string(newImage, CUSTOMER_ID),
                inserted || !isEntry(oldImage) ? null : loggedEntryFrom(oldImage), loggedEntryFrom(newImage));
    }

    public static LogChange.LoggedEntry loggedEntryFrom(Map<String, AttributeValue> item) {
        return new LogChange.LoggedEntry(entryFrom(item), string(item, AMENDED_AT), statusError(item), statusRank(item));
    }

    /** Provider error details of a failed status, if any. */
    public static Map<String, Object> statusError(Map<String, AttributeValue> item) {
        return item.containsKey(STATUS_ERROR)
                ? read(string(item, STATUS_ERROR), new TypeReference<Map<String, Object>>() { }) : Map.of();
    }

    public static int statusRank(Map<String, AttributeValue> item) {
        AttributeValue rank = item == null ? null : item.get(STATUS_RANK);
        return rank == null || rank.n() == null ? 0 : Integer.parseInt(rank.n());
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    public static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Times.parse(value);
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON attribute is unreadable", e);
        }
    }
}
