package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.InMemoryCommandLedger;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API's rules on one class, with the store in memory; the embedded cloud's test covers it end to end. */
class CustomerApiHandlerTest {

    private static final String TOKEN = "unit-test-token";
    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final InMemoryCommandLedger ledger = new InMemoryCommandLedger();
    private CustomerApiHandler handler;
    private Customer ann;

    @BeforeEach
    void start() {
        handler = new CustomerApiHandler(Contexts.with(Settings.of(Map.of(CustomerApi.API_TOKEN, TOKEN)), directory, log,
                ledger));
        Instant at = Instant.parse("2026-01-05T10:00:00Z");
        ann = directory.resolve(Identity.phone("14155550100"), "Ann Example", "/test/1", at).customer();
        for (int i = 0; i < 5; i++) {
            log.append(ann, ConversationEntry.builder(i % 2 == 0 ? Channel.SMS : Channel.VOICE, "m" + i).source("/test/1")
                    .occurredAt(at.plusSeconds(i)).text("message " + i).build());
        }
    }

    @AfterEach
    void stop() {
        handler.close();
    }

    @Test
    void lookupNormalizesAsIngestionDoes_andUnknownIs404() {
        JsonNode byPhone = body(call("GET /v1/customers", null, Map.of("phone", "+1 (415) 555-0100"), null, 200));
        JsonNode byKey = body(call("GET /v1/customers", null, Map.of("identity", "phone:14155550100"), null, 200));
        assertEquals(ann.id(), byPhone.path("id").asText());
        assertEquals(byPhone, byKey);
        assertEquals("Ann Example", byPhone.path("displayName").asText());
        call("GET /v1/customers", null, Map.of("email", "nobody@example.com"), null, 404);
        call("GET /v1/customers", null, Map.of("phone", "+14155550100", "email", "a@example.com"), null, 400);
        call("GET /v1/customers", null, Map.of(), null, 400);
        call("GET /v1/customers", null, Map.of("identity", "no-type"), null, 400);
    }

    @Test
    void timelinePagesWalkEveryEntryOnceNewestFirst_andACursorIsBoundToItsCustomer() {
        List<String> texts = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, String> query = new HashMap<>(Map.of("limit", "2"));
            if (cursor != null) {
                query.put("before", cursor);
            }
            JsonNode page = body(call("GET /v1/customers/{id}/timeline", ann.id(), query, null, 200));
            page.path("entries").forEach(entry -> texts.add(entry.path("text").asText()));
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
        } while (cursor != null);
        assertEquals(List.of("message 4", "message 3", "message 2", "message 1", "message 0"), texts);

