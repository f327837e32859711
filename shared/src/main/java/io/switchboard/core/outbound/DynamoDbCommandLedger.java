package io.switchboard.core.outbound;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.store.Expressions;
import io.switchboard.core.store.LogItems;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The command ledger in the conversation log table: one item per command ({@code customerId = command#<id>},
 * {@code sk = command}), so a rejection reaches helpdesks through the same stream and fan-out as every other
 * change (a transactional outbox), and the outbound function needs no queue permission to announce it. Every
 * state change is one conditional write.
 *
 * <p>Beside it in the command's partition: {@code sk = conflict#<fingerprint>}, a rejected reuse of the id for
 * another request (announced through the stream like any rejection, the first command's item untouched), and
 * {@code sk = request}, the customer API's claim of the id as an Idempotency-Key (never announced).
 */
@Singleton
@Secondary
public class DynamoDbCommandLedger implements CommandLedger {

    /** What the command asked for ({@link SendCommand#fingerprint}). */
    static final String FINGERPRINT = "fingerprint";
    private static final String CONFLICT_SK_PREFIX = "conflict#";
    private static final String REQUEST_SK = "request";

    private final DynamoDbClient dynamoDb;
    private final Settings settings;

    public DynamoDbCommandLedger(DynamoDbClient dynamoDb, Settings settings) {
        this.dynamoDb = dynamoDb;
        this.settings = settings;
    }

    private String table() {
        return settings.require(Settings.CONVERSATION_LOG_TABLE);
    }

    private static Map<String, AttributeValue> key(String commandId) {
        return key(commandId, LogItems.COMMAND_SK);
    }

    private static Map<String, AttributeValue> key(String commandId, String sk) {
        return LogItems.key(LogItems.COMMAND_PARTITION_PREFIX + commandId, sk);
    }

    @Override
    public Optional<Command> find(String commandId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table())
                .key(key(commandId)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(commandFrom(commandId, item));
    }

    private static Command commandFrom(String commandId, Map<String, AttributeValue> item) {
        String sentAt = LogItems.string(item, LogItems.SENT_AT);
        return new Command(commandId, State.valueOf(LogItems.string(item, LogItems.COMMAND_STATE)),
                LogItems.string(item, LogItems.PROVIDER_MESSAGE_ID), LogItems.string(item, LogItems.ERROR_CODE),
                LogItems.string(item, LogItems.ERROR_REASON), sentAt == null ? null : io.switchboard.core.model.Times.parse(sentAt),
                LogItems.string(item, FINGERPRINT));
    }

    @Override
    public Optional<Command> start(String commandId, String source, String fingerprint, Instant sentAt, String errorCode,
                                   String errorReason) {
        State state = errorCode == null ? State.SENDING : State.FAILED;
        Expressions update = new Expressions()
                .set(LogItems.RECORD_TYPE, LogItems.s(LogItems.TYPE_COMMAND))
                .set(LogItems.COMMAND_ID, LogItems.s(commandId))
                .set(LogItems.COMMAND_STATE, LogItems.s(state.name()))
                .set(LogItems.COMMAND_SOURCE, LogItems.s(source))
                .set(LogItems.SENT_AT, LogItems.s(LogItems.time(sentAt)))
                .set(LogItems.UPDATED_AT, LogItems.s(LogItems.time(sentAt)));
        if (errorCode != null) {
            update.set(LogItems.ERROR_CODE, LogItems.s(errorCode)).set(LogItems.ERROR_REASON, LogItems.s(errorReason));
        }
        return create(commandId, withFingerprint(update, fingerprint));
    }

    private static Expressions withFingerprint(Expressions update, String fingerprint) {
        return fingerprint == null ? update : update.set(FINGERPRINT, LogItems.s(fingerprint));
    }

    /** Writes the command's item if it has none: empty, or the item an earlier delivery left (it came with the refusal). */
    private Optional<Command> create(String commandId, Expressions update) {
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table())
                    .key(key(commandId))
                    .updateExpression(update.update())
                    .conditionExpression("attribute_not_exists(" + update.name(LogItems.SK) + ")")
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values())
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException known) {
            // The earlier delivery's state comes back with the refusal: no second read.
            return known.hasItem() && !known.item().isEmpty() ? Optional.of(commandFrom(commandId, known.item()))
                    : find(commandId);
        }
    }

    @Override
    public void outcome(String commandId, String providerMessageId, String errorCode, String errorReason, Instant sentAt) {
        Expressions update = new Expressions()
                .set(LogItems.COMMAND_STATE, LogItems.s((providerMessageId != null ? State.SENT : State.FAILED).name()))
                .set(LogItems.SENT_AT, LogItems.s(LogItems.time(sentAt)))
                .set(LogItems.UPDATED_AT, LogItems.s(LogItems.time(sentAt)));
        if (providerMessageId != null) {
            update.set(LogItems.PROVIDER_MESSAGE_ID, LogItems.s(providerMessageId));
        } else {
            update.set(LogItems.ERROR_CODE, LogItems.s(errorCode)).set(LogItems.ERROR_REASON, LogItems.s(errorReason));
        }
        write(commandId, update, "attribute_exists(" + update.name(LogItems.SK) + ")");
    }

    @Override
    public void recorded(String commandId, String entryId) {
        Expressions update = new Expressions()
                .set(LogItems.COMMAND_STATE, LogItems.s(State.RECORDED.name()))
                .set(LogItems.ENTRY_ID, LogItems.s(entryId));
        write(commandId, update, "attribute_exists(" + update.name(LogItems.SK) + ")");
    }

    @Override
    public Optional<Command> reject(String commandId, String subject, String source, String fingerprint, String code,
                                    String reason, Instant at) {
        return create(commandId, withFingerprint(rejection(commandId, subject, source, code, reason, at), fingerprint));
    }

    @Override
    public void conflict(String commandId, String subject, String source, String fingerprint, String reason, Instant at) {
        Expressions update = rejection(commandId, subject, source, ID_CONFLICT, reason, at)
                .set(FINGERPRINT, LogItems.s(fingerprint));
        write(key(commandId, CONFLICT_SK_PREFIX + fingerprint), update,
                "attribute_not_exists(" + update.name(LogItems.SK) + ")");
    }

    /** A REJECTED command item: the stream turns its insertion into {@code switchboard.command.rejected}. */
    private static Expressions rejection(String commandId, String subject, String source, String code, String reason,
                                         Instant at) {
        Expressions update = new Expressions()
                .set(LogItems.RECORD_TYPE, LogItems.s(LogItems.TYPE_COMMAND))
                .set(LogItems.COMMAND_ID, LogItems.s(commandId))
                .set(LogItems.COMMAND_STATE, LogItems.s(State.REJECTED.name()))
                .set(LogItems.ERROR_CODE, LogItems.s(code))
                .set(LogItems.ERROR_REASON, LogItems.s(reason))
                .set(LogItems.UPDATED_AT, LogItems.s(LogItems.time(at)));
        if (subject != null) {
            update.set(LogItems.COMMAND_SUBJECT, LogItems.s(subject));
        }
        if (source != null) {
            update.set(LogItems.COMMAND_SOURCE, LogItems.s(source));
        }
        return update;
    }

    @Override
    public boolean claim(String commandId, String fingerprint, Instant at) {
        // No record type: the stream sees an item that announces nothing.
        Expressions update = new Expressions()
                .set(FINGERPRINT, LogItems.s(fingerprint))
                .set(LogItems.UPDATED_AT, LogItems.s(LogItems.time(at)));
        return write(key(commandId, REQUEST_SK), update, "attribute_not_exists(" + update.name(LogItems.SK) + ") OR "
                + update.name(FINGERPRINT) + " = " + update.value(FINGERPRINT, LogItems.s(fingerprint)));
    }

    /** One conditional upsert; false when the condition did not hold. */
    private boolean write(String commandId, Expressions update, String condition) {
        return write(key(commandId), update, condition);
    }

    private boolean write(Map<String, AttributeValue> key, Expressions update, String condition) {
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table())
                    .key(key)
                    .updateExpression(update.update())
                    .conditionExpression(condition)
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values())
                    .build());
            return true;
        } catch (ConditionalCheckFailedException conditionFailed) {
            return false;
        }
    }
}
