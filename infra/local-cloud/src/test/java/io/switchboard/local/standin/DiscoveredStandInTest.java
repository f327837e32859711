package io.switchboard.local.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.testing.Recorder;
import io.switchboard.local.testing.StreamScript;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local cloud serves a stand-in it learns only from a descriptor on the class path (the test-only
 * {@link PigeonDescriptor}): the senders are pointed at it, its requests are recorded and answered as its provider
 * would, and its status webhook is signed with the receiving function's secret and delivered through the gateway.
 */
class DiscoveredStandInTest {

    private static final String SIGNING_KEY = "this-deployments-pigeon-key";

    @Test
    void givenADescriptorTheLocalCloudNeverHeardOf_whenItsSenderCalls_thenItsStandInAnswersRecordsAndReportsSigned()
            throws Exception {
        Recorder recorder = new Recorder();
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().template(testStack())
                .env(Map.of(PigeonDescriptor.SIGNING_KEY, SIGNING_KEY))
                .singletons(List.of(recorder, new StreamScript())).streamPoller(false))) {
            ProviderStandIns standIns = cloud.standIns();
            ProviderStandIns.StandIn pigeon = standIns.standIn("pigeon");
            Map<String, String> echoSettings = cloud.function("EchoFunction").environment();
            assertEquals(standIns.baseUrl(), echoSettings.get(PigeonDescriptor.API_BASE_URL), "the sender points here");
            assertEquals("local-pigeon-api-key", echoSettings.get(PigeonDescriptor.API_KEY), "a credential it accepts");

            HttpResponse<String> refused = send(standIns.baseUrl(), null, "{\"to\":\"+15555550100\"}");
            HttpResponse<String> answer = send(standIns.baseUrl(), "Bearer local-pigeon-api-key",
                    "{\"to\":\"+15555550100\",\"text\":\"Your parcel is on its way\"}");

            assertEquals(401, refused.statusCode());
            assertEquals(202, answer.statusCode());
            assertEquals("application/json", answer.headers().firstValue("content-type").orElseThrow());
            JsonNode answered = Json.MAPPER.readTree(answer.body());
            String id = answered.path("id").asText();
            assertTrue(id.startsWith("pg_"), answer.body());
            assertEquals("queued", answered.path("status").asText());
            assertEquals(2, pigeon.requests().size());
            SentRequest recorded = pigeon.requests().get(1);
            assertEquals("pigeon", recorded.standIn());
            assertEquals(id, recorded.providerMessageId());
            assertEquals("Your parcel is on its way", recorded.json().path("text").asText());
            assertEquals(null, pigeon.requests().get(0).providerMessageId());

            assertTrue(standIns.awaitWebhooks(Duration.ofSeconds(60)));
            List<WebhookDelivery> deliveries = standIns.webhooks().stream().filter(d -> d.standIn().equals("pigeon")).toList();
            assertEquals(1, deliveries.size());
            WebhookDelivery delivery = deliveries.get(0);
            assertEquals(cloud.baseUrl() + PigeonDescriptor.REPORT_PATH, delivery.url());
            assertEquals("delivered", delivery.status());
            assertEquals(201, delivery.answerStatus(), "the echo function answered it");
            APIGatewayV2HTTPEvent received = recorder.event(id).orElseThrow(() -> new AssertionError("not delivered"));
            byte[] body = received.getIsBase64Encoded() ? Base64.getDecoder().decode(received.getBody())
                    : received.getBody().getBytes(StandardCharsets.UTF_8);
            assertEquals(id, Json.MAPPER.readTree(body).path("id").asText());
            String signature = received.getHeaders().get(PigeonDescriptor.SIGNATURE_HEADER.toLowerCase());
            assertNotNull(signature);
            // Signed with the secret of the function that receives it, as the function would verify it.
            assertEquals(PigeonDescriptor.signature(body, echoSettings.get(PigeonDescriptor.SIGNING_KEY)), signature);
            assertEquals(PigeonDescriptor.signature(body, SIGNING_KEY), signature);
        }
    }

    private static HttpResponse<String> send(String baseUrl, String authorization, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + PigeonDescriptor.SEND_PATH))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path testStack() throws URISyntaxException {
        return Path.of(DiscoveredStandInTest.class.getResource("/test-template.yaml").toURI());
    }
}
