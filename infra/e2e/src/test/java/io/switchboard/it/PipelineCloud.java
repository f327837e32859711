package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.meta.HubSignature;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * A running local cloud seen from outside, the way a provider and a helpdesk see it: webhooks go in over
 * HTTP, state is read from DynamoDB and events off the SQS queue with the real AWS SDK.
 */
final class PipelineCloud implements AutoCloseable {

    static final String APP_SECRET = "test-app-secret";
    static final String VERIFY_TOKEN = "test-verify-token";
    static final String MESSENGER_APP_SECRET = "test-messenger-app-secret";
    static final String MESSENGER_VERIFY_TOKEN = "test-messenger-verify-token";
    static final String INSTAGRAM_APP_SECRET = "test-instagram-app-secret";
    static final String INSTAGRAM_VERIFY_TOKEN = "test-instagram-verify-token";
    static final String TWILIO_AUTH_TOKEN = "test-twilio-auth-token";
    static final String MAILGUN_SIGNING_KEY = "test-mailgun-signing-key";
    static final String EMAIL_WEBHOOK_USER = "test-email-user";
    static final String EMAIL_WEBHOOK_PASSWORD = "test-email-password";
    static final Duration DEADLINE = Duration.ofSeconds(120);

    private final LocalCloud cloud;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    /** Every event read off the queue so far (each message deleted once read, as a helpdesk does). */
    private final List<JsonNode> received = new ArrayList<>();

    private PipelineCloud(LocalCloud cloud) {
        this.cloud = cloud;
    }

    static PipelineCloud start(LocalCloud.Options options) {
        return start(options, Map.of());
    }

