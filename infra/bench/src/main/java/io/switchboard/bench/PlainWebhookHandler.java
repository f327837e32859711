package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The benchmark's baseline: the least a Java Lambda handler can do for one WhatsApp text webhook of a known
 * customer, written by hand with no framework. It verifies the hub signature (HMAC-SHA256 over the raw body,
 * constant-time compare), parses the body with Jackson, reads the sender's identity item (one consistent GetItem)
 * and writes the entry with one conditional UpdateItem of the same shape as the function's append (the same SET
 * clauses, if_not_exists for the conversation, REMOVE of the placeholder flag, attribute_not_exists(sk)). SDK v2
 * with the URLConnection client, an explicit region and static credentials, as the function's clients are built.
 *
 * <p>It is a floor, not a second implementation: no input rules, no conversation policy, no customer creation
 * (an unknown sender is answered 200 and nothing is written), no retries beyond the SDK's.
 */
public final class PlainWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] appSecret;
    private final String customersTable;
    private final String logTable;
    private final DynamoDbClient dynamoDb;

    /** As Lambda builds it: configuration from the environment. */
    public PlainWebhookHandler() {
        this(System.getenv());
    }

    public PlainWebhookHandler(Map<String, String> env) {
        this.appSecret = env.get("WHATSAPP_APP_SECRET").getBytes(StandardCharsets.UTF_8);
        this.customersTable = env.get("CUSTOMERS_TABLE");
        this.logTable = env.get("CONVERSATION_LOG_TABLE");
        var builder = DynamoDbClient.builder()
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build());
        String endpoint = env.getOrDefault("AWS_ENDPOINT_URL_DYNAMODB", env.get("AWS_ENDPOINT_URL"));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        this.dynamoDb = builder.build();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        byte[] body = event.getIsBase64Encoded() ? Base64.getDecoder().decode(event.getBody())
                : event.getBody().getBytes(StandardCharsets.UTF_8);
        String signature = event.getHeaders().get("x-hub-signature-256");
        if (signature == null || !MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII),
                ("sha256=" + HexFormat.of().formatHex(hmac(body))).getBytes(StandardCharsets.US_ASCII))) {
            return answer(401);
        }
        try {
            JsonNode root = JSON.readTree(body);
            for (JsonNode entry : root.path("entry")) {
                for (JsonNode change : entry.path("changes")) {
                    JsonNode value = change.path("value");
                    String source = "/whatsapp/" + value.path("metadata").path("phone_number_id").asText();
                    for (JsonNode message : value.path("messages")) {
                        record(source, message);
                    }
                }
            }
        } catch (java.io.IOException unreadable) {
            return answer(400);
        }
        return answer(200);
    }

    private void record(String source, JsonNode message) {
        Map<String, AttributeValue> identity = dynamoDb.getItem(GetItemRequest.builder().tableName(customersTable)
                .key(Map.of("identity", s("phone:+" + message.path("from").asText()))).consistentRead(true).build()).item();
        if (identity == null || identity.isEmpty()) {
            return;
        }
        String customerId = identity.get("customerId").s();
        String providerId = message.path("id").asText();
        String entryId = entryId(providerId);
        Instant at = Instant.ofEpochSecond(message.path("timestamp").asLong());
        Map<String, AttributeValue> set = new LinkedHashMap<>();
        set.put("recordType", s("entry"));
        set.put("entryId", s(entryId));
        set.put("channel", s("whatsapp"));
        set.put("source", s(source));
        set.put("direction", s("inbound"));
        set.put("kind", s("message"));
        set.put("occurredAt", s(at.toString()));
        set.put("timeKey", s(at + "#" + entryId));
        set.put("providerMessageId", s(providerId));
        set.put("text", s(message.path("text").path("body").asText()));
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        StringBuilder update = new StringBuilder("SET ");
        int i = 0;
        for (Map.Entry<String, AttributeValue> attribute : set.entrySet()) {
            names.put("#n" + i, attribute.getKey());
            values.put(":v" + i, attribute.getValue());
            update.append(i == 0 ? "" : ", ").append("#n").append(i).append(" = :v").append(i);
            i++;
        }
        names.put("#conversation", "conversationId");
        names.put("#opens", "opensConversation");
        names.put("#placeholder", "placeholder");
        names.put("#sk", "sk");
        values.put(":conversation", s("conv-baseline"));
        values.put(":opens", AttributeValue.fromBool(false));
        update.append(", #conversation = if_not_exists(#conversation, :conversation)")
                .append(", #opens = if_not_exists(#opens, :opens) REMOVE #placeholder");
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder().tableName(logTable)
                    .key(Map.of("customerId", s(customerId), "sk", s("entry#" + entryId)))
                    .updateExpression(update.toString())
                    .conditionExpression("attribute_not_exists(#sk)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .build());
        } catch (ConditionalCheckFailedException duplicate) {
            // A retried delivery: stored already.
        }
    }

    /** Stable across retries, as the function's: a digest of channel and provider message id. */
    private static String entryId(String providerId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("whatsapp\n" + providerId).getBytes(StandardCharsets.UTF_8));
            return "e" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static APIGatewayV2HTTPResponse answer(int status) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withBody(status == 200 ? "ok" : "").build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
