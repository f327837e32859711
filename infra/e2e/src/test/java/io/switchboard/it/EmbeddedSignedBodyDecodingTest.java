package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import io.switchboard.meta.HubSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Correctly signed bodies that are not UTF-8, over HTTP through the local gateway (which, like API Gateway, hands a
 * JSON body to the function as text decoded by its declared charset): the signature over the bytes holds, so such a
 * body is stored decoded by its charset, or refused as undecodable (400), never as forged (401/403).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedSignedBodyDecodingTest {

    private static final String WHATSAPP = "/webhooks/whatsapp";
    private static final String SMS = "/webhooks/twilio/sms";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private PipelineCloud cloud;

    @BeforeAll
    void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options());
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void givenAWhatsAppBodyInTheLatin1ItDeclares_whenPostedCorrectlySigned_thenItIsStoredDecodedByThatCharset() {
        // given a WhatsApp message in ISO-8859-1, as its Content-Type says, signed over those bytes
        String waId = "14155558101";
        byte[] latin1 = WhatsAppWebhooks.text(waId, "Ren\u00e9 Example", "wamid.HBgLMTQxNTU1NTgxMDEVAgASGBQ4MTAx",
                Instant.now().minusSeconds(5), "Merci, Ren\u00e9").getBytes(StandardCharsets.ISO_8859_1);

        // when
        HttpResponse<String> response = postBytes(WHATSAPP, "application/json; charset=ISO-8859-1", latin1,
                Map.of("X-Hub-Signature-256", HubSignature.sign(latin1, PipelineCloud.APP_SECRET)));

        // then
        assertEquals(200, response.statusCode(), response.body());
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        assertEquals("Merci, Ren\u00e9", cloud.entries(customerId).get(0).get(LogItems.TEXT).s());
    }

    @Test
    void givenAWhatsAppBodyWithAnInvalidUtf8Byte_whenPostedCorrectlySigned_thenItIs400AndStoresNothing() {
        // given UTF-8 JSON holding one Latin-1 byte (no valid UTF-8), signed over its bytes
        String waId = "14155558102";
        byte[] body = WhatsAppWebhooks.text(waId, "Ann Example", "wamid.HBgLMTQxNTU1NTgxMDIVAgASGBQ4MTAy",
                Instant.now().minusSeconds(5), "Merci, Ren\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        long stored = cloud.storedItems();

        // when
        HttpResponse<String> response = postBytes(WHATSAPP, "application/json", body,
                Map.of("X-Hub-Signature-256", HubSignature.sign(body, PipelineCloud.APP_SECRET)));

        // then refused as undecodable, not as forged, and nothing is stored
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("body is not valid"), response.body());
        assertEquals(stored, cloud.storedItems());
        assertTrue(cloud.customerIdOf("phone:+" + waId).isEmpty());
    }

    @Test
    void givenATwilioFormWithAByteThatIsNoUtf8_whenPostedSigned_thenItIs400NotForbidden() {
        // given an SMS whose Body is %E9 (Latin-1 é), signed by the test's Twilio signer (which reads it as U+FFFD)
        String form = TwilioWebhooks.sms("SM8103aaaabbbbccccddddeeeeffff0103", "+14155558103", "Caf")
                .replace("Body=Caf", "Body=Caf%E9");
        long stored = cloud.storedItems();

        // when
        HttpResponse<String> response = cloud.postTwilio(SMS, form);

        // then
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("body is not valid UTF-8 text", response.body());
        assertEquals(stored, cloud.storedItems());
    }

    private HttpResponse<String> postBytes(String path, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path))
                .timeout(PipelineCloud.DEADLINE)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("gateway unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
