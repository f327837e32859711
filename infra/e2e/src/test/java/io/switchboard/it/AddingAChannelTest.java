package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.store.LogItems;
import io.switchboard.it.gateway.GatewaySmsChannel;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a channel as docs/adding-a-channel.md describes changes nothing in the core: a test-only channel (an SMS
 * gateway with a signed JSON webhook, {@link GatewaySmsChannel}) is one channel class, one two-constructor handler
 * and its lines in the template, and runs through the same pipeline on the embedded cloud as the real ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddingAChannelTest {

    private static final String SECRET = "test-gateway-secret";
    private static final String PATH = "/webhooks/sms-gateway";

    /** The test channel's lines in the template, as a new channel adds its own to template.yaml. */
    private static final String FUNCTION = """
              SmsGatewayFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.switchboard.it.gateway.GatewaySmsWebhookHandler::handleRequest
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
                        Path: /webhooks/sms-gateway
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
        cloud = PipelineCloud.start(new LocalCloud.Options().template(withChannel), Map.of(GatewaySmsChannel.SECRET, SECRET));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void givenTheTestChannel_whenASignedMessageArrives_thenItIsStoredAnnouncedAndMeetsWhatsAppFromTheSameNumber() {
        // given a WhatsApp customer
        String waId = "14155556" + (100 + System.nanoTime() % 800);
        Instant at = Instant.now().minusSeconds(60);
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Grace", "wamid.gw-" + waId, at, "hi")).statusCode());
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();

        // when the gateway delivers an SMS from the same number
        String body = "{\"messageId\":\"gw-" + waId + "\",\"from\":\"+" + waId + "\",\"to\":\"+14155550199\","
                + "\"text\":\"Also by SMS\",\"receivedAt\":\"" + at.plusSeconds(30) + "\"}";
        HttpResponse<String> response = post(body, sign(body));

        // then it is stored on the same customer, as an SMS, and announced like any other channel's message
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("whatsapp", "sms"), cloud.entries(customerId).stream()
                .map(entry -> entry.get(LogItems.CHANNEL).s()).toList());
        List<JsonNode> events = cloud.awaitEvents(customerId, found -> types(found).stream()
                .filter("switchboard.message.received"::equals).count() >= 2);
        JsonNode sms = events.get(events.size() - 1);
        assertEquals("/gateway/14155550199", sms.path("source").asText());
        assertEquals("Also by SMS", sms.path("data").path("entry").path("text").asText());

        // and the same delivery again stores nothing new
        assertEquals(200, post(body, sign(body)).statusCode());
        assertEquals(2, cloud.entries(customerId).size());
    }

    @Test
    void givenTheTestChannel_whenForgedMalformedOrOversized_thenTheCoreRefusesIt_andNothingIsStored() {
        long before = cloud.storedItems();
        String body = "{\"messageId\":\"gw-forged\",\"from\":\"+14155550111\",\"to\":\"+14155550199\",\"text\":\"x\"}";
        assertEquals(401, post(body, sign(body + " ")).statusCode());
        assertEquals(401, post(body, null).statusCode());
        String notJson = "{\"messageId\":";
        assertEquals(400, post(notJson, sign(notJson)).statusCode());
        String noSender = "{\"messageId\":\"gw-no-sender\",\"to\":\"+14155550199\"}";
        assertEquals(400, post(noSender, sign(noSender)).statusCode());
        String huge = "{\"messageId\":\"gw-huge\",\"text\":\"" + "x".repeat(1024 * 1024) + "\"}";
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

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String body, String signature) {
        return cloud.post(PATH, "application/json", body,
                signature == null ? Map.of() : Map.of("X-Gateway-Signature", signature));
    }

    private static String sign(String body) {
        return "sha256=" + java.util.HexFormat.of().formatHex(io.switchboard.core.security.Hmac.sign(
                io.switchboard.core.security.Hmac.SHA256, SECRET, body.getBytes(StandardCharsets.UTF_8)));
    }
}