    /** @param moreEnv settings over the test secrets (an idle window, say) */
    static PipelineCloud start(LocalCloud.Options options, Map<String, String> moreEnv) {
        Map<String, String> env = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("WHATSAPP_APP_SECRET", APP_SECRET),
                Map.entry("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN),
                Map.entry("MESSENGER_APP_SECRET", MESSENGER_APP_SECRET),
                Map.entry("MESSENGER_VERIFY_TOKEN", MESSENGER_VERIFY_TOKEN),
                Map.entry("INSTAGRAM_APP_SECRET", INSTAGRAM_APP_SECRET),
                Map.entry("INSTAGRAM_VERIFY_TOKEN", INSTAGRAM_VERIFY_TOKEN),
                Map.entry("TWILIO_AUTH_TOKEN", TWILIO_AUTH_TOKEN),
                Map.entry("MAILGUN_SIGNING_KEY", MAILGUN_SIGNING_KEY),
                Map.entry("EMAIL_WEBHOOK_USER", EMAIL_WEBHOOK_USER),
                Map.entry("EMAIL_WEBHOOK_PASSWORD", EMAIL_WEBHOOK_PASSWORD)));
        env.putAll(moreEnv);
        return new PipelineCloud(LocalCloud.start(options.env(env)));
    }

    LocalCloud local() {
        return cloud;
    }

    // ------------------------------------------------------------------ HTTP in

    HttpResponse<String> postWhatsApp(String body) {
        return post("/webhooks/whatsapp", body, HubSignature.sign(body.getBytes(StandardCharsets.UTF_8), APP_SECRET));
    }

    HttpResponse<String> post(String path, String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return send(request.build());
    }

    /** Any request body with any headers (form-encoded Twilio callbacks, other signatures...). */
    HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** A raw RFC 5322 message to the email function's /mime route, with its basic auth. */
    HttpResponse<String> postMime(String message) {
        return post("/webhooks/email/mime", "message/rfc822", message, Map.of("Authorization",
                EmailWebhooks.basicAuth(EMAIL_WEBHOOK_USER, EMAIL_WEBHOOK_PASSWORD)));
    }

    /** A Twilio form POST to a route, signed with X-Twilio-Signature for the URL the gateway serves. */
    HttpResponse<String> postTwilio(String path, String body) {
        return postTwilioTo(cloud.baseUrl() + path, body);
    }

    /** A Twilio form POST to a full URL of this cloud (a callback URL taken from TwiML, query included). */
    HttpResponse<String> postTwilioTo(String url, String body) {
        assertTrue(url.startsWith(cloud.baseUrl()), url);
        return post(url.substring(cloud.baseUrl().length()), "application/x-www-form-urlencoded", body,
                TwilioWebhooks.signed(url, body, TWILIO_AUTH_TOKEN));
    }

    String baseUrl() {
        return cloud.baseUrl();
    }

    HttpResponse<String> get(String pathAndQuery) {
        return get(pathAndQuery, Map.of());
    }

    HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.baseUrl() + pathAndQuery)).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("gateway unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ DynamoDB

    Optional<String> customerIdOf(String identityKey) {
        Map<String, AttributeValue> item = cloud.dynamoDb().getItem(GetItemRequest.builder()
                .tableName(cloud.tableName("CustomersTable"))
                .key(Map.of("identity", AttributeValue.fromS(identityKey))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("customerId").s());
    }

    /** The customer's entries in provider-time order: the one Query a helpdesk would make. */
    List<Map<String, AttributeValue>> entries(String customerId) {
        return cloud.dynamoDb().query(QueryRequest.builder().tableName(cloud.tableName("ConversationLogTable"))
                .indexName(LogItems.BY_TIME_INDEX)
                .keyConditionExpression("customerId = :c")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(customerId)))
                .consistentRead(true).build()).items();
    }

    Map<String, AttributeValue> customerRecord(String customerId) {
        return cloud.dynamoDb().getItem(GetItemRequest.builder().tableName(cloud.tableName("ConversationLogTable"))
                .key(LogItems.key(customerId, LogItems.CUSTOMER_SK)).consistentRead(true).build()).item();
    }

    /** Items in both tables: what "nothing stored" is checked against. */
    long storedItems() {
        return count("CustomersTable") + count("ConversationLogTable");
    }

    private long count(String table) {
        return cloud.dynamoDb().scan(ScanRequest.builder().tableName(cloud.tableName(table))
                .select(Select.COUNT).consistentRead(true).build()).count();
    }

    // ------------------------------------------------------------------ SQS out

    /** Waits (polling the queue, with a deadline) until the events of a subject satisfy the condition. */
    List<JsonNode> awaitEvents(String subject, Predicate<List<JsonNode>> done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<JsonNode> events = eventsFor(subject);
        while (!done.test(events)) {
            assertTrue(System.nanoTime() < deadline, "events for " + subject + " did not arrive in time; got " + types(events));
            receiveOnce(1);
            events = eventsFor(subject);
        }
        return events;
    }

    List<JsonNode> awaitEventCount(String subject, int count) {
        return awaitEvents(subject, events -> events.size() >= count);
    }

    /**
     * Everything the pipeline will announce has been read: the stream is drained into the fan-out and one more
     * long poll of the queue comes back empty.
     */
    void drainQueue() {
        assertTrue(cloud.awaitStreamsIdle(DEADLINE), "stream poller did not become idle");
        while (receiveOnce(1) > 0) {
            // keep reading until a long poll finds nothing
        }
    }

    synchronized List<JsonNode> eventsFor(String subject) {
        return received.stream().filter(event -> subject.equals(event.path("subject").asText())).toList();
    }

    synchronized List<JsonNode> allEvents() {
        return List.copyOf(received);
    }

    private int receiveOnce(int waitSeconds) {
        String queueUrl = cloud.queueUrl("EventsQueue");
        List<Message> messages = cloud.sqs().receiveMessage(ReceiveMessageRequest.builder().queueUrl(queueUrl)
                .maxNumberOfMessages(10).waitTimeSeconds(waitSeconds).build()).messages();
        for (Message message : messages) {
            JsonNode event;
            try {
                event = Json.MAPPER.readTree(message.body());
            } catch (IOException e) {
                throw new AssertionError("queue message is not JSON: " + message.body(), e);
            }
            EventSchema.assertValid(event);
            synchronized (this) {
                received.add(event);
            }
            cloud.sqs().deleteMessage(DeleteMessageRequest.builder().queueUrl(queueUrl)
                    .receiptHandle(message.receiptHandle()).build());
        }
        return messages.size();
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.path("type").asText()).toList();
    }

    @Override
    public void close() {
        cloud.close();
    }
}