        String firstCursor = body(call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("limit", "1"), null, 200))
                .path("next").asText();
        Customer bob = directory.resolve(Identity.phone("14155550111"), null, "/test/1", Instant.now()).customer();
        call("GET /v1/customers/{id}/timeline", bob.id(), Map.of("before", firstCursor), null, 400);
        call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("before", firstCursor.replace('.', 'x')), null, 400);
        call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("before", "A" + firstCursor), null, 400);
        call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("limit", "0"), null, 400);
        call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("limit", "201"), null, 400);
        call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("channel", "pigeon"), null, 400);
        call("GET /v1/customers/{id}/timeline", "00000000-0000-4000-8000-000000000000", Map.of(), null, 404);
        JsonNode voice = body(call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("channel", "voice"), null, 200));
        assertEquals(2, voice.path("entries").size());
        assertFalse(voice.path("entries").get(0).has("statusError"), "absent values are left out, as in events");
    }

    @Test
    void linkIs201Then200_andAnIdentityOfAnotherCustomerIs409NamingTheOwner() {
        String body = "{\"identity\":\"email:Ann@Example.com\"}";
        JsonNode linked = body(call("POST /v1/customers/{id}/identities", ann.id(), null, body, 201));
        assertTrue(linked.path("identities").toString().contains("email:ann@example.com"));
        call("POST /v1/customers/{id}/identities", ann.id(), null, body, 200);
        Customer bob = directory.resolve(Identity.email("bob@example.com"), null, "/test/1", Instant.now()).customer();
        JsonNode conflict = body(call("POST /v1/customers/{id}/identities", bob.id(), null, body, 409));
        assertEquals(ann.id(), conflict.path("owner").asText());
        call("POST /v1/customers/{id}/identities", ann.id(), null, "{\"identity\":\"external:zendesk\"}", 400);
        call("POST /v1/customers/{id}/identities", ann.id(), null, "[1]", 400);
        call("POST /v1/customers/{id}/identities", ann.id(), null, "{", 400);
        call("POST /v1/customers/{id}/identities", "not-a-uuid", null, body, 400);
    }

    @Test
    void messagesAreValidatedBeforeAnythingIsSent() {
        call("POST /v1/customers/{id}/messages", ann.id(), null, "{\"channel\":\"pigeon\",\"text\":\"hi\"}", 400);
        call("POST /v1/customers/{id}/messages", ann.id(), null, "{\"channel\":\"sms\"}", 400);
        call("POST /v1/customers/{id}/messages", ann.id(), null, "{\"customerId\":\"x\",\"text\":\"hi\"}", 400);
        APIGatewayV2HTTPEvent spaced = event("POST /v1/customers/{id}/messages", ann.id(), null, "{\"text\":\"hi\"}");
        spaced.getHeaders().put("idempotency-key", "has spaces");
        assertEquals(400, handler.handleRequest(spaced, null).getStatusCode());
        // A valid command for nobody: 404 before the queue (none is configured here) is asked.
        call("POST /v1/customers/{id}/messages", "00000000-0000-4000-8000-000000000000", null, "{\"text\":\"hi\"}", 404);
    }

    @Test
    void givenTextOverTheChannelsLimitInCodePoints_whenSent_then400TextTooLongBeforeTheQueue() {
        // Ann last wrote by SMS (Twilio: Body up to 1600 characters), the default channel; WhatsApp takes 4096.
        String overSms = "{\"text\":\"" + "x".repeat(1601) + "\"}";
        JsonNode tooLong = body(call("POST /v1/customers/{id}/messages", ann.id(), null, overSms, 400));
        assertEquals("text_too_long", tooLong.path("code").asText());
        String overWhatsApp = "{\"channel\":\"whatsapp\",\"text\":\"" + "\uD83D\uDE00".repeat(4097) + "\"}";
        assertEquals("text_too_long", body(call("POST /v1/customers/{id}/messages", ann.id(), null, overWhatsApp, 400))
                .path("code").asText());
        assertTrue(body(call("POST /v1/customers/{id}/messages", ann.id(), null, overWhatsApp, 400)).path("detail")
                .asText().contains("4097 characters"), "emoji count as one character each");
    }

    @Test
    void givenAnIdempotencyKeyClaimedForAnotherRequest_whenSent_then422AndNothingQueued() {
        ledger.claim("key-1", "fingerprint-of-another-request", Instant.now());
        APIGatewayV2HTTPEvent reused = event("POST /v1/customers/{id}/messages", ann.id(), null, "{\"text\":\"hi\"}");
        reused.getHeaders().put("idempotency-key", "key-1");

        APIGatewayV2HTTPResponse response = handler.handleRequest(reused, null);

        assertEquals(422, response.getStatusCode(), response.getBody());
        assertEquals("urn:switchboard:problem:idempotency-key-reused", body(response).path("type").asText());
    }

    @Test
    void givenALimitThatIsNotPlainAsciiDigits_whenTheTimelineIsRead_then400() {
        for (String limit : List.of("\uFF12", " 5 ", "+5", "5 ", "٣", "-1", "")) {
            call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("limit", limit), null, 400);
        }
        assertEquals(5, body(call("GET /v1/customers/{id}/timeline", ann.id(), Map.of("limit", "5"), null, 200))
                .path("entries").size());
    }

    @Test
    void givenAnUnknownTypeOrACharacterThatWouldBeCleaned_whenLinked_then400AndNothingStored() {
        for (String key : List.of("bogus:1", "client:a\\u0000b", "client:a\\ud800b", "client:a\uFFFDb")) {
            call("POST /v1/customers/{id}/identities", ann.id(), null, "{\"identity\":\"" + key + "\"}", 400);
        }
        assertEquals(List.of("phone:+14155550100"), directory.get(ann.id()).orElseThrow().identities());
    }

    @Test
    void withoutTheTokenOrWithAnotherOne_401WithAChallenge() {
        for (String authorization : new String[] {null, "Bearer wrong", "Basic " + TOKEN, "Bearer " + TOKEN + "x"}) {
            APIGatewayV2HTTPEvent request = event("GET /v1/customers/{id}", ann.id(), null, null);
            if (authorization == null) {
                request.getHeaders().remove("authorization");
            } else {
                request.getHeaders().put("authorization", authorization);
            }
            APIGatewayV2HTTPResponse response = handler.handleRequest(request, null);
            assertEquals(401, response.getStatusCode(), String.valueOf(authorization));
            assertEquals(ApiProblem.CONTENT_TYPE, response.getHeaders().get("content-type"));
            assertTrue(response.getHeaders().get("WWW-Authenticate").startsWith("Bearer"));
        }
        APIGatewayV2HTTPResponse openApi = call("GET /v1/openapi.yaml", null, null, null, 200);
        assertTrue(openApi.getBody().startsWith("openapi: 3.1"), "served from the jar");
    }

    @Test
    void mergeAnswersTheSurvivor_aRepeatIs200_theMergedIdResolves_andRefusalsAre409Or404Or400() {
        Customer bob = directory.resolve(Identity.email("bob@example.com"), "Bob", "/test/1",
                Instant.parse("2026-01-05T09:00:00Z")).customer();
        log.append(bob, ConversationEntry.builder(Channel.EMAIL, "b0").source("/test/1")
                .occurredAt(Instant.parse("2026-01-05T10:00:02.500Z")).text("bob's").build());
        String from = "{\"from\":\"" + bob.id() + "\"}";
        JsonNode survivor = body(call("POST /v1/customers/{id}/merge", ann.id(), Map.of(), from, 200));
        assertEquals(ann.id(), survivor.path("id").asText());
        assertEquals(bob.id(), survivor.path("merged").get(0).asText());
        assertEquals(survivor, body(call("POST /v1/customers/{id}/merge", ann.id(), Map.of(), from, 200)));
        assertEquals(survivor, body(call("GET /v1/customers/{id}", bob.id(), Map.of(), null, 200)));

        List<String> texts = new ArrayList<>();
        body(call("GET /v1/customers/{id}/timeline", bob.id(), Map.of(), null, 200)).path("entries")
                .forEach(entry -> texts.add(entry.path("text").asText()));
        assertEquals(List.of("message 4", "message 3", "bob's", "message 2", "message 1", "message 0"), texts);

        call("POST /v1/customers/{id}/merge", ann.id(), Map.of(), "{\"from\":\"" + ann.id() + "\"}", 409);
        assertEquals(ann.id(), body(call("POST /v1/customers/{id}/merge", bob.id(), Map.of(),
                "{\"from\":\"" + ann.id() + "\"}", 409)).path("mergedInto").asText());
        call("POST /v1/customers/{id}/merge", ann.id(), Map.of(), "{\"from\":\"" + java.util.UUID.randomUUID() + "\"}", 404);
        call("POST /v1/customers/{id}/merge", ann.id(), Map.of(), "{\"from\":1}", 400);
        call("POST /v1/customers/{id}/merge", ann.id(), Map.of(), "nope", 400);
    }

    @Test
    void aStoredAttachment_is302ToAPresignedUrlWithItsNameAndType_otherStatesAre409_unknownOnes404() {
        handler.close();
        handler = new CustomerApiHandler(Contexts.with(Settings.of(Map.of(CustomerApi.API_TOKEN, TOKEN,
                "MEDIA_BUCKET", "media-bucket", "MEDIA_URL_LIFETIME_SECONDS", "60",
                "AWS_ENDPOINT_URL_S3", "http://localhost:4566", "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")),
                directory, log, ledger));
        Customer bob = directory.resolve(Identity.email("bob@example.com"), "Bob", "/test/1",
                Instant.parse("2026-01-05T09:00:00Z")).customer();
        ConversationEntry entry = ConversationEntry.builder(Channel.WHATSAPP, "media").source("/test/1")
                .occurredAt(Instant.parse("2026-01-05T10:00:09Z")).attachments(List.of(
                        Attachment.media("document", "application/pdf", "m1", null, "Rechnung März.pdf"),
                        Attachment.media("image", "image/jpeg", "m2", null, null),
                        Attachment.media("image", "image/jpeg", "m3", null, null),
                        new Attachment("image", null, null, null, null, null, null)))
                .build();
        log.append(bob, entry);
        String key = Attachment.objectKey(bob.id(), entry.id(), 0);
        Instant at = Instant.parse("2026-01-05T10:00:12Z");
        log.updateAttachment(bob.id(), entry.id(), 0, AttachmentUpdate.stored("application/pdf", 10L,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", key, at));
        log.updateAttachment(bob.id(), entry.id(), 2, AttachmentUpdate.failed(Attachment.EXPIRED, at));
        // Stored in bob's partition, asked for through ann after bob was merged into her.
        call("POST /v1/customers/{id}/merge", ann.id(), Map.of(), "{\"from\":\"" + bob.id() + "\"}", 200);

        APIGatewayV2HTTPResponse redirect = download(ann.id(), entry.id(), "0", 302);
        assertEquals("no-store", redirect.getHeaders().get("cache-control"));
        URI location = URI.create(redirect.getHeaders().get("location"));
        assertEquals("localhost:4566", location.getRawAuthority());
        assertEquals("/media-bucket/" + key, location.getRawPath());
        String query = location.getRawQuery();
        assertTrue(query.contains("X-Amz-Expires=60&"), query);
        assertTrue(query.contains("&response-content-type=application%2Fpdf&"), query);
        assertEquals("attachment; filename=\"Rechnung M_rz.pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf",
                java.net.URLDecoder.decode(query.replaceAll(".*response-content-disposition=([^&]*).*", "$1"),
                        java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(query.matches(".*&X-Amz-Signature=[0-9a-f]{64}$"), query);
        download(bob.id(), entry.id(), "0", 302);

        JsonNode pending = body(download(ann.id(), entry.id(), "1", 409));
        assertEquals("pending", pending.path("attachmentStatus").asText());
        assertEquals("urn:switchboard:problem:attachment-not-stored", pending.path("type").asText());
        JsonNode failed = body(download(ann.id(), entry.id(), "2", 409));
        assertEquals("failed", failed.path("attachmentStatus").asText());
        assertEquals("expired", failed.path("reason").asText());
        assertEquals("reference", body(download(ann.id(), entry.id(), "3", 409)).path("attachmentStatus").asText());
        download(ann.id(), entry.id(), "4", 404);
        download(ann.id(), "e-unknown", "0", 404);
        download(ann.id(), "x".repeat(300), "0", 404);
        download("00000000-0000-4000-8000-000000000000", entry.id(), "0", 404);
        download(ann.id(), entry.id(), "-1", 400);
        download(ann.id(), entry.id(), "one", 400);
    }

    @Test
    void aDownloadsName_isTheFilesOwnWithoutAPath_elseOneOfItsIndexAndType() {
        Attachment stored = Attachment.media("image", "image/png", "m", null, "C:\\Users\\ann\\scan \"1\".png")
                .withStatus(AttachmentStatus.STORED);
        assertEquals("scan \"1\".png", Downloads.fileName(stored, 0));
        assertEquals("attachment; filename=\"scan _1_.png\"; filename*=UTF-8''scan%20%221%22.png",
                Downloads.contentDisposition(stored, 0));
        Attachment unnamed = new Attachment("audio", "audio/ogg", "m", null, null, null, 5L, AttachmentStatus.STORED,
                "audio/ogg", null, null, "k", null);
        assertEquals("attachment; filename=\"attachment-2.ogg\"", Downloads.contentDisposition(unnamed, 2));
        Attachment odd = new Attachment("file", null, "m", null, "..", null, 5L, AttachmentStatus.STORED,
                "application/x-unknown", null, null, "k", null);
        assertEquals("attachment-0.bin", Downloads.fileName(odd, 0));
    }

    private APIGatewayV2HTTPResponse download(String id, String entryId, String n, int status) {
        String route = "GET /v1/customers/{id}/entries/{entryId}/attachments/{n}";
        APIGatewayV2HTTPEvent event = event(route, id, Map.of(), null);
        event.setPathParameters(Map.of("id", id, "entryId", entryId, "n", n));
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(status, response.getStatusCode(), entryId + "/" + n + " -> " + response.getBody());
        if (status >= 400) {
            assertEquals(ApiProblem.CONTENT_TYPE, response.getHeaders().get("content-type"));
            assertEquals(status, body(response).path("status").asInt());
        }
        return response;
    }

    private APIGatewayV2HTTPResponse call(String route, String id, Map<String, String> query, String body, int status) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event(route, id, query, body), null);
        assertEquals(status, response.getStatusCode(), route + " " + query + " " + body + " -> " + response.getBody());
        if (status >= 400) {
            assertEquals(ApiProblem.CONTENT_TYPE, response.getHeaders().get("content-type"));
            assertEquals(status, body(response).path("status").asInt());
        }
        return response;
    }

    private static APIGatewayV2HTTPEvent event(String route, String id, Map<String, String> query, String body) {
        String path = route.substring(route.indexOf(' ') + 1).replace("{id}", String.valueOf(id));
        Map<String, String> headers = new HashMap<>(Map.of("authorization", "Bearer " + TOKEN));
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey(route).withRawPath(path)
                .withHeaders(headers).withQueryStringParameters(query)
                .withPathParameters(id == null ? null : Map.of("id", id)).withBody(body).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(route.substring(0, route.indexOf(' '))).withPath(path).build()).build())
                .build();
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new AssertionError(response.getBody(), e);
        }
    }
}
