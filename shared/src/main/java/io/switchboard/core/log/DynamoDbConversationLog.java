package io.switchboard.core.log;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.OpenConversation;
import io.switchboard.core.model.StatusChange;
import io.switchboard.core.store.Expressions;
import io.switchboard.core.store.LogItems;
import io.switchboard.core.store.Transactions;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The conversation log on DynamoDB (layout in {@link LogItems}).
 *
 * <p>Appends are conditional on the entry not existing yet (its id derives from channel + provider message
 * id), so a retried delivery writes nothing and the stream announces nothing new. When the entry changes
 * the customer's open conversation, the entry and the customer record are written in one transaction, the
 * customer record conditioned on the conversation it was read with (optimistic locking); otherwise the entry
 * is one conditional write. Statuses are conditional on a lower rank, so they never move backwards.
 */
@Singleton
@Secondary
public class DynamoDbConversationLog implements ConversationLog {

    private final DynamoDbClient dynamoDb;
    private final Settings settings;
    private final ConversationPolicy policy;

    public DynamoDbConversationLog(DynamoDbClient dynamoDb, Settings settings, ConversationPolicy policy) {
        this.dynamoDb = dynamoDb;
        this.settings = settings;
        this.policy = policy;
    }

    /** Read at use: see DynamoDbCustomerDirectory. */
    private String table() {
        return settings.require(Settings.CONVERSATION_LOG_TABLE);
    }

    @Override
    public AppendOutcome append(Customer customer, ConversationEntry entry, List<String> threadReferences,
                                Map<String, Object> statusError) {
        return write(customer, entry, true, threadConversation(customer.id(), entry.channel(), threadReferences),
                statusError);
    }

