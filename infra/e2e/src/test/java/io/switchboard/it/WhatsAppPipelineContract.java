package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.store.LogItems;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The WhatsApp pipeline end to end, as a provider and a helpdesk see it: signed webhooks over HTTP in,
 * DynamoDB written, CloudEvents read off SQS. Runs on the embedded cloud, and on LocalStack where Docker is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WhatsAppPipelineContract {

    private static final AtomicInteger NEXT_NUMBER = new AtomicInteger((int) (System.nanoTime() % 5000));
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    protected PipelineCloud cloud;

    protected abstract PipelineCloud startCloud();

    @BeforeAll
    void start() {
        cloud = startCloud();
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    /** A phone number no other test uses, as WhatsApp sends it (digits, no '+'). */
    static String newWaId() {
        return "1415555" + String.format("%04d", NEXT_NUMBER.getAndIncrement() % 10000);
    }

    static String wamid(String waId, String suffix) {
        return "wamid.HBgL" + waId + "FQIAERgS" + suffix;
    }

    @Test
    void textMessageFromNewNumber_storesCustomerAndEntry_andAnnouncesCreatedOpenedReceived() {
        // given a number that never wrote before
        String waId = newWaId();
        String body = WhatsAppWebhooks.text(waId, "Ann Example", wamid(waId, "A1"), T0, "Is my order on its way?");

        // when Meta delivers the message
        HttpResponse<String> response = cloud.postWhatsApp(body);

        // then it is accepted, stored under one customer, and announced in order
        assertEquals(200, response.statusCode(), response.body());
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        Map<String, AttributeValue> customer = cloud.customerRecord(customerId);
        assertEquals("Ann Example", customer.get(LogItems.DISPLAY_NAME).s());
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
        assertEquals(1, entries.size());
        assertEquals("Is my order on its way?", entries.get(0).get(LogItems.TEXT).s());
        assertEquals("2026-11-22T10:00:00.000Z", entries.get(0).get(LogItems.OCCURRED_AT).s());

        List<JsonNode> events = cloud.awaitEventCount(customerId, 3);
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received"), types(events));
        JsonNode received = events.get(2);
        assertEquals(WhatsAppWebhooks.SOURCE, received.path("source").asText());
        assertEquals("2026-11-22T10:00:00.000Z", received.path("time").asText());
        assertEquals("Ann Example", received.at("/data/customer/displayName").asText());
        assertEquals("phone:+" + waId, received.at("/data/customer/identities/0").asText());
        assertEquals("Is my order on its way?", received.at("/data/entry/text").asText());
        assertEquals("inbound", received.at("/data/entry/direction").asText());
        assertEquals(received.at("/data/conversationId").asText(), events.get(1).at("/data/conversationId").asText());
    }

    @Test
    void sameWebhookDeliveredTwice_storesOneEntry_andAnnouncesOneMessage() {
        // given a message Meta delivers, then retries because it missed our 200
        String waId = newWaId();
        String body = WhatsAppWebhooks.text(waId, "Bo", wamid(waId, "B1"), T0, "hello");

        // when both deliveries arrive
        assertEquals(200, cloud.postWhatsApp(body).statusCode());
        assertEquals(200, cloud.postWhatsApp(body).statusCode());

        // then one entry and one message.received
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        assertEquals(1, cloud.entries(customerId).size());
        cloud.drainQueue();
        assertEquals(1, count(cloud.eventsFor(customerId), "switchboard.message.received"));
        assertEquals(3, cloud.eventsFor(customerId).size(), types(cloud.eventsFor(customerId)).toString());
    }

    @Test
    void sameWebhookDeliveredTenTimesConcurrently_storesOneEntry_andAnnouncesOneMessage() throws Exception {
        // given one message
        String waId = newWaId();
        String body = WhatsAppWebhooks.text(waId, "Cy", wamid(waId, "C1"), T0, "are you there?");

        // when ten deliveries of it race
        List<Integer> statuses = concurrently(10, i -> cloud.postWhatsApp(body).statusCode());

        // then all are answered 200, and there is one entry, one customer, one of each event
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200), statuses);
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        assertEquals(1, cloud.entries(customerId).size());
        cloud.drainQueue();
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received"), types(cloud.eventsFor(customerId)));
    }

    @Test
    void twentyConcurrentFirstMessagesFromOneNewNumber_createOneCustomer() throws Exception {
        // given a new number whose first twenty messages arrive at once
        String waId = newWaId();

        // when they are delivered concurrently
        List<Integer> statuses = concurrently(20, i -> cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Di",
                wamid(waId, "D" + i), T0.plusSeconds(i), "message " + i)).statusCode());

        // then one customer holds all twenty, and customer.created is announced once
        assertTrue(statuses.stream().allMatch(status -> status == 200), statuses.toString());
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        assertEquals(20, cloud.entries(customerId).size());
        List<JsonNode> events = cloud.awaitEvents(customerId,
                all -> count(all, "switchboard.message.received") >= 20);
        cloud.drainQueue();
        events = cloud.eventsFor(customerId);
        assertEquals(1, count(events, "switchboard.customer.created"));
        assertEquals("switchboard.customer.created", events.get(0).path("type").asText());
        assertEquals(20, count(events, "switchboard.message.received"));
        assertEquals(1, count(events, "switchboard.conversation.opened"));
        long customersWithThisNumber = cloud.allEvents().stream()
                .filter(event -> "switchboard.customer.created".equals(event.path("type").asText()))
                .filter(event -> event.at("/data/customer/identities/0").asText().equals("phone:+" + waId))
                .count();
        assertEquals(1, customersWithThisNumber);
    }

    @Test
    void metaBatchOfNewKnownAndRepeatedSenders_storesEachMessageOnce_underOneCustomerEach_andARetryAddsNothing() {
        // given a known sender, 60 new ones (more than one shared write), and a new one with two messages
        String known = newWaId();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(known, "Kim", wamid(known, "K0"), T0, "first")).statusCode());
        List<String> fresh = new java.util.ArrayList<>();
        List<String> webhooks = new java.util.ArrayList<>();
        webhooks.add(WhatsAppWebhooks.text(known, "Kim", wamid(known, "K1"), T0.plusSeconds(5), "again"));
        for (int i = 0; i < 60; i++) {
            String waId = newWaId();
            fresh.add(waId);
            webhooks.add(WhatsAppWebhooks.text(waId, "New " + i, wamid(waId, "N" + i), T0, "hello " + i));
        }
        String twice = newWaId();
        webhooks.add(WhatsAppWebhooks.text(twice, "Tia", wamid(twice, "T1"), T0, "one"));
        webhooks.add(WhatsAppWebhooks.text(twice, "Tia", wamid(twice, "T2"), T0.plusSeconds(1), "two"));
        String batch = WhatsAppWebhooks.batch(webhooks);

        // when Meta delivers the batch, then retries it
        assertEquals(200, cloud.postWhatsApp(batch).statusCode());
        assertEquals(200, cloud.postWhatsApp(batch).statusCode());

        // then every message is stored once, each sender under one customer, the known one under its customer
        String knownCustomer = cloud.customerIdOf("phone:+" + known).orElseThrow();
        assertEquals(List.of("first", "again"), cloud.entries(knownCustomer).stream().map(e -> e.get(LogItems.TEXT).s()).toList());
        List<String> customers = new java.util.ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            String customerId = cloud.customerIdOf("phone:+" + fresh.get(i)).orElseThrow();
            customers.add(customerId);
            assertEquals("New " + i, cloud.customerRecord(customerId).get(LogItems.DISPLAY_NAME).s());
            List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
            assertEquals(1, entries.size());
            assertEquals("hello " + i, entries.get(0).get(LogItems.TEXT).s());
            assertTrue(entries.get(0).get(LogItems.OPENS_CONVERSATION).bool());
        }
        assertDistinct(customers);
        String twiceCustomer = cloud.customerIdOf("phone:+" + twice).orElseThrow();
        assertEquals(List.of("one", "two"), cloud.entries(twiceCustomer).stream().map(e -> e.get(LogItems.TEXT).s()).toList());

        // and a new sender's events come in order, once
        List<JsonNode> events = cloud.awaitEventCount(customers.get(59), 3);
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received"), types(events));
    }

    @Test
    void reactionArrivingBeforeItsMessage_isKept_andPointsAtTheMessage() {
        // given a reaction whose message is still on the way
        String waId = newWaId();
        String messageId = wamid(waId, "R1");
        String reaction = WhatsAppWebhooks.reaction(waId, wamid(waId, "R2"), T0.plusSeconds(5), messageId, "\uD83D\uDC4D");
        String message = WhatsAppWebhooks.text(waId, "Eve", messageId, T0, "photo of the parcel");

        // when the reaction arrives first, then the message
        assertEquals(200, cloud.postWhatsApp(reaction).statusCode());
        assertEquals(200, cloud.postWhatsApp(message).statusCode());

        // then both are stored, in provider-time order, and the reaction names the message's entry
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
        assertEquals(List.of("message", "reaction"), entries.stream().map(e -> e.get(LogItems.KIND).s()).toList());
        assertEquals(messageId, entries.get(1).get(LogItems.REPLY_TO).s());
        List<JsonNode> events = cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 2);
        JsonNode reactionEvent = events.stream().filter(e -> "reaction".equals(e.at("/data/entry/kind").asText()))
                .findFirst().orElseThrow();
        assertEquals(entries.get(0).get(LogItems.ENTRY_ID).s(), reactionEvent.at("/data/entry/replyToEntryId").asText());
    }

    @Test
    void statusesOutOfOrder_neverMoveBackwards_andStatusBeforeMessageIsKept() {
        // given an outbound message this log never saw (sent by another system), whose statuses arrive out of order
        String waId = newWaId();
        String outbound = wamid(waId, "S1");

        // when delivered, then read, then a late delivered and a late sent arrive
        for (String status : List.of("delivered", "read", "delivered", "sent")) {
            assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.status(waId, outbound, T0.plusSeconds(1), status))
                    .statusCode());
        }

        // then the message exists once, outbound, and stays read
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
        assertEquals(1, entries.size());
        assertEquals("outbound", entries.get(0).get(LogItems.DIRECTION).s());
        assertEquals("read", entries.get(0).get(LogItems.STATUS).s());
        cloud.drainQueue();
        List<JsonNode> events = cloud.eventsFor(customerId);
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.sent", "switchboard.message.status", "switchboard.message.status"), types(events));
        assertEquals("delivered", events.get(3).at("/data/entry/status").asText());
        assertEquals("read", events.get(4).at("/data/entry/status").asText());
    }

    @Test
    void lateDeliveredAfterRead_onAKnownOutboundMessage_leavesItRead() {
        // given an outbound message known from a sent status
        String waId = newWaId();
        String outbound = wamid(waId, "L1");
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.status(waId, outbound, T0, "sent")).statusCode());

        // when read arrives before delivered
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.status(waId, outbound, T0.plusSeconds(9), "read")).statusCode());
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.status(waId, outbound, T0.plusSeconds(3), "delivered")).statusCode());

        // then it stays read
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        assertEquals("read", cloud.entries(customerId).get(0).get(LogItems.STATUS).s());
        cloud.drainQueue();
        assertEquals(List.of("sent", "read"), cloud.eventsFor(customerId).stream()
                .filter(e -> "switchboard.message.status".equals(e.path("type").asText()))
                .map(e -> e.at("/data/entry/status").asText()).toList());
    }

    @Test
    void messagesWithinIdleWindow_shareAConversation_andOneAfterItOpensANewOne() {
        // given a customer who writes, writes again an hour later, then again two days later
        String waId = newWaId();
        for (long hours : List.of(0L, 1L, 49L)) {
            assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Hal", wamid(waId, "I" + hours),
                    T0.plusSeconds(hours * 3600), "after " + hours + " h")).statusCode());
        }

        // then the first two share one conversation and the third opens another (24 h idle window)
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        List<String> conversations = cloud.entries(customerId).stream().map(e -> e.get(LogItems.CONVERSATION_ID).s()).toList();
        assertEquals(conversations.get(0), conversations.get(1));
        assertTrue(!conversations.get(1).equals(conversations.get(2)), conversations.toString());
        List<JsonNode> events = cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 3);
        assertEquals(2, count(events, "switchboard.conversation.opened"));
    }

    @Test
    void userChangedNumber_newNumberJoinsTheSameCustomer() {
        // given a customer known by one number
        String oldWaId = newWaId();
        String newWaId = newWaId();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(oldWaId, "Ivy", wamid(oldWaId, "N1"), T0, "hi")).statusCode());

        // when WhatsApp reports the move to a new number, and the customer writes from it
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.userChangedNumber(oldWaId, newWaId, wamid(oldWaId, "N2"),
                T0.plusSeconds(60))).statusCode());
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(newWaId, "Ivy", wamid(newWaId, "N3"),
                T0.plusSeconds(120), "new phone, same me")).statusCode());

        // then both numbers point to one customer with one timeline
        String customerId = cloud.customerIdOf("phone:+" + oldWaId).orElseThrow();
        assertEquals(customerId, cloud.customerIdOf("phone:+" + newWaId).orElseThrow());
        assertEquals(List.of("message", "system", "message"),
                cloud.entries(customerId).stream().map(e -> e.get(LogItems.KIND).s()).toList());
        assertEquals(List.of("phone:+" + oldWaId, "phone:+" + newWaId), cloud.customerRecord(customerId)
                .get(LogItems.IDENTITIES).l().stream().map(AttributeValue::s).toList());
    }

    @Test
    void refusedRequests_answer4xxWithAReason_storeNothing_andPublishNothing() {
        // given a sender and the state of the tables before
        String waId = newWaId();
        String valid = WhatsAppWebhooks.text(waId, "Mallory", wamid(waId, "F1"), T0, "hi");
        String reSerialised = valid.replace(",", ", ");
        String oversized = "{\"object\":\"whatsapp_business_account\",\"entry\":[],\"pad\":\""
                + "x".repeat(1024 * 1024) + "\"}";
        cloud.drainQueue();
        long storedBefore = cloud.storedItems();
        int eventsBefore = cloud.allEvents().size();

        // when forged, unsigned, re-serialised, malformed, wrongly shaped and oversized bodies arrive
        assertRefused(401, cloud.post("/webhooks/whatsapp", valid, sign(valid, "not-the-app-secret")));
        assertRefused(401, cloud.post("/webhooks/whatsapp", valid, null));
        assertRefused(401, cloud.post("/webhooks/whatsapp", reSerialised, sign(valid, PipelineCloud.APP_SECRET)));
        assertRefused(400, cloud.postWhatsApp("{\"object\": \"whatsapp_business_account\", \"entry\": [}"));
        assertRefused(400, cloud.postWhatsApp("{\"object\":\"page\",\"entry\":[]}"));
        assertRefused(400, cloud.postWhatsApp("[1,2,3]"));
        assertRefused(413, cloud.postWhatsApp(oversized));

        // then nothing is stored and nothing is published
        assertTrue(cloud.customerIdOf("phone:+" + waId).isEmpty());
        assertEquals(storedBefore, cloud.storedItems());
        cloud.drainQueue();
        assertEquals(eventsBefore, cloud.allEvents().size());
    }

    @Test
    void verifyHandshake_echoesChallengeForTheRightToken_andRefusesAWrongOne() {
        HttpResponse<String> accepted = cloud.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token="
                + PipelineCloud.VERIFY_TOKEN + "&hub.challenge=1158201444");
        HttpResponse<String> refused = cloud.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess"
                + "&hub.challenge=1158201444");

        assertEquals(200, accepted.statusCode());
        assertEquals("1158201444", accepted.body());
        assertEquals(403, refused.statusCode());
    }

    private static void assertRefused(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(!response.body().isBlank() && response.body().length() < 200, "a short reason: " + response.body());
    }

    private static String sign(String body, String secret) {
        return io.switchboard.meta.HubSignature.sign(body.getBytes(StandardCharsets.UTF_8), secret);
    }

    static long count(List<JsonNode> events, String type) {
        return events.stream().filter(event -> type.equals(event.path("type").asText())).count();
    }

    interface IndexedCall<T> {
        T call(int index) throws Exception;
    }

    static <T> List<T> concurrently(int n, IndexedCall<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    start.await();
                    return call.call(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertDistinct(List<String> ids) {
        assertEquals(ids.size(), new HashSet<>(ids).size(), "duplicates in " + ids);
    }
}
