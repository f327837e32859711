package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.switchboard.local.console.ConsoleRecorder;
import io.switchboard.local.console.SampleWebhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every sample of events/ through the handler that serves it (as {@code sam local invoke -e} would hand it over),
 * with the answer the README documents; then, on a local cloud started with no setting at all (every secret at
 * its development default), every route the startup banner lists answers 2xx to a correctly signed request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SamplesTest {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true).build();
    private static final String SAMPLE_HOST = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com";
    /** The sample's customer, named by both records of the fan-out sample. */
    private static final String FANOUT_CUSTOMER = "0b6f1c3e-8a52-4d4e-9a0f-4c1e2d3b4a59";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Path events = TestTemplates.project().toAbsolutePath().getParent().resolve("events");
    private LocalCloud cloud;

    @BeforeAll
    void start() {
        // As Main starts it with an empty environment and no --env-file: every secret at its development default.
        Set<String> defaulted = new LinkedHashSet<>();
        Map<String, String> settings = new HashMap<>(Main.settings(Map.of(), Map.of(), defaulted));
        assertEquals(Main.DEVELOPMENT_DEFAULTS.keySet(), defaulted);
        cloud = LocalCloud.start(new LocalCloud.Options().env(settings));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    // ------------------------------------------------------------------ each sample through its handler

    @Test
    @Order(1)
    void everyWebhookSampleGivesItsDocumentedAnswerFromItsHandler() throws Exception {
        // Twilio signs the URL it called: the samples were signed for the API's own domain, which the function
        // rebuilds from X-Forwarded-Proto and Host when TWILIO_PUBLIC_BASE_URL is empty, as in template.yaml.
        Map<String, Consumer<APIGatewayV2HTTPResponse>> documented = new LinkedHashMap<>();
        Consumer<APIGatewayV2HTTPResponse> challenge = r -> assertEquals("1158201444", r.getBody());
        Consumer<APIGatewayV2HTTPResponse> emptyTwiml = r -> assertTrue(r.getBody().contains("<Response"), r.getBody());
        documented.put("whatsapp-verify", challenge);
        documented.put("messenger-verify", challenge);
        documented.put("instagram-verify", challenge);
        documented.put("whatsapp-text-message", stored());
        documented.put("messenger-text-message", stored());
        documented.put("instagram-text-message", stored());
        // No VoiceForwardTo: a greeting and a <Record> whose callbacks come back to the function.
        documented.put("twilio-voice-incoming-call", stored().andThen(r -> assertTrue(r.getBody().contains("<Record"), r.getBody())));
        documented.put("twilio-voice-recording-completed", stored().andThen(emptyTwiml));
        documented.put("twilio-voice-transcription-completed", stored().andThen(emptyTwiml));
        documented.put("twilio-voice-status-completed", stored().andThen(emptyTwiml));
        documented.put("twilio-sms-inbound", stored().andThen(emptyTwiml));
        // A status of a message this log never sent: answered 200 (Twilio must not retry it), kept for when it comes.
        documented.put("twilio-sms-status-delivered", ok());
        documented.put("email-postmark-inbound", stored());
        documented.put("email-sendgrid-inbound", stored());
        documented.put("email-mime-inbound", stored());
        // Mailgun's signature is only good for 5 minutes: the sample as stored is refused as stale (403)...
        documented.put("email-mailgun-inbound", r -> {
            assertEquals(403, r.getStatusCode(), r.getBody());
            assertEquals("refused", lastWebhook().verdict());
        });

        Set<String> files = new HashSet<>();
        try (var list = Files.list(events)) {
            list.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.endsWith(".body.json") && !n.startsWith("fanout-"))
                    .forEach(n -> files.add(n.substring(0, n.length() - 5)));
        }
        assertEquals(files, documented.keySet(), "every webhook sample has its documented answer here");
        for (Map.Entry<String, Consumer<APIGatewayV2HTTPResponse>> sample : documented.entrySet()) {
            JsonNode json = JSON.readTree(events.resolve(sample.getKey() + ".json").toFile());
            APIGatewayV2HTTPEvent event = JSON.treeToValue(json, APIGatewayV2HTTPEvent.class);
            assertEquals(json.path("headers").path("host").asText(), event.getHeaders().get("host"), sample.getKey());
            assertTrue(SAMPLE_HOST.endsWith(event.getHeaders().get("host")), sample.getKey());
            LocalFunction function = cloud.function(functionFor(event.getRawPath()));
            APIGatewayV2HTTPResponse response = (APIGatewayV2HTTPResponse) function.invoke(event);
            try {
                sample.getValue().accept(response);
            } catch (AssertionError e) {
                throw new AssertionError(sample.getKey() + ": " + response.getStatusCode() + " " + response.getBody(), e);
            }
        }

        // ... and, signed again with a fresh timestamp and token (as the console does), stored.
        SampleWebhooks.Sample mailgun = SampleWebhooks.list(events).stream()
                .filter(s -> s.name().equals("email-mailgun-inbound")).findFirst().orElseThrow();
        SampleWebhooks.Request fresh = SampleWebhooks.prepare(mailgun, cloud.baseUrl(),
                cloud.function("EmailFunction").environment()::get);
        APIGatewayV2HTTPEvent event = JSON.treeToValue(JSON.readTree(events.resolve("email-mailgun-inbound.json").toFile()),
                APIGatewayV2HTTPEvent.class);
        event.setBody(Base64.getEncoder().encodeToString(fresh.body()));
        APIGatewayV2HTTPResponse response = (APIGatewayV2HTTPResponse) cloud.function("EmailFunction").invoke(event);
        stored().accept(response);
    }

    /** The function of the template route that serves this path (the samples name their route, not a function). */
    private String functionFor(String path) {
        return cloud.functions().stream()
                .filter(f -> f.definition().httpRoutes().stream().anyMatch(route -> route.path().equals(path)))
                .findFirst().orElseThrow(() -> new AssertionError("no route serves " + path)).logicalId();
    }

    private Consumer<APIGatewayV2HTTPResponse> ok() {
        return r -> assertEquals(200, r.getStatusCode(), r.getBody());
    }

    private Consumer<APIGatewayV2HTTPResponse> stored() {
        return ok().andThen(r -> assertEquals("stored", lastWebhook().verdict(), lastWebhook().reason()));
    }

    private ConsoleRecorder.Webhook lastWebhook() {
        List<ConsoleRecorder.Webhook> webhooks = cloud.recorder().webhooks();
        return webhooks.get(webhooks.size() - 1);
    }

    @Test
    @Order(2)
    void theFanoutSampleAnnouncesItsCustomerAndMessage() throws Exception {
        JsonNode json = JSON.readTree(events.resolve("fanout-log-stream.json").toFile());
        // The stream's first record is the customer's own: the store holds it before its entry is announced (the
        // fan-out reads the customer of every entry), as it would on AWS.
        JsonNode customerImage = json.path("Records").get(0).path("dynamodb").path("NewImage");
        Map<String, AttributeValue> item = new HashMap<>();
        customerImage.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.has("S")) {
                item.put(field.getKey(), AttributeValue.fromS(value.get("S").asText()));
            } else if (value.has("L")) {
                List<AttributeValue> values = new ArrayList<>();
                value.get("L").forEach(v -> values.add(AttributeValue.fromS(v.get("S").asText())));
                item.put(field.getKey(), AttributeValue.fromL(values));
            }
        });
        assertEquals(FANOUT_CUSTOMER, item.get("customerId").s());
        for (JsonNode record : json.path("Records")) {
            assertEquals(FANOUT_CUSTOMER, record.path("dynamodb").path("Keys").path("customerId").path("S").asText(),
                    "every record of the sample names the sample's customer");
        }
        cloud.dynamoDb().putItem(b -> b.tableName(cloud.tableName("ConversationLogTable")).item(item));

        DynamodbEvent event = JSON.treeToValue(json, DynamodbEvent.class);
        StreamsEventResponse response = (StreamsEventResponse) cloud.function("FanoutFunction").invoke(event);
        assertTrue(response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty(),
                String.valueOf(response.getBatchItemFailures()));
        Set<String> types = new HashSet<>();
        for (ConsoleRecorder.Published published : cloud.recorder().published()) {
            if (FANOUT_CUSTOMER.equals(published.subject())) {
                types.add(published.type());
            }
        }
        assertTrue(types.containsAll(Set.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received")), types.toString());
    }

    // ------------------------------------------------------------------ no environment: every route answers 2xx

    @Test
    @Order(3)
    void withNoEnvironmentEveryListedRouteAnswers2xxToASignedRequest() throws Exception {
        Set<String> answered = new HashSet<>();
        for (SampleWebhooks.Sample sample : SampleWebhooks.list(events)) {
            SampleWebhooks.Request request = SampleWebhooks.prepare(sample, cloud.baseUrl(),
                    cloud.function(functionFor(sample.path())).environment()::get);
            HttpResponse<String> response = cloud.console().send(cloud.baseUrl(), request);
            assertTrue(response.statusCode() / 100 == 2, sample.name() + ": " + response.statusCode() + " " + response.body());
            answered.add(sample.method() + " " + cloud.baseUrl() + sample.path());
        }
        // Sent a second time, the WhatsApp message is a provider's retry: the console calls it a duplicate, with the
        // gateway's latency; the console's state says the same.
        ConsoleRecorder.Webhook retry = cloud.recorder().webhooks().stream()
                .filter(w -> w.route().equals("POST /webhooks/whatsapp")).reduce((a, b) -> b).orElseThrow();
        assertEquals("duplicate", retry.verdict());
        assertEquals(200, retry.status());
        // The gateway records a webhook's latency once its answer is sent, so the console may show the last one
        // without it for a moment: polled, with a generous deadline.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        JsonNode last;
        while (true) {
            HttpResponse<String> console = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/console/state"))
                            .header("Authorization", "Bearer " + Main.DEVELOPMENT_DEFAULTS.get("SWITCHBOARD_API_TOKEN")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, console.statusCode());
            JsonNode webhooks = JSON.readTree(console.body()).get("webhooks");
            last = webhooks.get(webhooks.size() - 1);
            if (last.get("latencyMs").isNumber() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(50);
        }
        assertTrue(last.get("latencyMs").isNumber(), last.toString());

        // The customer API, with the development token, on customers the samples created.
        String token = Main.DEVELOPMENT_DEFAULTS.get("SWITCHBOARD_API_TOKEN");
        String phoneCustomer = JSON.readTree(api("GET", "/v1/customers?phone=%2B14155550100", null, token, 200)).get("id").asText();
        String emailCustomer = JSON.readTree(api("GET", "/v1/customers?email=ann.smith%40example.com", null, token, 200)).get("id").asText();
        api("GET", "/v1/customers/" + phoneCustomer, null, token, 200);
        api("GET", "/v1/customers/" + phoneCustomer + "/timeline?limit=5", null, token, 200);
        api("POST", "/v1/customers/" + phoneCustomer + "/identities", "{\"identity\":\"external:helpdesk:4417\"}", token, 201);
        api("POST", "/v1/customers/" + phoneCustomer + "/merge", "{\"from\":\"" + emailCustomer + "\"}", token, 200);
        api("POST", "/v1/customers/" + phoneCustomer + "/messages", "{\"channel\":\"sms\",\"text\":\"On its way.\"}", token, 202);
        api("GET", "/v1/openapi.yaml", null, token, 200);
        // No sample's attachment is stored (the media function stores them), so the download route is answered by
        // the function with its 404 problem for an entry without attachments, not by the gateway.
        JsonNode withoutAttachments = null;
        for (JsonNode entry : JSON.readTree(api("GET", "/v1/customers/" + phoneCustomer + "/timeline", null, token, 200))
                .get("entries")) {
            if (entry.path("attachments").isEmpty()) {
                withoutAttachments = entry;
                break;
            }
        }
        assertNotNull(withoutAttachments, "the samples give the phone customer a text entry");
        assertTrue(JSON.readTree(api("GET", "/v1/customers/" + phoneCustomer + "/entries/" + withoutAttachments.get("id").asText()
                + "/attachments/0", null, token, 404)).get("detail").asText().contains("has 0 attachments"));
        answered.add("GET " + cloud.baseUrl() + "/v1/customers/{id}/entries/{entryId}/attachments/{n}");
        for (String route : List.of("GET /v1/customers", "GET /v1/customers/{id}", "GET /v1/customers/{id}/timeline",
                "POST /v1/customers/{id}/identities", "POST /v1/customers/{id}/merge", "POST /v1/customers/{id}/messages",
                "GET /v1/openapi.yaml")) {
            answered.add(route.replace(" ", " " + cloud.baseUrl()));
        }
        Set<String> listed = new LinkedHashSet<>(cloud.routeUrls());
        listed.removeAll(answered);
        assertEquals(Set.of(), listed, "routes the banner lists that no test request answered");

        // The health endpoint says every part answers.
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        JsonNode state = JSON.readTree(health.body());
        assertEquals("ok", state.get("status").asText());
        assertTrue(state.path("dynamodb").path("ok").asBoolean());
        assertTrue(state.path("sqs").path("queues").has("EventsQueue"), health.body());
        assertTrue(state.path("streams").get(0).path("running").asBoolean(), health.body());
    }

    private String api(String method, String pathAndQuery, String body, String token, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.baseUrl() + pathAndQuery))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(expected, response.statusCode(), method + " " + pathAndQuery + ": " + response.body());
        assertNotNull(response.body());
        return response.body();
    }

    @Test
    @Order(4)
    void printEventsPrettyPrintsEachPublishedCloudEvent() {
        List<ConsoleRecorder.Published> published = cloud.recorder().published();
        assertFalse(published.isEmpty());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Main.printEvent(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8), published.get(0));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("== " + published.get(0).queue() + ": " + published.get(0).type()), printed);
        assertTrue(printed.contains("\n  \"specversion\" : \"1.0\""), printed);
    }
}
