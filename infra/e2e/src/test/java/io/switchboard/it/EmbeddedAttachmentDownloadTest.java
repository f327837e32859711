package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.log.ConversationLog.AttachmentOutcome;
import io.switchboard.core.log.ConversationPolicy;
import io.switchboard.core.log.DynamoDbConversationLog;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.local.LocalCloud;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Downloading a stored attachment through the customer API on the embedded cloud: the API function answers 302 to a
 * URL it presigned itself (no S3 SDK in its jar), and the embedded S3 serves the bytes at that URL, with the type
 * and file name the URL asks for, until it expires. 409 while pending, 404 for what does not exist; a merged
 * customer's id works. Every JSON answer is checked against docs/api/openapi.yaml.
 */
class EmbeddedAttachmentDownloadTest {

    private static final String TOKEN = "test-download-token";
    private static final String ROUTE = "/v1/customers/%s/entries/%s/attachments/%s";
    private static final EmbeddedCustomerApiTest.OpenApiContract CONTRACT =
            new EmbeddedCustomerApiTest.OpenApiContract(Repository.root().resolve("docs/api/openapi.yaml"));
    /** Never follows redirects (the default): the 302 is looked at, then its Location fetched on its own. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private static PipelineCloud cloud;

    @BeforeAll
    static void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options(), Map.of("SWITCHBOARD_API_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void aPendingImageIs409_onceStoredA302WhoseUrlServesTheBytesAsADownload_andAMergedCustomersIdWorks() throws Exception {
        // given a WhatsApp image, its attachment pending
        String wamid = "wamid.download-" + UUID.randomUUID();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.image("14155550181", "Dee Download", wamid,
                Instant.now().minusSeconds(30), "1479537139650981", "The receipt")).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550181").orElseThrow();
        String entryId = ConversationEntry.idFor(Channel.WHATSAPP, wamid);
        String path = String.format(ROUTE, customerId, entryId, 0);

        JsonNode pending = problem(get(cloud, path), 409);
        assertEquals("pending", pending.path("attachmentStatus").asText());

        // when the bytes are in the media bucket at the attachment's key and the entry says so
        byte[] bytes = new byte[70_000];
        new java.util.Random(7).nextBytes(bytes);
        bytes[0] = (byte) 0xff;
        bytes[1] = (byte) 0xd8;
        String key = store(cloud, customerId, entryId, bytes, "image/jpeg");

        // then the API redirects to a presigned URL, uncacheable, which S3 serves without the API's token
        HttpResponse<String> redirect = get(cloud, path);
        assertEquals(302, redirect.statusCode(), redirect.body());
        assertEquals("no-store", redirect.headers().firstValue("Cache-Control").orElse(""));
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(URI.create(cloud.local().s3Endpoint()).getPort(), location.getPort());
        assertTrue(location.getRawPath().endsWith("/" + cloud.local().bucketName("MediaBucket") + "/" + key), location.toString());
        assertTrue(location.getRawQuery().contains("X-Amz-Expires=300&"), location.toString());
        HttpResponse<byte[]> download = fetch(location);
        assertEquals(200, download.statusCode(), new String(download.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(bytes, download.body());
        assertEquals("image/jpeg", download.headers().firstValue("Content-Type").orElse(""));
        assertEquals("attachment; filename=\"attachment-0.jpg\"", download.headers().firstValue("Content-Disposition").orElse(""));

        // and what does not exist is 404: another index, another entry, another customer
        problem(get(cloud, String.format(ROUTE, customerId, entryId, 1)), 404);
        problem(get(cloud, String.format(ROUTE, customerId, "e" + "0".repeat(32), 0)), 404);
        problem(get(cloud, String.format(ROUTE, UUID.randomUUID(), entryId, 0)), 404);
        problem(get(cloud, String.format(ROUTE, customerId, entryId, "first")), 400);

        // and after this customer is merged into another, its id and the survivor's both download the entry
        String address = "dee-" + UUID.randomUUID() + "@download.example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(address, "Dee Download", "download-" + UUID.randomUUID()
                + "@example.com", Instant.now(), "Receipt", "Sent it on WhatsApp.", null, List.of())).statusCode());
        String survivor = cloud.customerIdOf("email:" + address).orElseThrow();
        HttpResponse<String> merged = send(request(cloud, "/v1/customers/" + survivor + "/merge")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + customerId + "\"}")).build());
        assertEquals(200, merged.statusCode(), merged.body());
        for (String id : List.of(customerId, survivor)) {
            HttpResponse<String> again = get(cloud, String.format(ROUTE, id, entryId, 0));
            assertEquals(302, again.statusCode(), again.body());
            assertArrayEquals(bytes, fetch(URI.create(again.headers().firstValue("Location").orElseThrow())).body());
        }
    }

    @Test
    void withALifetimeOfOneSecond_theUrlIsRefusedByS3OnceExpired() throws Exception {
        try (PipelineCloud shortLived = PipelineCloud.start(new LocalCloud.Options()
                .parameters(Map.of("MediaUrlLifetimeSeconds", "1")), Map.of("SWITCHBOARD_API_TOKEN", TOKEN))) {
            String wamid = "wamid.download-" + UUID.randomUUID();
            assertEquals(200, shortLived.postWhatsApp(WhatsAppWebhooks.image("14155550182", "Eve Expiry", wamid,
                    Instant.now().minusSeconds(30), "1479537139650982", null)).statusCode());
            String customerId = shortLived.customerIdOf("phone:+14155550182").orElseThrow();
            String entryId = ConversationEntry.idFor(Channel.WHATSAPP, wamid);
            store(shortLived, customerId, entryId, new byte[] {1, 2, 3}, "image/jpeg");

            HttpResponse<String> redirect = get(shortLived, String.format(ROUTE, customerId, entryId, 0));
            assertEquals(302, redirect.statusCode(), redirect.body());
            URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            assertTrue(location.getRawQuery().contains("X-Amz-Expires=1&"), location.toString());

            long deadline = System.nanoTime() + PipelineCloud.DEADLINE.toNanos();
            HttpResponse<byte[]> answer = fetch(location);
            while (answer.statusCode() == 200) {
                assertTrue(System.nanoTime() < deadline, "the URL still works long after it expired");
                Thread.sleep(100);
                answer = fetch(location);
            }
            assertEquals(403, answer.statusCode(), new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Puts the bytes at the attachment's key in the media bucket and marks it stored, as the media function will. */
    private static String store(PipelineCloud on, String customerId, String entryId, byte[] bytes, String contentType)
            throws Exception {
        String key = Attachment.objectKey(customerId, entryId, 0);
        on.local().s3().putObject(put -> put.bucket(on.local().bucketName("MediaBucket")).key(key)
                .contentType("application/octet-stream"), RequestBody.fromBytes(bytes));
        DynamoDbConversationLog log = new DynamoDbConversationLog(on.local().dynamoDb(),
                Settings.of(Map.of(Settings.CONVERSATION_LOG_TABLE, on.local().tableName("ConversationLogTable"))),
                new ConversationPolicy(Duration.ofHours(24)));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(AttachmentOutcome.UPDATED, log.updateAttachment(customerId, entryId, 0,
                AttachmentUpdate.stored(contentType, bytes.length, sha256, key, Instant.now())));
        return key;
    }

    private static HttpRequest.Builder request(PipelineCloud on, String path) {
        return HttpRequest.newBuilder(URI.create(on.local().baseUrl() + path)).timeout(PipelineCloud.DEADLINE)
                .header("Authorization", "Bearer " + TOKEN);
    }

    private static HttpResponse<String> get(PipelineCloud on, String path) {
        return send(request(on, path).GET().build());
    }

    /** Sends, and checks any JSON answer against the OpenAPI document. */
    private static HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertTrue(response.statusCode() < 500, request.uri() + " -> " + response.statusCode() + " " + response.body());
            CONTRACT.assertConforms(request.method(), request.uri().getRawPath(), response);
            return response;
        } catch (IOException e) {
            throw new IllegalStateException("gateway unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The presigned URL as any HTTP client follows it: no Authorization header, nothing but the URL. */
    private static HttpResponse<byte[]> fetch(URI location) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(location).timeout(PipelineCloud.DEADLINE).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode problem(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.uri() + " " + response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode problem = Json.MAPPER.readTree(response.body());
        assertEquals(status, problem.path("status").asInt());
        assertFalse(problem.path("detail").asText().isEmpty());
        return problem;
    }
}