    /**
     * Writes the entries in transactions of up to {@value Transactions#MAX_ITEMS} items (each entry, and the customer
     * record where the entry opens a conversation or moves its last activity), each item with the same condition as
     * a single append: what one transaction writes is what the single appends would have written. A transaction is
     * cancelled whole; its cancellation reasons name the entries that already exist (duplicates: a provider's
     * retry), and the others are then appended one by one, which handles every race as {@link #append} does.
     */
    @Override
    public List<AppendOutcome> appendAll(List<Customer> customers, List<ConversationEntry> entries) {
        AppendOutcome[] outcomes = new AppendOutcome[entries.size()];
        List<Integer> pending = new ArrayList<>();
        List<TransactWriteItem> items = new ArrayList<>();
        List<Integer> entryItemOf = new ArrayList<>(); // pending index -> its entry's item index
        java.util.Set<String> customersInTransaction = new java.util.HashSet<>();
        List<Integer> alone = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Customer customer = customers.get(i);
            ConversationEntry entry = entries.get(i);
            ConversationPolicy.Decision decision = policy.decide(customer.openConversation(), entry.occurredAt(), entry.id(),
                    entry.kind().opensConversations());
            int size = decision.updatesCustomer() ? 2 : 1;
            if (items.size() + size > Transactions.MAX_ITEMS) {
                writeTogether(customers, entries, pending, items, entryItemOf, outcomes);
                pending.clear();
                items.clear();
                entryItemOf.clear();
                customersInTransaction.clear();
            }
            if (!customersInTransaction.add(customer.id())) {
                // One transaction may touch an item once: a second entry of the same customer goes on its own.
                alone.add(i);
                continue;
            }
            pending.add(i);
            entryItemOf.add(items.size());
            items.add(TransactWriteItem.builder().update(entryWrite(customer.id(),
                    entry.inConversation(decision.conversationId(), decision.opens()), true, Map.of())).build());
            if (decision.updatesCustomer()) {
                items.add(TransactWriteItem.builder().update(customerWrite(customer, decision)).build());
            }
        }
        writeTogether(customers, entries, pending, items, entryItemOf, outcomes);
        for (int i : alone) {
            outcomes[i] = append(customers.get(i), entries.get(i));
        }
        return java.util.Arrays.asList(outcomes);
    }

    private void writeTogether(List<Customer> customers, List<ConversationEntry> entries, List<Integer> pending,
                               List<TransactWriteItem> items, List<Integer> entryItemOf, AppendOutcome[] outcomes) {
        if (pending.isEmpty()) {
            return;
        }
        if (pending.size() == 1) {
            int only = pending.get(0);
            outcomes[only] = append(customers.get(only), entries.get(only));
            return;
        }
        try {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
            pending.forEach(i -> outcomes[i] = AppendOutcome.APPENDED);
            return;
        } catch (TransactionCanceledException cancelled) {
            for (int k = 0; k < pending.size(); k++) {
                if (Transactions.conditionFailed(cancelled, entryItemOf.get(k))) {
                    outcomes[pending.get(k)] = AppendOutcome.DUPLICATE;
                }
            }
        }
        for (int i : pending) {
            if (outcomes[i] == null) {
                outcomes[i] = append(customers.get(i), entries.get(i));
            }
        }
    }

    /** The conversation of the first referenced message this customer's log holds, or null. */
    private String threadConversation(String customerId, Channel channel, List<String> threadReferences) {
        for (String reference : threadReferences) {
            Optional<ConversationEntry> referenced = find(customerId, ConversationEntry.idFor(channel, reference));
            if (referenced.isPresent() && referenced.get().conversationId() != null) {
                return referenced.get().conversationId();
            }
        }
        return null;
    }

    @Override
    public int applyWatermark(Customer customer, Channel channel, String source, DeliveryStatus status, Instant upTo) {
        int moved = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            Expressions filter = new Expressions();
            String condition = filter.name(LogItems.DIRECTION) + " = " + filter.value("outbound", LogItems.s(Direction.OUTBOUND.wireName()))
                    + " AND " + filter.name(LogItems.CHANNEL) + " = " + filter.value("channel", LogItems.s(channel.wireName()))
                    + " AND " + filter.name(LogItems.SOURCE) + " = " + filter.value("source", LogItems.s(source))
                    + " AND (attribute_not_exists(" + filter.name(LogItems.STATUS_RANK) + ") OR "
                    + filter.name(LogItems.STATUS_RANK) + " < " + filter.value("rank", LogItems.n(status.rank())) + ")";
            String keyCondition = filter.name(LogItems.CUSTOMER_ID) + " = " + filter.value("customerId", LogItems.s(customer.id()))
                    + " AND " + filter.name(LogItems.TIME_KEY) + " <= " + filter.value("upTo", LogItems.s(LogItems.time(upTo) + "#~"));
            var page = dynamoDb.query(QueryRequest.builder().tableName(table())
                    .indexName(LogItems.BY_TIME_INDEX)
                    .keyConditionExpression(keyCondition)
                    .filterExpression(condition)
                    .expressionAttributeNames(filter.names())
                    .expressionAttributeValues(filter.values())
                    .consistentRead(true)
                    .exclusiveStartKey(startKey)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                StatusChange change = new StatusChange(channel, source, LogItems.string(item, LogItems.PROVIDER_MESSAGE_ID),
                        status, upTo, Map.of(), null);
                if (applyStatus(customer, change) == StatusOutcome.APPLIED) {
                    moved++;
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return moved;
    }

    @Override
    public AmendOutcome amend(Customer customer, Channel channel, String providerMessageId, String text,
                              Map<String, Object> details, Instant at) {
        String entryId = ConversationEntry.idFor(channel, providerMessageId);
        // An entry stored before a merge stays in the merged customer's partition: look there too.
        String partition = null;
        Optional<ConversationEntry> current = Optional.empty();
        for (String candidate : customer.timelinePartitions()) {
            current = find(candidate, entryId);
            if (current.isPresent()) {
                partition = candidate;
                break;
            }
        }
        if (current.isEmpty()) {
            return AmendOutcome.MISSING;
        }
        Map<String, Object> merged = new java.util.LinkedHashMap<>(current.get().details());
        merged.putAll(details);
        String newText = text != null ? text : current.get().text();
        if (java.util.Objects.equals(newText, current.get().text()) && merged.equals(current.get().details())) {
            return AmendOutcome.UNCHANGED;
        }
        Expressions update = new Expressions()
                .set(LogItems.DETAILS, LogItems.s(Json.write(merged)))
                .set(LogItems.AMENDED_AT, LogItems.s(LogItems.time(at)));
        if (newText != null) {
            update.set(LogItems.TEXT, LogItems.s(newText));
        }
        dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table())
                .key(LogItems.key(partition, LogItems.entrySk(entryId)))
                .updateExpression(update.update())
                .conditionExpression("attribute_exists(" + update.name(LogItems.SK) + ")")
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values())
                .build());
        return AmendOutcome.AMENDED;
    }

    @Override
    public StatusOutcome applyStatus(Customer customer, StatusChange change) {
        for (int attempt = 1; ; attempt++) {
            // A message stored before a merge stays in the merged customer's partition: its statuses go there.
            for (String merged : customer.merged()) {
                Optional<StatusOutcome> applied = applyStatusIn(merged, change);
                if (applied.isPresent()) {
                    return applied.get();
                }
            }
            try {
                dynamoDb.updateItem(statusUpdate(customer.id(), change)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .build());
                return StatusOutcome.APPLIED;
            } catch (ConditionalCheckFailedException notApplied) {
                if (entryExists(customer.id(), change.entryId(), notApplied)) {
                    return StatusOutcome.STALE;
                }
            }
            if (change.placeholder() == null) {
                return StatusOutcome.UNKNOWN_ENTRY;
            }
            // The log has never seen this message (sent by another system, or its webhook is still on the
            // way): keep it as a placeholder that the message can fill in and later statuses attach to.
            ConversationEntry placeholder = ConversationEntry.builder(change.channel(), change.providerMessageId())
                    .source(change.source())
                    .direction(change.placeholder().direction())
                    .kind(change.placeholder().kind())
                    .occurredAt(change.at())
                    .status(change.status(), change.at())
                    .placeholder(true)
                    .build();
            if (write(customer, placeholder, false, null, Map.of()) == AppendOutcome.APPENDED) {
                return StatusOutcome.PLACEHOLDER_CREATED;
            }
            // Created meanwhile by the message itself or another status: apply the status to it.
            Transactions.pauseOrGiveUp(attempt, "status update");
        }
    }

    /** The status onto the entry in this partition, only forward (a lower rank), only if the entry exists. */
    private UpdateItemRequest.Builder statusUpdate(String partition, StatusChange change) {
        Expressions update = new Expressions()
                .set(LogItems.STATUS, LogItems.s(change.status().wireName()))
                .set(LogItems.STATUS_RANK, LogItems.n(change.status().rank()))
                .set(LogItems.STATUS_AT, LogItems.s(LogItems.time(change.at())));
        if (!change.error().isEmpty()) {
            update.set(LogItems.STATUS_ERROR, LogItems.s(Json.write(change.error())));
        }
        String condition = "attribute_exists(" + update.name(LogItems.SK) + ") AND (attribute_not_exists("
                + update.name(LogItems.STATUS_RANK) + ") OR " + update.name(LogItems.STATUS_RANK) + " < :statusRank)";
        return UpdateItemRequest.builder().tableName(table())
                .key(LogItems.key(partition, LogItems.entrySk(change.entryId())))
                .updateExpression(update.update())
                .conditionExpression(condition)
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values());
    }

    /** APPLIED or STALE when the partition holds the entry, empty when it does not. */
    private Optional<StatusOutcome> applyStatusIn(String partition, StatusChange change) {
        if (find(partition, change.entryId()).isEmpty()) {
            return Optional.empty();
        }
        try {
            dynamoDb.updateItem(statusUpdate(partition, change).build());
            return Optional.of(StatusOutcome.APPLIED);
        } catch (ConditionalCheckFailedException notForward) {
            return Optional.of(StatusOutcome.STALE);
        }
    }

    /**
     * Optimistic: reads the entry's attachments, decides, and writes the new list conditioned on the list it read.
     * Of two deliveries of one job, one writes and the other re-reads and finds it done (UNCHANGED); a write to
     * another attachment of the same entry in between makes it decide again on a fresh read.
     */
    @Override
    public AttachmentOutcome updateAttachment(String customerId, String entryId, int index, AttachmentUpdate update) {
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table())
                    .key(LogItems.key(customerId, LogItems.entrySk(entryId))).consistentRead(true).build()).item();
            String read = item == null ? null : LogItems.string(item, LogItems.ATTACHMENTS);
            if (read == null || !LogItems.isEntry(item)) {
                return AttachmentOutcome.MISSING;
            }
            List<Attachment> attachments = new ArrayList<>(LogItems.attachmentsFrom(read));
            if (index < 0 || index >= attachments.size()) {
                return AttachmentOutcome.MISSING;
            }
            AttachmentStatus current = attachments.get(index).status();
            if (current == update.status()) {
                return AttachmentOutcome.UNCHANGED;
            }
            if (!current.canMoveTo(update.status())) {
                return AttachmentOutcome.STALE;
            }
            attachments.set(index, attachments.get(index).with(update));
            Expressions write = new Expressions().set(LogItems.ATTACHMENTS, LogItems.s(LogItems.attachmentsJson(attachments)));
            try {
                dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table())
                        .key(LogItems.key(customerId, LogItems.entrySk(entryId)))
                        .updateExpression(write.update())
                        .conditionExpression(write.name(LogItems.ATTACHMENTS) + " = " + write.value("read", LogItems.s(read)))
                        .expressionAttributeNames(write.names())
                        .expressionAttributeValues(write.values())
                        .build());
                return AttachmentOutcome.UPDATED;
            } catch (ConditionalCheckFailedException changedMeanwhile) {
                Transactions.pauseOrGiveUp(attempt, "attachment update");
            }
        }
    }

    @Override
    public List<ConversationEntry> history(String customerId, int limit) {
        List<Map<String, AttributeValue>> items = dynamoDb.query(QueryRequest.builder().tableName(table())
                .indexName(LogItems.BY_TIME_INDEX)
                .keyConditionExpression("#customerId = :customerId")
                .expressionAttributeNames(Map.of("#customerId", LogItems.CUSTOMER_ID))
                .expressionAttributeValues(Map.of(":customerId", LogItems.s(customerId)))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit)
                .build()).items();
        List<ConversationEntry> entries = new ArrayList<>(items.size());
        for (Map<String, AttributeValue> item : items) {
            entries.add(LogItems.entryFrom(item));
        }
        Collections.reverse(entries);
        return entries;
    }

    @Override
    public Optional<ConversationEntry> find(String customerId, String entryId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table())
                .key(LogItems.key(customerId, LogItems.entrySk(entryId))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(LogItems.entryFrom(item));
    }

    /**
     * One Query of the {@code byTime} index, newest first. The position is the last evaluated item's time key: the
     * index key holds the entry id, from which the table key follows, so the page's ExclusiveStartKey is rebuilt
     * from it. A channel is a filter, applied after {@code Limit}.
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
     */
    @Override
    public TimelinePage timeline(String customerId, Channel channel, int limit, String after) {
        Expressions query = new Expressions();
        QueryRequest.Builder request = QueryRequest.builder().tableName(table())
                .indexName(LogItems.BY_TIME_INDEX)
                .keyConditionExpression(query.name(LogItems.CUSTOMER_ID) + " = " + query.value("customerId", LogItems.s(customerId)))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        if (channel != null) {
            request.filterExpression(query.name(LogItems.CHANNEL) + " = " + query.value("channel", LogItems.s(channel.wireName())));
        }
        if (after != null) {
            request.exclusiveStartKey(startKey(customerId, after));
        }
        var page = dynamoDb.query(request.expressionAttributeNames(query.names())
                .expressionAttributeValues(query.values()).build());
        List<LogChange.LoggedEntry> entries = new ArrayList<>(page.items().size());
        for (Map<String, AttributeValue> item : page.items()) {
            entries.add(LogItems.loggedEntryFrom(item));
        }
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? LogItems.string(page.lastEvaluatedKey(), LogItems.TIME_KEY) : null;
        return new TimelinePage(entries, next);
    }

    /** The index's start key at a time key ({@code <time>#<entryId>}): the table key and the index key. */
    private static Map<String, AttributeValue> startKey(String customerId, String timeKey) {
        int separator = timeKey.indexOf('#');
        if (separator < 1 || separator == timeKey.length() - 1) {
            throw new IllegalArgumentException("not a timeline position");
        }
        Map<String, AttributeValue> key = new java.util.HashMap<>(
                LogItems.key(customerId, LogItems.entrySk(timeKey.substring(separator + 1))));
        key.put(LogItems.TIME_KEY, LogItems.s(timeKey));
        return key;
    }

    /**
     * Writes a new entry (or fills in a placeholder when {@code fillsPlaceholder}), in the customer's open
     * conversation or a new one.
     */
    private AppendOutcome write(Customer customer, ConversationEntry entry, boolean fillsPlaceholder,
                                String threadConversationId, Map<String, Object> statusError) {
        Customer current = customer;
        for (int attempt = 1; ; attempt++) {
            ConversationPolicy.Decision decision = threadConversationId != null
                    ? policy.join(current.openConversation(), threadConversationId, entry.occurredAt())
                    : policy.decide(current.openConversation(), entry.occurredAt(), entry.id(), entry.kind().opensConversations());
            Update entryWrite = entryWrite(current.id(), entry.inConversation(decision.conversationId(), decision.opens()),
                    fillsPlaceholder, statusError);
            try {
                if (!decision.updatesCustomer()) {
                    dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table()).key(entryWrite.key())
                            .updateExpression(entryWrite.updateExpression())
                            .conditionExpression(entryWrite.conditionExpression())
                            .expressionAttributeNames(entryWrite.expressionAttributeNames())
                            .expressionAttributeValues(entryWrite.expressionAttributeValues())
                            .build());
                    return AppendOutcome.APPENDED;
                }
                dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                        TransactWriteItem.builder().update(entryWrite).build(),
                        TransactWriteItem.builder().update(customerWrite(current, decision)).build()).build());
                return AppendOutcome.APPENDED;
            } catch (ConditionalCheckFailedException exists) {
                return AppendOutcome.DUPLICATE;
            } catch (TransactionCanceledException cancelled) {
                if (Transactions.conditionFailed(cancelled, 0)) {
                    return AppendOutcome.DUPLICATE;
                }
                if (Transactions.conditionFailed(cancelled, 1)) {
                    // The customer's conversation moved on since we read it: decide again on a fresh read.
                    current = reloadCustomer(current);
                }
                Transactions.pauseOrGiveUp(attempt, "append");
            }
        }
    }

    private Update entryWrite(String customerId, ConversationEntry entry, boolean fillsPlaceholder,
                              Map<String, Object> statusError) {
        Expressions update = new Expressions();
        Map<String, AttributeValue> attributes = LogItems.entryAttributes(entry);
        attributes.forEach((name, value) -> {
            // A placeholder already sits in a conversation; filling it in keeps it there.
            if (name.equals(LogItems.CONVERSATION_ID) || name.equals(LogItems.OPENS_CONVERSATION)) {
                update.setIfAbsent(name, value);
            } else {
                update.set(name, value);
            }
        });
        if (entry.status() != null) {
            // Statuses only move forward: a placeholder's status may already be further along.
            update.setIfAbsent(LogItems.STATUS, LogItems.s(entry.status().wireName()));
            update.setIfAbsent(LogItems.STATUS_RANK, LogItems.n(entry.status().rank()));
            update.setIfAbsent(LogItems.STATUS_AT, LogItems.s(LogItems.time(entry.statusAt())));
            if (!statusError.isEmpty()) {
                update.setIfAbsent(LogItems.STATUS_ERROR, LogItems.s(Json.write(statusError)));
            }
        }
        if (entry.placeholder()) {
            update.set(LogItems.PLACEHOLDER, AttributeValue.fromBool(true));
        } else {
            update.remove(LogItems.PLACEHOLDER);
        }
        String sk = update.name(LogItems.SK);
        String condition = fillsPlaceholder
                ? "attribute_not_exists(" + sk + ") OR " + update.name(LogItems.PLACEHOLDER) + " = " + update.value("isPlaceholder", AttributeValue.fromBool(true))
                : "attribute_not_exists(" + sk + ")";
        return Update.builder().tableName(table())
                .key(LogItems.key(customerId, LogItems.entrySk(entry.id())))
                .updateExpression(update.update())
                .conditionExpression(condition)
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values())
                .build();
    }

    private Update customerWrite(Customer customer, ConversationPolicy.Decision decision) {
        Expressions update = new Expressions()
                .set(LogItems.CONVERSATION_ID, LogItems.s(decision.conversationId()))
                .set(LogItems.LAST_ACTIVITY_AT, LogItems.s(LogItems.time(decision.lastActivityAt())));
        String conversation = update.name(LogItems.CONVERSATION_ID);
        OpenConversation open = customer.openConversation();
        // Conditioned on the conversation we decided from: if a racing entry changed it, we decide again.
        String condition = open == null
                ? "attribute_exists(" + update.name(LogItems.SK) + ") AND attribute_not_exists(" + conversation + ")"
                : conversation + " = " + update.value("readConversationId", LogItems.s(open.id()));
        return Update.builder().tableName(table())
                .key(LogItems.key(customer.id(), LogItems.CUSTOMER_SK))
                .updateExpression(update.update())
                .conditionExpression(condition)
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values())
                .build();
    }

    private Customer reloadCustomer(Customer stale) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table())
                .key(LogItems.key(stale.id(), LogItems.CUSTOMER_SK)).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            throw new io.switchboard.core.store.StoreFault("customer record not readable yet: " + stale.id());
        }
        return LogItems.customerFrom(item);
    }

    private boolean entryExists(String customerId, String entryId, ConditionalCheckFailedException failure) {
        if (failure.hasItem() && !failure.item().isEmpty()) {
            return true;
        }
        return find(customerId, entryId).isPresent();
    }
}
