package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.model.Message;

/** The project's own template.yaml on the local cloud, with the real handler classes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectTemplateTest {

    private static final String APP_SECRET = "project-template-test-secret";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LocalCloud cloud;

    @BeforeAll
    void start() {
        // No template given: found by looking upwards from the working directory (infra/local-cloud/ under Maven).
        cloud = LocalCloud.start(new LocalCloud.Options()
                .env(Map.of("WHATSAPP_APP_SECRET", APP_SECRET, "WHATSAPP_VERIFY_TOKEN", "verify-me")));
    }

    @AfterAll
    void stop() {
        cloud.close();
    }

    @Test
    void servesTheTemplatesRoutesAndStreams() {
        assertEquals(TestTemplates.project().toAbsolutePath(), cloud.template().source());
        assertTrue(cloud.routeUrls().containsAll(List.of(
                "GET " + cloud.baseUrl() + "/webhooks/whatsapp", "POST " + cloud.baseUrl() + "/webhooks/whatsapp",
                "GET " + cloud.baseUrl() + "/webhooks/messenger", "POST " + cloud.baseUrl() + "/webhooks/instagram",
                "POST " + cloud.baseUrl() + "/webhooks/twilio/voice", "POST " + cloud.baseUrl() + "/webhooks/twilio/sms/status")),
                cloud.routeUrls().toString());
        assertEquals(1, cloud.streamPollers().size());
        assertEquals("ConversationLogTable", cloud.streamPollers().get(0).tableName());
        assertEquals("FanoutFunction", cloud.streamPollers().get(0).functionId());
        Map<String, String> fanout = cloud.function("FanoutFunction").environment();
        assertEquals(cloud.queueArn("EventsQueue"), fanout.get("SUBSCRIBER_QUEUE_ARNS"));
        assertEquals(cloud.queueUrl("FanoutFailuresQueue"), fanout.get("FANOUT_FAILURES_QUEUE_URL"));
        assertEquals("ConversationLogTable", fanout.get("CONVERSATION_LOG_TABLE"));
        assertFalse(cloud.function("WhatsAppFunction").environment().containsKey("SWITCHBOARD_SECRET_ID"));
    }

    @Test
    void verifyHandshake() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl()
                + "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("1158201444", response.body());
    }

    @Test
    void aSignedWebhookBecomesCloudEventsOnTheEventsQueue() throws Exception {
        Path sample = TestTemplates.project().getParent().resolve("events/whatsapp-text-message.body.json");
        byte[] body = Files.readAllBytes(sample);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(APP_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl() + "/webhooks/whatsapp"))
                .header("Content-Type", "application/json").header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(cloud.awaitStreamsIdle(Duration.ofSeconds(120)), "the fan-out took every stored change");

        String queueUrl = cloud.queueUrl("EventsQueue");
        List<String> bodies = new ArrayList<>();
        for (Message message : cloud.sqs().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(2)).messages()) {
            bodies.add(message.body());
        }
        assertTrue(bodies.stream().anyMatch(b -> b.contains("\"switchboard.message.received\"")), bodies.toString());
    }
}
