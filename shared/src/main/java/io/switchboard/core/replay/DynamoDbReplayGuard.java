package io.switchboard.core.replay;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Tokens in their own table ({@code WEBHOOK_TOKENS_TABLE}): one conditional put per request, and DynamoDB's TTL
 * on {@code expiresAt} (epoch seconds) deletes them once their timestamp is stale.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 */
@Singleton
@Secondary
public class DynamoDbReplayGuard implements ReplayGuard {

    public static final String WEBHOOK_TOKENS_TABLE = "WEBHOOK_TOKENS_TABLE";
    static final String TOKEN = "token";
    static final String FINGERPRINT = "fingerprint";
    static final String EXPIRES_AT = "expiresAt";

    private final DynamoDbClient dynamoDb;
    private final Settings settings;
    private final Clock clock;

    public DynamoDbReplayGuard(DynamoDbClient dynamoDb, Settings settings, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String scope, String token, String fingerprint, Instant expiresAt) {
        try {
            dynamoDb.putItem(PutItemRequest.builder()
                    .tableName(settings.require(WEBHOOK_TOKENS_TABLE))
                    .item(Map.of(TOKEN, AttributeValue.fromS(scope + ":" + token),
                            FINGERPRINT, AttributeValue.fromS(fingerprint),
                            EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond()))))
                    // TTL deletes lazily: an expired item may linger, and then counts as unused.
                    .conditionExpression("attribute_not_exists(#token) OR #fingerprint = :fingerprint OR #expiresAt < :now")
                    .expressionAttributeNames(Map.of("#token", TOKEN, "#fingerprint", FINGERPRINT, "#expiresAt", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":fingerprint", AttributeValue.fromS(fingerprint),
                            ":now", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond()))))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException replayed) {
            return false;
        }
    }
}
