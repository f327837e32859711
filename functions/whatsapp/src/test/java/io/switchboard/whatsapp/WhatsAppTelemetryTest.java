package io.switchboard.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Identity;
import io.switchboard.core.ops.Telemetry;
import io.switchboard.core.testing.ApiGatewayEvents;
import io.switchboard.core.testing.CapturedLogs;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.config.InvocationContext;
import io.switchboard.meta.HubSignature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a webhook leaves for an operator: JSON log lines with ids and no personal data, and EMF metrics. */
class WhatsAppTelemetryTest {

    private static final String SECRET = "telemetry-app-secret";
    private static final String PHONE = "15555550101";

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(Map.of(
            WhatsAppWebhookHandler.APP_SECRET, SECRET, WhatsAppWebhookHandler.VERIFY_TOKEN, "telemetry-token")),
            directory, new InMemoryConversationLog()));
    private final List<String> emf = new ArrayList<>();
    private final Consumer<String> previousSink = Telemetry.metricsSink(emf::add);

    @AfterEach
    void restore() {
        Telemetry.metricsSink(previousSink);
        handler.close();
    }

    @Test
    void aWebhooksLogLines_areJsonWithTheRequestIdAndCustomerId_andNoPhoneNumberOrEmail() {
        byte[] body = Fixtures.bytes("text_message.json");
        InvocationContext context = new InvocationContext("whatsapp");
        List<JsonNode> lines;
        try (CapturedLogs logs = new CapturedLogs()) {
            handler.handleRequest(post(body, HubSignature.sign(body, SECRET)), context);
            // A line quoting personal data on purpose, as an exception or a careless message could.
            handler.handleRequest(post(body, "sha256=00"), new InvocationContext("whatsapp"));
            LoggerFactory.getLogger("io.switchboard.test").warn("customer +{} wrote from ann.example@example.com", PHONE);
            LoggerFactory.getLogger("io.switchboard.test").error("a failure quoting its input",
                    new IllegalStateException("no customer for " + PHONE));
            lines = logs.json();
            for (String line : logs.lines()) {
                assertFalse(CapturedLogs.PERSONAL_DATA.matcher(line).find(), "personal data in " + line);
            }
        }
        String customerId = directory.find(Identity.phone(PHONE)).orElseThrow().id();
        JsonNode webhook = lines.stream().filter(line -> line.path("message").asText().startsWith("whatsapp POST"))
                .findFirst().orElseThrow(() -> new AssertionError("no webhook line in " + lines));
        assertEquals(context.getAwsRequestId(), webhook.path("function_request_id").asText());
        assertEquals(customerId, webhook.path("customer_id").asText());
        assertEquals("whatsapp", webhook.path("channel").asText());
        assertEquals("wamid.HBgLMTU1NTU1NTAxMDEVAgASGBQxMkMzRDZEQzJCQzk5NUEwRjVFOAA=",
                webhook.path("provider_message_id").asText());
        assertEquals("INFO", webhook.path("level").asText());
        String message = webhook.path("message").asText();
        assertTrue(message.contains("-> 200 stored 1 interactions for customer " + customerId), message);
        assertTrue(message.contains("switchboard.customer.created") && message.contains("switchboard.message.received"),
                message);
        JsonNode refused = lines.stream().filter(line -> line.path("message").asText().contains("-> 401")).findFirst()
                .orElseThrow(() -> new AssertionError("no refusal line in " + lines));
        assertFalse(refused.path("function_request_id").asText().isEmpty());
        JsonNode careless = lines.get(lines.size() - 2);
        assertEquals("customer [redacted] wrote from [redacted]", careless.path("message").asText());
        assertFalse(careless.has("exception"), "no exception field without an exception: " + careless);
        String exception = lines.get(lines.size() - 1).path("exception").asText();
        assertTrue(exception.startsWith("java.lang.IllegalStateException: no customer for [redacted]"), exception);
        assertTrue(exception.contains("at io.switchboard.whatsapp.WhatsAppTelemetryTest"), exception);
    }

    @Test
    void aWebhooksEmf_countsReceivedStoredDuplicatesAndRefusals_byFunctionAndChannel() {
        byte[] body = Fixtures.bytes("text_message.json");
        handler.handleRequest(post(body, HubSignature.sign(body, SECRET)), new InvocationContext("whatsapp"));
        handler.handleRequest(post(body, HubSignature.sign(body, SECRET)), new InvocationContext("whatsapp"));
        handler.handleRequest(post(body, null), new InvocationContext("whatsapp"));

        assertEquals(4, emf.size(), "one EMF document per invocation and dimension set: " + emf);
        Map<String, Double> stored = metrics(emf.get(0), List.of("function", "channel"));
        assertEquals(Map.of("WebhooksReceived", 1.0, "WebhooksStored", 1.0, "EntriesStored", 1.0, "Duplicates", 0.0,
                "StatusesApplied", 0.0, "CustomersCreated", 1.0), stored);
        Map<String, Double> duplicate = metrics(emf.get(1), List.of("function", "channel"));
        assertEquals(1.0, duplicate.get("WebhooksDuplicate"));
        assertEquals(1.0, duplicate.get("Duplicates"));
        assertEquals(0.0, duplicate.get("EntriesStored"));
        // A refusal: received under function/channel, refused under function/channel/reason.
        assertEquals(Map.of("WebhooksReceived", 1.0), metrics(emf.get(2), List.of("function", "channel")));
        JsonNode refusal = Json.MAPPER.valueToTree(parse(emf.get(3)));
        assertEquals("unauthenticated", refusal.path("reason").asText());
        assertEquals(Map.of("WebhooksRefused", 1.0), metrics(emf.get(3), List.of("function", "channel", "reason")));
    }

    /** The metric values of one EMF document, checking its namespace, dimension set and dimension values. */
    private static Map<String, Double> metrics(String document, List<String> dimensions) {
        JsonNode root = Json.MAPPER.valueToTree(parse(document));
        JsonNode directive = root.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("Switchboard", directive.path("Namespace").asText(), document);
        List<String> set = new ArrayList<>();
        directive.path("Dimensions").get(0).forEach(name -> set.add(name.asText()));
        assertEquals(dimensions, set, document);
        assertEquals("WhatsAppWebhookHandler", root.path("function").asText(), document);
        assertEquals("whatsapp", root.path("channel").asText(), document);
        assertTrue(root.path("_aws").path("Timestamp").isNumber(), document);
        Map<String, Double> values = new HashMap<>();
        directive.path("Metrics").forEach(metric -> {
            assertEquals("Count", metric.path("Unit").asText(), document);
            values.put(metric.path("Name").asText(), root.path(metric.path("Name").asText()).asDouble());
        });
        return values;
    }

    private static Object parse(String document) {
        try {
            return Json.MAPPER.readValue(document, Object.class);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + document, e);
        }
    }

    private static APIGatewayV2HTTPEvent post(byte[] body, String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        if (signature != null) {
            headers.put(HubSignature.HEADER, signature);
        }
        return ApiGatewayEvents.request("POST", "/webhooks/whatsapp", headers, null,
                new String(body, StandardCharsets.UTF_8), false);
    }
}
