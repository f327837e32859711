package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static io.switchboard.it.WhatsAppPipelineContract.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.meta.HubSignature;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Messenger and Instagram function end to end on the embedded cloud, as Meta and a helpdesk see it: signed
 * webhooks over HTTP to the routes template.yaml declares, DynamoDB written, CloudEvents read off SQS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedMessengerPipelineTest {

    private static final AtomicLong NEXT_USER = new AtomicLong(6234567890000000L + System.nanoTime() % 100_000);
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String MESSENGER = "/webhooks/messenger";
    private static final String INSTAGRAM = "/webhooks/instagram";

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

    /** A page-scoped id no other test uses. */
    private static String newUserId() {
        return Long.toString(NEXT_USER.getAndIncrement());
    }

    @Test
    void textThenEchoThenDeliveryAndRead_oneCustomerOneConversation_statusesAndEventsInOrder() {
        // given a person who never wrote to the page
        String psid = newUserId();
        String inboundMid = "m_in_" + psid;
        String replyMid = "m_echo_" + psid;

        // when they write, the page answers (echo), and Messenger reports delivery then read
        assertAccepted(postMessenger(MessengerWebhooks.page(T0.plusMillis(300),
                MessengerWebhooks.text(psid, MessengerWebhooks.PAGE_ID, inboundMid, T0, "Is my order on its way?"))));
        assertAccepted(postMessenger(MessengerWebhooks.page(T0.plusSeconds(61),
                MessengerWebhooks.echo(psid, replyMid, T0.plusSeconds(60), "It left our warehouse this morning."))));
        assertAccepted(postMessenger(MessengerWebhooks.page(T0.plusSeconds(62),
                MessengerWebhooks.delivery(psid, T0.plusSeconds(61), replyMid))));
        assertAccepted(postMessenger(MessengerWebhooks.page(T0.plusSeconds(121),
                MessengerWebhooks.read(psid, T0.plusSeconds(120), T0.plusSeconds(61)))));

        // then one customer (never the page) holds an inbound and a read outbound entry in one conversation
        String customerId = cloud.customerIdOf("messenger:" + MessengerWebhooks.PAGE_ID + ":" + psid).orElseThrow();
        assertTrue(cloud.customerIdOf("messenger:" + MessengerWebhooks.PAGE_ID + ":" + MessengerWebhooks.PAGE_ID).isEmpty(),
                "the page is never a customer");
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
        assertEquals(List.of("inbound", "outbound"), entries.stream().map(e -> e.get(LogItems.DIRECTION).s()).toList());
        assertEquals("Is my order on its way?", entries.get(0).get(LogItems.TEXT).s());
        assertEquals(replyMid, entries.get(1).get(LogItems.PROVIDER_MESSAGE_ID).s());
        assertEquals("read", entries.get(1).get(LogItems.STATUS).s());
        assertEquals(entries.get(0).get(LogItems.CONVERSATION_ID).s(), entries.get(1).get(LogItems.CONVERSATION_ID).s());

        // and the helpdesk sees created, opened, received, sent, delivered, read: in that order, once each
        cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.status") >= 2);
        cloud.drainQueue();
        List<JsonNode> events = cloud.eventsFor(customerId);
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received", "switchboard.message.sent", "switchboard.message.status",
                "switchboard.message.status"), types(events));
        assertEquals(MessengerWebhooks.SOURCE, events.get(2).path("source").asText());
        assertEquals("messenger", events.get(2).at("/data/entry/channel").asText());
        assertEquals("outbound", events.get(3).at("/data/entry/direction").asText());
        assertEquals("delivered", events.get(4).at("/data/entry/status").asText());
        assertEquals("read", events.get(5).at("/data/entry/status").asText());
        assertEquals("messenger:" + MessengerWebhooks.PAGE_ID + ":" + psid,
                events.get(0).at("/data/customer/identities/0").asText());
    }

    @Test
    void batchMixingEntriesAndEventKinds_isProcessedWhole_andItsRetryStoresAndPublishesNothingNew() {
        // given one delivery with two entries of the page: two customers, a text, an echo, receipts, a postback,
        // a second text and a reaction
        String ann = newUserId();
        String bob = newUserId();
        String echoMid = "m_batch_echo_" + ann;
        List<ObjectNode> first = List.of(
                MessengerWebhooks.text(ann, MessengerWebhooks.PAGE_ID, "m_batch_a1_" + ann, T0, "I need help with a return"),
                MessengerWebhooks.echo(ann, echoMid, T0.plusSeconds(60), "Sure, what is the order number?"),
                MessengerWebhooks.delivery(ann, T0.plusSeconds(61), echoMid),
                MessengerWebhooks.read(ann, T0.plusSeconds(120), T0.plusSeconds(61)));
        List<ObjectNode> second = List.of(
                MessengerWebhooks.postback(bob, "m_batch_b1_" + bob, T0.plusSeconds(5), "Get Started", "GET_STARTED"),
                MessengerWebhooks.text(bob, MessengerWebhooks.PAGE_ID, "m_batch_b2_" + bob, T0.plusSeconds(7), "Where is your shop?"),
                MessengerWebhooks.reaction(ann, T0.plusSeconds(130), echoMid, "\uD83D\uDC4D"));
        String body = MessengerWebhooks.pageEntries(List.of(first, second), T0.plusSeconds(200));

        // when it is delivered
        assertAccepted(postMessenger(body));

        // then every event of both entries is stored
        String annId = cloud.customerIdOf("messenger:" + MessengerWebhooks.PAGE_ID + ":" + ann).orElseThrow();
        String bobId = cloud.customerIdOf("messenger:" + MessengerWebhooks.PAGE_ID + ":" + bob).orElseThrow();
        List<Map<String, AttributeValue>> annEntries = cloud.entries(annId);
        List<Map<String, AttributeValue>> bobEntries = cloud.entries(bobId);
        assertEquals(List.of("message", "message", "reaction"), annEntries.stream().map(e -> e.get(LogItems.KIND).s()).toList());
        assertEquals("read", annEntries.get(1).get(LogItems.STATUS).s());
        assertEquals(List.of("postback", "message"), bobEntries.stream().map(e -> e.get(LogItems.KIND).s()).toList());
        cloud.awaitEvents(annId, all -> count(all, "switchboard.message.status") >= 2);
        cloud.awaitEvents(bobId, all -> count(all, "switchboard.message.received") >= 2);
        cloud.drainQueue();
        long stored = cloud.storedItems();
        int published = cloud.allEvents().size();

        // when Meta retries the same delivery
        assertAccepted(postMessenger(body));

        // then nothing new is stored or published
        assertEquals(stored, cloud.storedItems());
        assertEquals(annEntries, cloud.entries(annId));
        assertEquals(bobEntries, cloud.entries(bobId));
        cloud.drainQueue();
        assertEquals(published, cloud.allEvents().size(), types(cloud.allEvents()).toString());
    }

    @Test
    void instagramMessage_isStoredUnderTheInstagramScopedIdentity() {
        // given
        String igsid = newUserId();
        String body = MessengerWebhooks.instagram(T0.plusMillis(300),
                MessengerWebhooks.text(igsid, MessengerWebhooks.IG_ACCOUNT_ID, "ig_in_" + igsid, T0, "Do you ship to Canada?"));
        // when
        HttpResponse<String> response = cloud.post(INSTAGRAM, body, sign(body, PipelineCloud.INSTAGRAM_APP_SECRET));
        // then
        assertAccepted(response);
        String customerId = cloud.customerIdOf("instagram:" + MessengerWebhooks.IG_ACCOUNT_ID + ":" + igsid).orElseThrow();
        assertEquals("instagram", cloud.entries(customerId).get(0).get(LogItems.CHANNEL).s());
        List<JsonNode> events = cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 1);
        assertEquals("/instagram/" + MessengerWebhooks.IG_ACCOUNT_ID,
                events.get(events.size() - 1).path("source").asText());
    }

    @Test
    void forgedWrongAppMalformedAndWrongObjectBodies_answer4xx_storeNothing_publishNothing() {
        // given a valid Messenger body and the state before
        String psid = newUserId();
        String valid = MessengerWebhooks.page(T0.plusMillis(300),
                MessengerWebhooks.text(psid, MessengerWebhooks.PAGE_ID, "m_forged_" + psid, T0, "hi"));
        String instagramBody = MessengerWebhooks.instagram(T0.plusMillis(300),
                MessengerWebhooks.text(psid, MessengerWebhooks.IG_ACCOUNT_ID, "ig_forged_" + psid, T0, "hi"));
        String malformed = "{\"object\": \"page\", \"entry\": [}";
        cloud.drainQueue();
        long storedBefore = cloud.storedItems();
        int eventsBefore = cloud.allEvents().size();

        // when they arrive forged, unsigned, signed by the WhatsApp or the Instagram app, malformed, or for the other path
        assertRefused(401, cloud.post(MESSENGER, valid, sign(valid, "not-the-app-secret")));
        assertRefused(401, cloud.post(MESSENGER, valid, null));
        assertRefused(401, cloud.post(MESSENGER, valid, sign(valid, PipelineCloud.APP_SECRET)));
        assertRefused(401, cloud.post(MESSENGER, valid, sign(valid, PipelineCloud.INSTAGRAM_APP_SECRET)));
        assertRefused(401, cloud.post(INSTAGRAM, instagramBody, sign(instagramBody, PipelineCloud.MESSENGER_APP_SECRET)));
        assertRefused(400, cloud.post(MESSENGER, malformed, sign(malformed, PipelineCloud.MESSENGER_APP_SECRET)));
        assertRefused(400, cloud.post(MESSENGER, instagramBody, sign(instagramBody, PipelineCloud.MESSENGER_APP_SECRET)));
        assertRefused(400, cloud.post(INSTAGRAM, valid, sign(valid, PipelineCloud.INSTAGRAM_APP_SECRET)));

        // then nothing is stored or published
        assertTrue(cloud.customerIdOf("messenger:" + MessengerWebhooks.PAGE_ID + ":" + psid).isEmpty());
        assertTrue(cloud.customerIdOf("instagram:" + MessengerWebhooks.IG_ACCOUNT_ID + ":" + psid).isEmpty());
        assertEquals(storedBefore, cloud.storedItems());
        cloud.drainQueue();
        assertEquals(eventsBefore, cloud.allEvents().size());
    }

    @Test
    void handshakeOnEachPath_acceptsOnlyThatPathsToken() {
        HttpResponse<String> messenger = cloud.get(MESSENGER + "?hub.mode=subscribe&hub.verify_token="
                + PipelineCloud.MESSENGER_VERIFY_TOKEN + "&hub.challenge=1158201444");
        HttpResponse<String> instagram = cloud.get(INSTAGRAM + "?hub.mode=subscribe&hub.verify_token="
                + PipelineCloud.INSTAGRAM_VERIFY_TOKEN + "&hub.challenge=1158201445");
        HttpResponse<String> crossed = cloud.get(INSTAGRAM + "?hub.mode=subscribe&hub.verify_token="
                + PipelineCloud.MESSENGER_VERIFY_TOKEN + "&hub.challenge=1158201446");

        assertEquals(200, messenger.statusCode());
        assertEquals("1158201444", messenger.body());
        assertEquals(200, instagram.statusCode());
        assertEquals("1158201445", instagram.body());
        assertEquals(403, crossed.statusCode());
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> postMessenger(String body) {
        return cloud.post(MESSENGER, body, sign(body, PipelineCloud.MESSENGER_APP_SECRET));
    }

    private static String sign(String body, String secret) {
        return HubSignature.sign(body.getBytes(StandardCharsets.UTF_8), secret);
    }

    private static void assertAccepted(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
    }

    private static void assertRefused(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(!response.body().isBlank() && response.body().length() < 200, "a short reason: " + response.body());
    }
}
