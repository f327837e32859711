package io.switchboard.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Consistent BatchGetItem over any number of keys of one table: 100 keys a request, unprocessed keys asked again. */
public final class BatchReads {

    /** DynamoDB's limit of keys in one BatchGetItem. */
    static final int MAX_KEYS = 100;

    private BatchReads() {
    }

    /** The items that exist among {@code keys} (distinct keys), in no particular order. */
    public static List<Map<String, AttributeValue>> get(DynamoDbClient dynamoDb, String table,
                                                        List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS) {
            List<Map<String, AttributeValue>> pending = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS));
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > 1) {
                    // Throttled or too large: DynamoDB answered part of it; ask for the rest after a pause.
                    Transactions.pauseOrGiveUp(attempt - 1, "batch read");
                }
                KeysAndAttributes request = KeysAndAttributes.builder().keys(new ArrayList<>(pending)).consistentRead(true).build();
                BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(Map.of(table, request)));
                found.addAll(response.responses().getOrDefault(table, List.of()));
                KeysAndAttributes unprocessed = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
                pending = unprocessed == null || !unprocessed.hasKeys() ? List.of() : unprocessed.keys();
            }
        }
        return found;
    }
}
