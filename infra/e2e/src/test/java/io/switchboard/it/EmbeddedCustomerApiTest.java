package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.switchboard.core.json.Json;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.TemplateModel;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The customer API end to end on the embedded cloud: real HTTP through the local gateway to the API function, real
 * webhooks making the customers, the outbound function and the WhatsApp stand-in behind the send route. Every JSON
 * body a request here gets back is checked against docs/api/openapi.yaml.
 */
class EmbeddedCustomerApiTest {

    private static final String TOKEN = "test-customer-api-token";
    private static final String PHONE = "+14155550100";

    private static PipelineCloud cloud;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private static final OpenApiContract CONTRACT = new OpenApiContract(Repository.root().resolve("docs/api/openapi.yaml"));

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

    // ------------------------------------------------------------------ timeline

    @Test
    void givenWhatsAppSmsAndACallFromOneNumberAndAnEmail_thenThePhoneTimelineHasTheThreeNewestFirstAndPagesWalkThemOnce() {
        String wamid = "wamid.api-" + UUID.randomUUID();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(PHONE.substring(1), "Ann Example", wamid,
                Instant.now().minusSeconds(120), "My order 4417 has not arrived")).statusCode());
        String smsSid = "SM" + UUID.randomUUID().toString().replace("-", "");
        assertEquals(200, cloud.postTwilio("/webhooks/twilio/sms", TwilioWebhooks.sms(smsSid, PHONE, "Any news?")).statusCode());
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        assertEquals(200, cloud.postTwilio("/webhooks/twilio/voice", TwilioWebhooks.incomingCall(callSid, PHONE)).statusCode());
        assertEquals(200, cloud.postTwilio("/webhooks/twilio/voice/status", TwilioWebhooks.callStatus(callSid, PHONE,
                "completed", 42, DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)))).statusCode());
        assertEquals(200, cloud.postMime(EmailWebhooks.mime("ann@work.example.com", "Ann Example",
                "api-" + UUID.randomUUID() + "@work.example.com", Instant.now(), "Order 4417", "Writing from work.",
                null, List.of())).statusCode());
        String phoneCustomer = cloud.customerIdOf("phone:" + PHONE).orElseThrow();
        String emailCustomer = cloud.customerIdOf("email:ann@work.example.com").orElseThrow();

        JsonNode page = ok(get("/v1/customers/" + phoneCustomer + "/timeline"), 200);
        List<JsonNode> entries = list(page.path("entries"));
        assertEquals(List.of("voice", "sms", "whatsapp"), entries.stream().map(e -> e.path("channel").asText()).toList());
        assertEquals(List.of(callSid, smsSid, wamid), entries.stream().map(e -> e.path("providerMessageId").asText()).toList());
        assertEquals("completed", entries.get(0).path("status").asText(), "the call with its status");
        assertNotNull(entries.get(0).get("statusAt"));
        assertTrue(page.path("next").isNull(), "one page holds them all");

        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode next = ok(get("/v1/customers/" + phoneCustomer + "/timeline?limit=1"
                    + (cursor == null ? "" : "&before=" + encode(cursor))), 200);
            assertTrue(next.path("entries").size() <= 1);
            next.path("entries").forEach(entry -> walked.add(entry.path("id").asText()));
            cursor = next.path("next").isNull() ? null : next.path("next").asText();
            assertTrue(++pages <= 4, "three entries take at most four pages of one");
        } while (cursor != null);
        assertEquals(entries.stream().map(e -> e.path("id").asText()).toList(), walked);

        String firstCursor = ok(get("/v1/customers/" + phoneCustomer + "/timeline?limit=1"), 200).path("next").asText();
        problem(get("/v1/customers/" + emailCustomer + "/timeline?before=" + encode(firstCursor)), 400);
        assertEquals(List.of(smsSid), list(ok(get("/v1/customers/" + phoneCustomer + "/timeline?channel=sms"), 200)
                .path("entries")).stream().map(e -> e.path("providerMessageId").asText()).toList());
        assertEquals(List.of("email"), list(ok(get("/v1/customers/" + emailCustomer + "/timeline"), 200).path("entries"))
                .stream().map(e -> e.path("channel").asText()).toList());
    }

    // ------------------------------------------------------------------ lookup

    @Test
    void lookupByAFormattedNumberAndByItsIdentityKey_findTheSameCustomer_andAnUnknownOneIs404() {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550120", "Lee Lookup", "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(30), "Hello")).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550120").orElseThrow();

        JsonNode byPhone = ok(get("/v1/customers?phone=" + encode("+1 (415) 555-0120")), 200);
        JsonNode byIdentity = ok(get("/v1/customers?identity=" + encode("phone:+14155550120")), 200);
        JsonNode byId = ok(get("/v1/customers/" + customerId), 200);
        assertEquals(customerId, byPhone.path("id").asText());
        assertEquals(byPhone, byIdentity);
        assertEquals(byPhone, byId);
        assertEquals("Lee Lookup", byId.path("displayName").asText());
        assertEquals(List.of("phone:+14155550120"), list(byId.path("identities")).stream().map(JsonNode::asText).toList());
        assertEquals("/whatsapp/" + WhatsAppWebhooks.PHONE_NUMBER_ID, byId.path("source").asText());

        problem(get("/v1/customers?phone=" + encode("+1 (415) 555-0199")), 404);
        problem(get("/v1/customers?email=nobody%40example.com"), 404);
        problem(get("/v1/customers/" + UUID.randomUUID()), 404);
    }

    // ------------------------------------------------------------------ link

    @Test
    void givenALinkedEmail_thenAnEmailFromItLandsOnThePhoneCustomer_andLinkingAnotherCustomersIdentityIs409() {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550130", "Ann Example", "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(60), "Hi from WhatsApp")).statusCode());
        String phoneCustomer = cloud.customerIdOf("phone:+14155550130").orElseThrow();

        JsonNode linked = ok(post("/v1/customers/" + phoneCustomer + "/identities", "{\"identity\":\"email:Ann@Example.com\"}"), 201);
        assertEquals(List.of("phone:+14155550130", "email:ann@example.com"),
                list(linked.path("identities")).stream().map(JsonNode::asText).toList());
        ok(post("/v1/customers/" + phoneCustomer + "/identities", "{\"identity\":\"email:ann@example.com\"}"), 200);
        ok(post("/v1/customers/" + phoneCustomer + "/identities", "{\"identity\":\"external:zendesk:90210\"}"), 201);

        String messageId = "api-link-" + UUID.randomUUID() + "@example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime("ann@example.com", "Ann Example", messageId, Instant.now(),
                "Following up", "Same person, by email.", null, List.of())).statusCode());
        assertEquals(phoneCustomer, cloud.customerIdOf("email:ann@example.com").orElseThrow());
        List<JsonNode> timeline = list(ok(get("/v1/customers/" + phoneCustomer + "/timeline"), 200).path("entries"));
        assertEquals(List.of("email", "whatsapp"), timeline.stream().map(e -> e.path("channel").asText()).toList());

        assertEquals(200, cloud.postMime(EmailWebhooks.mime("bob@example.com", "Bob", "api-bob-" + UUID.randomUUID() + "@example.com",
                Instant.now(), "Hello", "I am Bob.", null, List.of())).statusCode());
        String bob = cloud.customerIdOf("email:bob@example.com").orElseThrow();
        long stored = cloud.storedItems();
        JsonNode conflict = problem(post("/v1/customers/" + phoneCustomer + "/identities", "{\"identity\":\"email:bob@example.com\"}"), 409);
        assertEquals(bob, conflict.path("owner").asText());
        assertTrue(conflict.path("detail").asText().contains(bob));
        assertEquals(stored, cloud.storedItems());
        assertEquals(bob, cloud.customerIdOf("email:bob@example.com").orElseThrow());
    }

    // ------------------------------------------------------------------ send

    @Test
    void givenTheSameIdempotencyKeyTwice_thenBoth202WithOneCommandIdAndOneSend() {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550140", "Sam Send", "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(60), "Where is my parcel?")).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550140").orElseThrow();
        String key = "api-send-" + UUID.randomUUID();
        String body = "{\"channel\":\"whatsapp\",\"text\":\"It ships today.\"}";

        JsonNode first = ok(post("/v1/customers/" + customerId + "/messages", body, Map.of("Idempotency-Key", key)), 202);
        JsonNode second = ok(post("/v1/customers/" + customerId + "/messages", body, Map.of("Idempotency-Key", key)), 202);
        assertEquals(key, first.path("commandId").asText());
        assertEquals(first, second);

        cloud.awaitEvents(customerId, events -> events.stream().anyMatch(event ->
                "switchboard.message.sent".equals(event.path("type").asText())
                        && key.equals(event.at("/data/entry/details/commandId").asText())));
        awaitEmptyCommandsQueue();
        cloud.drainQueue();
        assertEquals(1, cloud.local().standIns().standIn("whatsapp").requests().stream()
                .filter(request -> request.body().contains("14155550140")).count());
        assertEquals(1, cloud.eventsFor(customerId).stream()
                .filter(event -> "switchboard.message.sent".equals(event.path("type").asText())).count());

        JsonNode outbound = list(ok(get("/v1/customers/" + customerId + "/timeline"), 200).path("entries")).get(0);
        assertEquals("outbound", outbound.path("direction").asText());
        assertEquals(key, outbound.at("/details/commandId").asText());
        assertFalse(outbound.path("status").asText().isEmpty(), "the reply with its status");

        String generated = ok(post("/v1/customers/" + customerId + "/messages", "{\"text\":\"And a second one.\"}"), 202)
                .path("commandId").asText();
        assertEquals(generated, UUID.fromString(generated).toString(), "a UUID when no Idempotency-Key is given");
        cloud.awaitEvents(customerId, events -> events.stream().anyMatch(event ->
                generated.equals(event.at("/data/entry/details/commandId").asText())));
        awaitEmptyCommandsQueue();
        problem(post("/v1/customers/" + UUID.randomUUID() + "/messages", body), 404);
    }

    @Test
    void givenAKeyReusedWithAnotherBodyOrForAnotherCustomer_then422NothingQueued_andTheFirstRequestReplays202AndIsSentOnce() {
        String annId = whatsAppCustomer("14155550190", "Ann Reuse");
        String bobId = whatsAppCustomer("14155550191", "Bob Reuse");
        String key = "api-reuse-" + UUID.randomUUID();
        String body = "{\"channel\":\"whatsapp\",\"text\":\"Your refund is on its way.\"}";

        JsonNode first = ok(post("/v1/customers/" + annId + "/messages", body, Map.of("Idempotency-Key", key)), 202);
        JsonNode otherBody = problem(post("/v1/customers/" + annId + "/messages",
                "{\"channel\":\"whatsapp\",\"text\":\"Your refund was refused.\"}", Map.of("Idempotency-Key", key)), 422);
        JsonNode otherCustomer = problem(post("/v1/customers/" + bobId + "/messages", body, Map.of("Idempotency-Key", key)), 422);
        JsonNode replayed = ok(post("/v1/customers/" + annId + "/messages", body, Map.of("Idempotency-Key", key)), 202);

        assertEquals("urn:switchboard:problem:idempotency-key-reused", otherBody.path("type").asText());
        assertEquals("urn:switchboard:problem:idempotency-key-reused", otherCustomer.path("type").asText());
        assertEquals(first, replayed);
        cloud.awaitEvents(annId, events -> events.stream().anyMatch(event ->
                key.equals(event.at("/data/entry/details/commandId").asText())));
        awaitEmptyCommandsQueue();
        cloud.drainQueue();
        List<String> sentTexts = cloud.local().standIns().standIn("whatsapp").requests().stream()
                .map(request -> request.body())
                .filter(request -> request.contains("14155550190") || request.contains("14155550191")).toList();
        assertEquals(1, sentTexts.size(), sentTexts.toString());
        assertTrue(sentTexts.get(0).contains("14155550190") && sentTexts.get(0).contains("on its way"));
        assertTrue(cloud.eventsFor(bobId).stream().noneMatch(event -> event.path("type").asText().startsWith("switchboard.message.sent")
                || event.path("type").asText().equals("switchboard.command.rejected")), "nothing queued for Bob");
    }

    @Test
    void givenTextOverTheLatestInboundChannelsLimit_then400TextTooLongBeforeTheQueue_andEmojiCountAsOneCharacter() {
        String customerId = whatsAppCustomer("14155550192", "Tess Long");
        long stored = cloud.storedItems();

        JsonNode tooLong = problem(post("/v1/customers/" + customerId + "/messages",
                "{\"text\":\"" + "x".repeat(4097) + "\"}"), 400);
        JsonNode namedTooLong = problem(post("/v1/customers/" + customerId + "/messages",
                "{\"channel\":\"whatsapp\",\"text\":\"" + "\uD83D\uDE00".repeat(4097) + "\"}"), 400);

        assertEquals("text_too_long", tooLong.path("code").asText());
        assertEquals("text_too_long", namedTooLong.path("code").asText());
        assertTrue(namedTooLong.path("detail").asText().contains("4097 characters"), namedTooLong.toString());
        assertEquals(stored, cloud.storedItems());
        assertEquals(0, commandsInQueue());

        // WhatsApp takes 4096 characters; 4096 emoji are 8192 UTF-16 units but 4096 characters.
        String commandId = ok(post("/v1/customers/" + customerId + "/messages",
                "{\"text\":\"" + "\uD83D\uDE00".repeat(4096) + "\"}"), 202).path("commandId").asText();
        List<JsonNode> events = cloud.awaitEvents(customerId, list -> list.stream().anyMatch(event ->
                commandId.equals(event.at("/data/entry/details/commandId").asText())));
        JsonNode sent = events.stream().filter(event -> commandId.equals(event.at("/data/entry/details/commandId").asText()))
                .findFirst().orElseThrow();
        assertEquals("switchboard.message.sent", sent.path("type").asText());
        assertFalse("failed".equals(sent.at("/data/entry/status").asText()), sent.toString());
        awaitEmptyCommandsQueue();
    }

    /** A new WhatsApp customer who wrote a minute ago; its id. */
    private static String whatsAppCustomer(String waId, String name) {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, name, "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(60), "Hello")).statusCode());
        return cloud.customerIdOf("phone:+" + waId).orElseThrow();
    }

    @Test
    void givenJunkIdentityKeys_whenLinked_then400AndNothingStored() {
        String customerId = whatsAppCustomer("14155550193", "Jun Key");
        long stored = cloud.storedItems();
        String identities = "/v1/customers/" + customerId + "/identities";

        for (String key : List.of("bogus:1", "client:ann\\u0000x", "client:ann\\ud800x", "client:ann\uFFFDx",
                "client:ann\\u0085x", "messenger:only-a-page")) {
            problem(post(identities, "{\"identity\":\"" + key + "\"}"), 400);
        }
        // Undecodable UTF-8 (a lone continuation byte) would be read as U+FFFD: refused, not stored as it.
        byte[] prefix = "{\"identity\":\"client:ann".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "x\"}".getBytes(StandardCharsets.UTF_8);
        byte[] invalid = new byte[prefix.length + 1 + suffix.length];
        System.arraycopy(prefix, 0, invalid, 0, prefix.length);
        invalid[prefix.length] = (byte) 0x80;
        System.arraycopy(suffix, 0, invalid, prefix.length + 1, suffix.length);
        problem(send(builder(identities).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(invalid)).build()), 400);

        assertEquals(stored, cloud.storedItems());
        assertEquals(1, ok(get("/v1/customers/" + customerId), 200).path("identities").size());
        ok(post(identities, "{\"identity\":\"sms-sender:GB:MyShop\"}"), 201);
    }

    // ------------------------------------------------------------------ merge

    @Test
    void mergingTheEmailCustomerIntoThePhoneCustomer_joinsTheirTimelines_resolvesTheMergedId_andIsAnnouncedOnce() {
        String wamid = "wamid.api-merge-" + UUID.randomUUID();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550170", "Mia Merge", wamid,
                Instant.now().minusSeconds(300), "Hello on WhatsApp")).statusCode());
        String emailId = "api-merge-" + UUID.randomUUID() + "@example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime("mia@merge.example.com", "Mia Merge", emailId,
                Instant.now().minusSeconds(200), "Order", "Hello by email", null, List.of())).statusCode());
        String laterWamid = "wamid.api-merge-" + UUID.randomUUID();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550170", "Mia Merge", laterWamid,
                Instant.now().minusSeconds(100), "Any news?")).statusCode());
        String phoneCustomer = cloud.customerIdOf("phone:+14155550170").orElseThrow();
        String emailCustomer = cloud.customerIdOf("email:mia@merge.example.com").orElseThrow();
        assertFalse(phoneCustomer.equals(emailCustomer));

        JsonNode survivor = ok(post("/v1/customers/" + phoneCustomer + "/merge", "{\"from\":\"" + emailCustomer + "\"}"), 200);
        assertEquals(phoneCustomer, survivor.path("id").asText());
        assertEquals(List.of(emailCustomer), texts(survivor.path("merged")));
        assertEquals(List.of("phone:+14155550170", "email:mia@merge.example.com"), texts(survivor.path("identities")));
        assertEquals(phoneCustomer, cloud.customerIdOf("email:mia@merge.example.com").orElseThrow(), "the identity repointed");

        // Both histories, in time order, newest first; the same from the merged id.
        assertEquals(List.of(laterWamid, emailId, wamid), providerIds(timeline(phoneCustomer, 50)));
        assertEquals(List.of(laterWamid, emailId, wamid), providerIds(timeline(emailCustomer, 1)));
        JsonNode resolved = ok(get("/v1/customers/" + emailCustomer), 200);
        assertEquals(survivor, resolved);

        // A later email from the merged customer's address lands on the survivor, announced with it as subject.
        String laterEmail = "api-merge-later-" + UUID.randomUUID() + "@example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime("mia@merge.example.com", "Mia Merge", laterEmail,
                Instant.now(), "Again", "Still waiting", null, List.of())).statusCode());
        assertEquals(laterEmail, providerIds(timeline(phoneCustomer, 50)).get(0));
        assertTrue(cloud.entries(phoneCustomer).stream().anyMatch(item -> laterEmail.equals(item.get("providerMessageId").s())),
                "in the survivor's own partition");
        cloud.awaitEvents(phoneCustomer, events -> events.stream().anyMatch(event ->
                laterEmail.equals(event.at("/data/entry/providerMessageId").asText())));

        // Announced once; the same merge again is 200, writes nothing and announces nothing.
        List<JsonNode> merges = cloud.awaitEvents(phoneCustomer, events -> events.stream()
                .anyMatch(event -> "switchboard.customer.merged".equals(event.path("type").asText()))).stream()
                .filter(event -> "switchboard.customer.merged".equals(event.path("type").asText())).toList();
        assertEquals(emailCustomer, merges.get(0).at("/data/merged").asText());
        assertEquals(phoneCustomer, merges.get(0).at("/data/survivor/id").asText());
        assertEquals("/api", merges.get(0).path("source").asText());
        var survivorRecord = cloud.customerRecord(phoneCustomer);
        var mergedRecord = cloud.customerRecord(emailCustomer);
        assertEquals(survivor.path("identities"), ok(post("/v1/customers/" + phoneCustomer + "/merge",
                "{\"from\":\"" + emailCustomer.toUpperCase() + "\"}"), 200).path("identities"));
        assertEquals(survivorRecord, cloud.customerRecord(phoneCustomer));
        assertEquals(mergedRecord, cloud.customerRecord(emailCustomer));
        cloud.drainQueue();
        assertEquals(1, cloud.eventsFor(phoneCustomer).stream()
                .filter(event -> "switchboard.customer.merged".equals(event.path("type").asText())).count());

        // Refusals: into itself, into a customer merged away, a customer merged elsewhere, unknown ids, bad bodies.
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550171", "Third", "wamid.api-" + UUID.randomUUID(),
                Instant.now(), "Hi")).statusCode());
        String third = cloud.customerIdOf("phone:+14155550171").orElseThrow();
        long stored = cloud.storedItems();
        problem(post("/v1/customers/" + phoneCustomer + "/merge", "{\"from\":\"" + phoneCustomer + "\"}"), 409);
        JsonNode intoMerged = problem(post("/v1/customers/" + emailCustomer + "/merge", "{\"from\":\"" + third + "\"}"), 409);
        assertEquals(phoneCustomer, intoMerged.path("mergedInto").asText());
        assertTrue(intoMerged.path("detail").asText().contains(phoneCustomer));
        assertEquals(phoneCustomer, problem(post("/v1/customers/" + third + "/merge",
                "{\"from\":\"" + emailCustomer + "\"}"), 409).path("mergedInto").asText());
        problem(post("/v1/customers/" + third + "/merge", "{\"from\":\"" + UUID.randomUUID() + "\"}"), 404);
        problem(post("/v1/customers/" + UUID.randomUUID() + "/merge", "{\"from\":\"" + third + "\"}"), 404);
        for (String body : List.of("{", "[]", "{}", "{\"from\":42}", "{\"from\":\"not-a-uuid\"}")) {
            problem(post("/v1/customers/" + third + "/merge", body), 400);
        }
        assertEquals(stored, cloud.storedItems());
        assertEquals(third, ok(get("/v1/customers/" + third), 200).path("id").asText());
        assertTrue(ok(get("/v1/customers/" + third), 200).path("merged").isMissingNode());
    }

    @Test
    void aStatusForAReplyStoredBeforeTheMerge_movesThatEntry_andLeavesNoPlaceholderOnTheSurvivor() {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550185", "Stu Status", "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(120), "Hello")).statusCode());
        String replied = cloud.customerIdOf("phone:+14155550185").orElseThrow();
        String key = "api-merge-status-" + UUID.randomUUID();
        ok(post("/v1/customers/" + replied + "/messages", "{\"channel\":\"whatsapp\",\"text\":\"On its way.\"}",
                Map.of("Idempotency-Key", key)), 202);
        String wamid = cloud.awaitEvents(replied, events -> events.stream().anyMatch(event ->
                        key.equals(event.at("/data/entry/details/commandId").asText()))).stream()
                .filter(event -> key.equals(event.at("/data/entry/details/commandId").asText())).findFirst().orElseThrow()
                .at("/data/entry/providerMessageId").asText();
        String survivor = customerByEmail("stu-" + UUID.randomUUID() + "@example.com", 60);
        ok(post("/v1/customers/" + survivor + "/merge", "{\"from\":\"" + replied + "\"}"), 200);

        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.status("14155550185", wamid, Instant.now(), "read")).statusCode());
        List<JsonNode> reply = timeline(survivor, 50).stream()
                .filter(entry -> wamid.equals(entry.path("providerMessageId").asText())).toList();
        assertEquals(1, reply.size());
        assertEquals("read", reply.get(0).path("status").asText());
        assertFalse(reply.get(0).path("placeholder").asBoolean());
        assertTrue(cloud.entries(survivor).stream().noneMatch(item -> wamid.equals(item.get("providerMessageId").s())),
                "no placeholder in the survivor's own partition");
        awaitEmptyCommandsQueue();
    }

    @Test
    void aCustomerWithMoreIdentitiesThanOneTransactionMoves_isRefused409_andNothingChanges() {
        String many = customerByEmail("many-" + UUID.randomUUID() + "@example.com", 60);
        String survivor = customerByEmail("few-" + UUID.randomUUID() + "@example.com", 30);
        // 99 identities: with the two customer records, 101 items, one more than a DynamoDB transaction takes.
        for (int i = 0; i < 98; i++) {
            ok(post("/v1/customers/" + many + "/identities", "{\"identity\":\"external:bulk:" + many + "-" + i + "\"}"), 201);
        }
        var before = cloud.customerRecord(many);
        JsonNode refused = problem(post("/v1/customers/" + survivor + "/merge", "{\"from\":\"" + many + "\"}"), 409);
        assertTrue(refused.path("detail").asText().startsWith("too many identities to merge in one step"), refused.toString());
        assertEquals(before, cloud.customerRecord(many));
        assertEquals(many, cloud.customerIdOf("external:bulk:" + many + "-0").orElseThrow());
        assertTrue(ok(get("/v1/customers/" + survivor), 200).path("merged").isMissingNode());
    }

    @Test
    void aChainAIntoBThenBIntoC_resolvesAToC_andCsTimelineHasAsEntries() {
        String a = customerByEmail("chain-a-" + UUID.randomUUID() + "@example.com", 300);
        String b = customerByEmail("chain-b-" + UUID.randomUUID() + "@example.com", 200);
        String c = customerByEmail("chain-c-" + UUID.randomUUID() + "@example.com", 100);

        ok(post("/v1/customers/" + b + "/merge", "{\"from\":\"" + a + "\"}"), 200);
        JsonNode survivor = ok(post("/v1/customers/" + c + "/merge", "{\"from\":\"" + b + "\"}"), 200);
        assertEquals(List.of(b, a), texts(survivor.path("merged")));
        assertEquals(3, survivor.path("identities").size());

        assertEquals(c, ok(get("/v1/customers/" + a), 200).path("id").asText());
        assertEquals(c, cloud.customerRecord(a).get("mergedInto").s(), "A points at C itself: chains stay one hop");
        assertEquals(c, ok(get("/v1/customers/" + b), 200).path("id").asText());
        List<JsonNode> entries = timeline(c, 1);
        assertEquals(3, entries.size());
        assertTrue(entries.get(2).path("providerMessageId").asText().startsWith("chain-a-"), "A's entry, the oldest, last");
        assertEquals(c, problem(post("/v1/customers/" + a + "/merge", "{\"from\":\"" + c + "\"}"), 409)
                .path("mergedInto").asText(), "A went, through B, to C");
        cloud.awaitEvents(c, events -> events.stream().anyMatch(event -> b.equals(event.at("/data/merged").asText())));
    }

    @Test
    void twentyWebhooksForBothCustomersRacingTheMerge_allEndUpOnTheSurvivorsTimelineOnce() throws Exception {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550180", "Rae Race", "wamid.api-race-first-" + UUID.randomUUID(),
                Instant.now().minusSeconds(600), "First on WhatsApp")).statusCode());
        String raceEmail = "rae-" + UUID.randomUUID() + "@race.example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(raceEmail, "Rae Race", "api-race-first-" + UUID.randomUUID() + "@example.com",
                Instant.now().minusSeconds(590), "First", "First by email", null, List.of())).statusCode());
        String phoneCustomer = cloud.customerIdOf("phone:+14155550180").orElseThrow();
        String emailCustomer = cloud.customerIdOf("email:" + raceEmail).orElseThrow();

        List<String> sent = new ArrayList<>();
        List<Callable<Integer>> webhooks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Instant at = Instant.now().minusSeconds(500 - i * 10L);
            if (i % 2 == 0) {
                String wamid = "wamid.api-race-" + i + "-" + UUID.randomUUID();
                sent.add(wamid);
                webhooks.add(() -> cloud.postWhatsApp(WhatsAppWebhooks.text("14155550180", "Rae Race", wamid, at, "Race")).statusCode());
            } else {
                String messageId = "api-race-" + i + "-" + UUID.randomUUID() + "@example.com";
                sent.add(messageId);
                webhooks.add(() -> cloud.postMime(EmailWebhooks.mime(raceEmail, "Rae Race", messageId, at, "Race", "Race",
                        null, List.of())).statusCode());
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < webhooks.size(); i++) {
                answers.add(threads.submit(webhooks.get(i)));
                if (i == 7) {
                    answers.add(threads.submit(() -> post("/v1/customers/" + phoneCustomer + "/merge",
                            "{\"from\":\"" + emailCustomer + "\"}").statusCode()));
                }
            }
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get(PipelineCloud.DEADLINE.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }

        List<String> walked = providerIds(timeline(phoneCustomer, 5));
        assertEquals(22, walked.size(), "the two first messages and the twenty racing ones: " + walked);
        assertEquals(22, Set.copyOf(walked).size(), "none doubled");
        assertTrue(walked.containsAll(sent), "none lost");
        assertEquals(walked, providerIds(timeline(emailCustomer, 50)));
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void withoutATokenOrWithAWrongOne_401AndNothingReadOrWritten() {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550150", "Una Auth", "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(60), "Hello")).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550150").orElseThrow();
        long stored = cloud.storedItems();
        int sends = cloud.local().standIns().standIn("whatsapp").requests().size();

        for (Map<String, String> credentials : List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer wrong-token"),
                Map.of("Authorization", "Basic " + TOKEN), Map.of("Authorization", "Bearer " + TOKEN + "-and-more"))) {
            for (HttpRequest.Builder request : List.of(
                    builder("/v1/customers/" + customerId).GET(),
                    builder("/v1/customers?phone=%2B14155550150").GET(),
                    builder("/v1/customers/" + customerId + "/timeline").GET(),
                    builder("/v1/openapi.yaml").GET(),
                    builder("/v1/customers/" + customerId + "/identities").header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"identity\":\"email:una@example.com\"}")),
                    builder("/v1/customers/" + customerId + "/messages").header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"Unauthorized\"}")))) {
                credentials.forEach(request::header);
                HttpResponse<String> response = send(request.build());
                problem(response, 401);
                assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            }
        }
        assertEquals(stored, cloud.storedItems());
        assertTrue(cloud.customerIdOf("email:una@example.com").isEmpty());
        assertEquals(0, commandsInQueue());
        assertEquals(sends, cloud.local().standIns().standIn("whatsapp").requests().size());
    }

    @Test
    void malformedIdsCursorsParametersAndBodies_are400ProblemsNever5xx() {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550160", "Mal Formed", "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(60), "Hello")).statusCode());
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550160", "Mal Formed", "wamid.api-" + UUID.randomUUID(),
                Instant.now().minusSeconds(30), "Hello again")).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550160").orElseThrow();
        String cursor = ok(get("/v1/customers/" + customerId + "/timeline?limit=1"), 200).path("next").asText("");
        String timeline = "/v1/customers/" + customerId + "/timeline";
        long stored = cloud.storedItems();

        List<HttpResponse<String>> refused = new ArrayList<>(List.of(
                get("/v1/customers/not-a-uuid"),
                get("/v1/customers/" + "9".repeat(2000)),
                get("/v1/customers/" + encode("'; DROP TABLE customers; --")),
                get("/v1/customers"),
                get("/v1/customers?phone=12&email=a%40example.com"),
                get("/v1/customers?phone=not-a-number"),
                get("/v1/customers?identity=no-type-here"),
                get("/v1/customers?identity=" + encode("external:only-a-system")),
                get(timeline + "?limit=0"),
                get(timeline + "?limit=201"),
                get(timeline + "?limit=ten"),
                get(timeline + "?limit=" + encode("\uFF12")),
                get(timeline + "?limit=" + encode(" 5 ")),
                get(timeline + "?limit=" + encode("+5")),
                get(timeline + "?channel=pigeon"),
                get(timeline + "?before=not-a-cursor"),
                get(timeline + "?before=" + encode("%%%.%%%")),
                get(timeline + "?before=" + "A".repeat(5000)),
                get(timeline + "?before=" + encode(tamper(cursor))),
                get("/v1/customers/not-a-uuid/timeline"),
                post("/v1/customers/" + customerId + "/identities", "{"),
                post("/v1/customers/" + customerId + "/identities", "[\"email:x@example.com\"]"),
                post("/v1/customers/" + customerId + "/identities", "{\"identity\":42}"),
                post("/v1/customers/" + customerId + "/identities", "{\"identity\":\"email:\"}"),
                post("/v1/customers/" + customerId + "/identities", "{\"identity\":\"phone:+1\"}"),
                post("/v1/customers/" + customerId + "/messages", "not json"),
                post("/v1/customers/" + customerId + "/messages", "{}"),
                post("/v1/customers/" + customerId + "/messages", "{\"channel\":\"pigeon\",\"text\":\"hi\"}"),
                post("/v1/customers/" + customerId + "/messages", "{\"customerId\":\"" + UUID.randomUUID() + "\",\"text\":\"hi\"}"),
                post("/v1/customers/" + customerId + "/messages", "{\"text\":\"hi\",\"attachments\":[{\"url\":\"ftp://x\"}]}"),
                post("/v1/customers/" + customerId + "/messages", "{\"text\":\"hi\"}", Map.of("Idempotency-Key", "x".repeat(129))),
                post("/v1/customers/" + customerId + "/messages", "{\"text\":\"hi\"}", Map.of("Idempotency-Key", "two words"))));
        for (HttpResponse<String> response : refused) {
            problem(response, 400);
        }
        problem(post("/v1/customers/" + customerId + "/messages", "{\"text\":\"" + "x".repeat(70_000) + "\"}"), 413);
        assertEquals(stored, cloud.storedItems());
        assertEquals(0, commandsInQueue());
    }

    // ------------------------------------------------------------------ the contract

    @Test
    void everyV1RouteOfTheTemplateIsDocumented_everyDocumentedRouteIsServed_andTheDocumentIsServed() throws IOException {
        TemplateModel template = TemplateModel.load(Repository.root().resolve("template.yaml"));
        Set<String> served = new TreeSet<>();
        template.functions().forEach(function -> function.httpRoutes().stream()
                .filter(route -> route.path().startsWith("/v1/")).forEach(route -> served.add(route.routeKey())));
        assertEquals(CONTRACT.routeKeys(), served);
        assertTrue(template.function("ApiFunction").httpRoutes().stream().allMatch(route -> route.path().startsWith("/v1/")));

        HttpResponse<String> document = get("/v1/openapi.yaml");
        assertEquals(200, document.statusCode());
        assertTrue(document.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        assertEquals(Files.readString(Repository.root().resolve("docs/api/openapi.yaml")), document.body());
    }

    // ------------------------------------------------------------------ helpers

    /** The whole timeline, newest first, walked with pages of {@code limit}. */
    private static List<JsonNode> timeline(String customerId, int limit) {
        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok(get("/v1/customers/" + customerId + "/timeline?limit=" + limit
                    + (cursor == null ? "" : "&before=" + encode(cursor))), 200);
            assertTrue(page.path("entries").size() <= limit);
            page.path("entries").forEach(entries::add);
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
            assertTrue(++pages <= 200, "the timeline walk ends");
        } while (cursor != null);
        return entries;
    }

    private static List<String> providerIds(List<JsonNode> entries) {
        return entries.stream().map(entry -> entry.path("providerMessageId").asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return list(array).stream().map(JsonNode::asText).toList();
    }

    /** A new customer with one email, {@code secondsAgo}; its id. */
    private static String customerByEmail(String address, int secondsAgo) {
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(address, "Chain", address.replace("@", "-msg@"),
                Instant.now().minusSeconds(secondsAgo), "Hello", "Hello", null, List.of())).statusCode());
        return cloud.customerIdOf("email:" + address).orElseThrow();
    }

    private static HttpRequest.Builder builder(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(cloud.baseUrl() + pathAndQuery)).timeout(PipelineCloud.DEADLINE);
    }

    private static HttpResponse<String> get(String pathAndQuery) {
        return send(builder(pathAndQuery).header("Authorization", "Bearer " + TOKEN).GET().build());
    }

    private static HttpResponse<String> post(String path, String body) {
        return post(path, body, Map.of());
    }

    private static HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = builder(path).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** Sends, and checks any JSON answer against the OpenAPI document. */
    private static HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("gateway unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertTrue(response.statusCode() < 500, request.method() + " " + request.uri() + " -> " + response.statusCode()
                + " " + response.body());
        CONTRACT.assertConforms(request.method(), request.uri().getRawPath(), response);
        return response;
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return json(response.body());
    }

    private static JsonNode problem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.uri() + " " + response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""), response.body());
        JsonNode problem = json(response.body());
        assertEquals(status, problem.path("status").asInt());
        assertTrue(problem.path("type").asText().startsWith("urn:switchboard:problem:"), problem.toString());
        return problem;
    }

    private static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The same cursor with one character of its position changed: its signature no longer matches. */
    private static String tamper(String cursor) {
        assertFalse(cursor.isEmpty(), "a one-entry page of a timeline with more has a cursor");
        char first = cursor.charAt(0);
        return (first == 'A' ? 'B' : 'A') + cursor.substring(1);
    }

    private static int commandsInQueue() {
        Map<QueueAttributeName, String> attributes = cloud.local().sqs().getQueueAttributes(request -> request
                .queueUrl(cloud.local().queueUrl("CommandsQueue")).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static void awaitEmptyCommandsQueue() {
        long deadline = System.nanoTime() + PipelineCloud.DEADLINE.toNanos();
        while (commandsInQueue() > 0) {
            assertTrue(System.nanoTime() < deadline, "the commands queue did not empty in time");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * docs/api/openapi.yaml as a test oracle: the routes it documents, and the schema of each documented answer
     * (an OpenAPI 3.1 schema is JSON Schema 2020-12, so the response's schema is validated with the document's own
     * components to resolve its references).
     */
    static final class OpenApiContract {

        private final JsonNode document;
        private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

        OpenApiContract(Path file) {
            try {
                Object yaml = new Yaml().load(Files.readString(file));
                this.document = Json.MAPPER.valueToTree(yaml);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }

        /** "GET /v1/customers/{id}"... for every documented operation. */
        Set<String> routeKeys() {
            Set<String> keys = new TreeSet<>();
            document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
                if (List.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                    keys.add(method.toUpperCase() + " " + path.getKey());
                }
            }));
            return keys;
        }

        /** A JSON answer of a documented route is documented for its status and content type, and valid. */
        void assertConforms(String method, String rawPath, HttpResponse<String> response) {
            String contentType = response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
            if (!contentType.endsWith("json")) {
                return;
            }
            JsonNode operation = operation(method, rawPath);
            assertNotNull(operation, method + " " + rawPath + " is not in the OpenAPI document");
            JsonNode answer = resolve(operation.path("responses").path(Integer.toString(response.statusCode())));
            assertFalse(answer.isMissingNode(), method + " " + rawPath + ": status " + response.statusCode() + " is not documented");
            JsonNode schema = answer.path("content").path(contentType).path("schema");
            assertFalse(schema.isMissingNode(), method + " " + rawPath + " " + response.statusCode() + ": " + contentType
                    + " is not documented");
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("$ref", schema.path("$ref").asText());
            root.put("components", document.path("components"));
            assertTrue(schema.has("$ref"), "response schemas are named components");
            Set<ValidationMessage> problems = schemas.getSchema(Json.MAPPER.valueToTree(root), config)
                    .validate(json(response.body()));
            assertTrue(problems.isEmpty(), method + " " + rawPath + " " + response.statusCode() + " violates "
                    + schema.path("$ref").asText() + ": " + problems + "\n" + response.body());
        }

        private JsonNode operation(String method, String rawPath) {
            String[] actual = rawPath.split("/", -1);
            for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                String[] template = path.getKey().split("/", -1);
                boolean matches = template.length == actual.length;
                for (int i = 0; matches && i < template.length; i++) {
                    matches = template[i].startsWith("{") ? !actual[i].isEmpty() : template[i].equals(actual[i]);
                }
                if (matches) {
                    return path.getValue().get(method.toLowerCase());
                }
            }
            return null;
        }

        private JsonNode resolve(JsonNode node) {
            String ref = node.path("$ref").asText("");
            return ref.startsWith("#/") ? document.at(ref.substring(1)) : node;
        }
    }
}
