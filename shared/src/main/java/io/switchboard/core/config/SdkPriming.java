package io.switchboard.core.config;

import io.switchboard.core.store.LogItems;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.warmup.http.CannedResponseHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Runs the SDK's request path for the DynamoDB calls a webhook makes (GetItem, BatchGetItem, a conditional
 * UpdateItem, TransactWriteItems) without a network: the client answers from a canned empty response. Building,
 * marshalling, signing and unmarshalling are then loaded and compiled before a SnapStart snapshot, so a restored
 * function's first webhook does not pay for them. Nothing is sent and no real client is touched: the real one keeps
 * its connections and credentials for after the restore.
 */
public final class SdkPriming {

    private SdkPriming() {
    }

    public static void primeDynamoDb() {
        try (DynamoDbClient client = DynamoDbClient.builder()
                .httpClient(CannedResponseHttpClient.builder().statusCode(200)
                        .responseBody("{}".getBytes(StandardCharsets.UTF_8)).build())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .endpointOverride(URI.create("http://localhost"))
                .build()) {
            Map<String, AttributeValue> key = LogItems.key("priming", LogItems.CUSTOMER_SK);
            client.getItem(b -> b.tableName("priming").key(key).consistentRead(true));
            client.batchGetItem(b -> b.requestItems(Map.of("priming",
                    KeysAndAttributes.builder().keys(List.of(key)).consistentRead(true).build())));
            client.updateItem(b -> b.tableName("priming").key(key)
                    .updateExpression("SET #a = :a, #b = if_not_exists(#b, :b) REMOVE #c")
                    .conditionExpression("attribute_not_exists(#a)")
                    .expressionAttributeNames(Map.of("#a", "a", "#b", "b", "#c", "c"))
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("a"), ":b", AttributeValue.fromBool(true))));
            client.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName("priming").item(key)
                            .conditionExpression("attribute_not_exists(#a)").expressionAttributeNames(Map.of("#a", "a")).build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName("priming").key(key)
                            .updateExpression("SET #a = :a").expressionAttributeNames(Map.of("#a", "a"))
                            .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("a"))).build()).build()));
        }
    }
}
