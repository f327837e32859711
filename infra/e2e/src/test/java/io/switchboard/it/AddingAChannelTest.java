package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.store.LogItems;
import io.switchboard.it.webchat.WebChat;
import io.switchboard.local.standin.SentRequest;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.TemplateModel;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a channel as docs/adding-a-channel.md describes changes nothing in the core, the local cloud or the outbound
 * function: a test-only channel with a wire name of its own (a web chat: a signed JSON webhook, a reply API; see
 * {@link WebChat}) is a channel class, a two-constructor handler, a sender, a stand-in and a descriptor in this test
 * source set, plus its lines in the template (and its wire name in the contract's schemas). It receives, it is
 * among the console's samples, and a reply to its customer goes out through the outbound function to its stand-in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddingAChannelTest {

    private static final String SECRET = "test-webchat-secret";
    private static final String API_TOKEN = "test-api-token";
    private static final String PATH = "/webhooks/webchat";

    /** The test channel's lines in the template, as a new channel adds its own to template.yaml. */
    private static final String FUNCTION = """
              WebChatFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.switchboard.it.webchat.WebChatWebhookHandler::handleRequest
                  Policies:
                    - Version: "2012-10-17"
                      Statement:
                        - Sid: CustomerDirectory
                          Effect: Allow
                          Action: [dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:PutItem, dynamodb:UpdateItem,
                                   dynamodb:ConditionCheckItem]
                          Resource: !GetAtt CustomersTable.Arn
                        - Sid: ConversationLog
                          Effect: Allow
                          Action: [dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:PutItem, dynamodb:UpdateItem,
                                   dynamodb:ConditionCheckItem, dynamodb:Query]
                          Resource:
                            - !GetAtt ConversationLogTable.Arn
                            - !Sub "${ConversationLogTable.Arn}/index/*"
                  Events:
                    Receive:
                      Type: HttpApi
                      Properties:
                        ApiId: !Ref HttpApi
                        Path: /webhooks/webchat
                        Method: POST

            """;

    private PipelineCloud cloud;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        Path project = TemplateModel.locate(Path.of("")).orElseThrow();
        String template = Files.readString(project);
        int outputs = template.indexOf("\nOutputs:");
        Path withChannel = dir.resolve("template.yaml");
        Files.writeString(withChannel, template.substring(0, outputs + 1) + FUNCTION + template.substring(outputs + 1));
        cloud = PipelineCloud.start(new LocalCloud.Options().template(withChannel),
                Map.of(WebChat.SIGNING_SECRET, SECRET, "SWITCHBOARD_API_TOKEN", API_TOKEN));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void givenTheTestChannel_whenASignedMessageArrives_thenItIsStoredOnItsOwnWireNameAndAnnounced() {
        String visitor = "v-" + UUID.randomUUID();
        String body = message("wc-" + visitor, visitor, "Where is my order?", Instant.now().minusSeconds(30));

        HttpResponse<String> response = post(body, sign(body));

        assertEquals(200, response.statusCode(), response.body());
        String customerId = cloud.customerIdOf("external:webchat:" + visitor).orElseThrow();
        assertEquals(List.of("webchat"), cloud.entries(customerId).stream().map(entry -> entry.get(LogItems.CHANNEL).s()).toList());
        JsonNode received = cloud.awaitEvents(customerId, found -> types(found).contains("switchboard.message.received"))
                .stream().filter(event -> event.path("type").asText().equals("switchboard.message.received")).findFirst().orElseThrow();
        assertEquals("webchat", received.at("/data/entry/channel").asText());
        assertEquals("/webchat/acme-shop", received.path("source").asText());
        assertEquals("Where is my order?", received.at("/data/entry/text").asText());
        EventSchema.assertValid(received);

        // and the same delivery again stores nothing new
        assertEquals(200, post(body, sign(body)).statusCode());
        assertEquals(1, cloud.entries(customerId).size());
    }

    @Test
    void givenACustomerOfTheTestChannel_whenTheApiSendsAReply_thenTheOutboundFunctionSendsItThroughTheChannelsStandIn() {
        String visitor = "v-" + UUID.randomUUID();
        String body = message("wc-" + visitor, visitor, "Can someone help?", Instant.now().minusSeconds(30));
        assertEquals(200, post(body, sign(body)).statusCode());
        String customerId = cloud.customerIdOf("external:webchat:" + visitor).orElseThrow();

        HttpResponse<String> accepted = cloud.post("/v1/customers/" + customerId + "/messages", "application/json",
                "{\"channel\":\"webchat\",\"text\":\"Yes, happy to help.\"}", Map.of("Authorization", "Bearer " + API_TOKEN));

        assertEquals(202, accepted.statusCode(), accepted.body());
        JsonNode sent = cloud.awaitEvents(customerId, found -> types(found).contains("switchboard.message.sent")).stream()
                .filter(event -> event.path("type").asText().equals("switchboard.message.sent")).findFirst().orElseThrow();
        assertEquals("webchat", sent.at("/data/entry/channel").asText());
        assertEquals("Yes, happy to help.", sent.at("/data/entry/text").asText());
        EventSchema.assertValid(sent);
        List<SentRequest> requests = cloud.local().standIns().standIn("webchat").requests();
        List<SentRequest> toVisitor = requests.stream().filter(request -> request.body().contains(visitor)).toList();
        assertEquals(1, toVisitor.size());
        assertEquals("/v1/sites/acme-shop/messages", toVisitor.get(0).path());
        assertEquals(sent.at("/data/entry/providerMessageId").asText(), toVisitor.get(0).providerMessageId());
    }

    @Test
    void givenTheTestChannelsSample_thenTheConsoleOffersIt_andSendsItSignedWithThisDeploymentsSecret() {
        HttpResponse<String> state = cloud.get("/console/state", Map.of("Authorization", "Bearer " + API_TOKEN));
        assertEquals(200, state.statusCode(), state.body());
        List<String> samples = new java.util.ArrayList<>();
        json(state.body()).path("samples").forEach(sample -> samples.add(sample.path("name").asText()));
        assertTrue(samples.contains("webchat-text-message"), samples.toString());

        HttpResponse<String> sentSample = cloud.post("/console/samples/webchat-text-message", "application/json", "",
                Map.of("Authorization", "Bearer " + API_TOKEN));

        assertEquals(200, sentSample.statusCode(), sentSample.body());
        assertEquals(200, json(sentSample.body()).path("status").asInt(), sentSample.body());
        assertTrue(cloud.customerIdOf("external:webchat:v-7f3a").isPresent());
    }

    @Test
    void givenTheTestChannel_whenForgedMalformedOrOversized_thenTheCoreRefusesIt_andNothingIsStored() {
        long before = cloud.storedItems();
        String body = message("wc-forged", "v-forged", "x", Instant.now());
        assertEquals(401, post(body, sign(body + " ")).statusCode());
        assertEquals(401, post(body, null).statusCode());
        String notJson = "{\"id\":";
        assertEquals(400, post(notJson, sign(notJson)).statusCode());
        String noVisitor = "{\"id\":\"wc-no-visitor\",\"site\":\"acme-shop\",\"text\":\"x\"}";
        assertEquals(400, post(noVisitor, sign(noVisitor)).statusCode());
        String huge = "{\"id\":\"wc-huge\",\"text\":\"" + "x".repeat(1024 * 1024) + "\"}";
        assertEquals(413, post(huge, sign(huge)).statusCode());
        assertEquals(405, cloud.get(PATH).statusCode()); // no GET route: the gateway names the methods it has
        assertEquals(before, cloud.storedItems());
    }

    @Test
    void theCoreNamesNoProvider_butTheWireNamesInItsRegistries() throws IOException {
        Path core = TemplateModel.locate(Path.of("")).orElseThrow().getParent().resolve("shared/src/main");
        java.util.regex.Pattern providers = java.util.regex.Pattern.compile(
                "twilio|whatsapp|messenger|instagram|mailgun|postmark|sendgrid|hub\\.", java.util.regex.Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.walk(core)) {
            List<String> hits = files.filter(Files::isRegularFile)
                    .filter(file -> !file.endsWith(Path.of("io/switchboard/core/model/Channel.java")))
                    // Identity.java's registry of identity types holds wire names too, one entry a line.
                    .flatMap(file -> lines(file).stream().filter(line -> providers.matcher(line).find())
                            .filter(line -> !(file.endsWith(Path.of("io/switchboard/core/model/Identity.java"))
                                    && line.trim().startsWith("java.util.Map.entry(\"")))
                            .map(line -> core.relativize(file) + ": " + line.trim()))
                    .toList();
            assertTrue(hits.isEmpty(), String.join("\n", hits));
        }
    }

    @Test
    void theLocalCloudAndTheOutboundFunctionNameNoChannel() throws IOException {
        Path root = TemplateModel.locate(Path.of("")).orElseThrow().getParent();
        java.util.regex.Pattern providers = java.util.regex.Pattern.compile(
                "whatsapp|messenger|instagram|twilio|mailgun|postmark|sendgrid", java.util.regex.Pattern.CASE_INSENSITIVE);
        for (String tree : List.of("infra/local-cloud/src/main", "functions/outbound/src/main")) {
            try (Stream<Path> files = Files.walk(root.resolve(tree))) {
                List<String> hits = files.filter(Files::isRegularFile)
                        .flatMap(file -> lines(file).stream().filter(line -> providers.matcher(line).find())
                                .map(line -> root.relativize(file) + ": " + line.trim()))
                        .toList();
                assertTrue(hits.isEmpty(), String.join("\n", hits));
            }
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String body, String signature) {
        return cloud.post(PATH, "application/json", body,
                signature == null ? Map.of() : Map.of("X-Webchat-Signature", signature));
    }

    private static JsonNode json(String text) {
        try {
            return io.switchboard.core.json.Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String message(String id, String visitor, String text, Instant at) {
        return "{\"id\":\"" + id + "\",\"site\":\"acme-shop\",\"sentAt\":\"" + at + "\",\"visitor\":{\"id\":\""
                + visitor + "\",\"name\":\"Ann\"},\"text\":\"" + text + "\"}";
    }

    private static String sign(String body) {
        return "sha256=" + java.util.HexFormat.of().formatHex(io.switchboard.core.security.Hmac.sign(
                io.switchboard.core.security.Hmac.SHA256, SECRET, body.getBytes(StandardCharsets.UTF_8)));
    }
}
