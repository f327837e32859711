package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The input rules end to end, on the embedded cloud: what a hostile or unlucky provider sends must never stop,
 * poison or forge the pipeline. Each test reproduces one failure seen before the rules existed. The idle window
 * is one minute here, so a conversation's closing can be seen without waiting a day; a second helpdesk queue is
 * subscribed through the template's SubscriberQueueArns parameter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedHardeningTest {

    private static final String SECOND_QUEUE = "helpdesk-b.fifo";
    private static final String SECOND_QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:" + SECOND_QUEUE;
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final AtomicInteger NEXT_NUMBER = new AtomicInteger(100 + (int) (System.nanoTime() % 800));

    private PipelineCloud cloud;
    private String secondQueueUrl;

    @BeforeAll
    void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options().parameters(Map.of("SubscriberQueueArns", SECOND_QUEUE_ARN)),
                Map.of("CONVERSATION_IDLE_MINUTES", "1"));
        secondQueueUrl = cloud.local().sqs().createQueue(b -> b.queueName(SECOND_QUEUE)
                .attributesWithStrings(Map.of("FifoQueue", "true"))).queueUrl();
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private static String newWaId() {
        return "1415555" + (7000 + NEXT_NUMBER.incrementAndGet());
    }

    // ---------------------------------------------------------------- 1. poison text

    @Test
    void poisonTextsOnEveryChannel_areStoredAsReplacementCharacters_andAMessageAfterThemIsPublished() {
        Instant now = Instant.now();
        // given a WhatsApp text with U+FFFE and one with U+FFFF (SQS refuses both)
        String first = newWaId();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(first, "Poison One", "wamid.poison-fffe-" + first,
                now.minusSeconds(30), "a\uFFFEb")).statusCode());
        String second = newWaId();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(second, "Poison Two", "wamid.poison-ffff-" + second,
                now.minusSeconds(29), "a\uFFFFb")).statusCode());
        // and a Messenger text with an unpaired surrogate (escaped in the JSON, as Meta may send it)
        String psid = "70" + (1_000_000_000_000L + System.nanoTime() % 1_000_000_000L);
        String messenger = MessengerWebhooks.page(now, MessengerWebhooks.text(psid, MessengerWebhooks.PAGE_ID,
                "m_poison_" + psid, now.minusSeconds(28), "POISON")).replace("POISON", "a\\ud83db");
        assertEquals(200, cloud.post("/webhooks/messenger", messenger,
                io.switchboard.meta.HubSignature.sign(messenger.getBytes(StandardCharsets.UTF_8),
                        PipelineCloud.MESSENGER_APP_SECRET)).statusCode());
        // and an email whose RFC 2047 subject decodes to U+FFFF
        String ann = "poison-" + UUID.randomUUID() + "@example.com";
        String subject = "=?UTF-8?B?" + Base64.getEncoder().encodeToString("a\uFFFFb".getBytes(StandardCharsets.UTF_8)) + "?=";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(ann, "Ann", "poison-" + UUID.randomUUID() + "@example.com",
                now.minusSeconds(27), subject, "hello", null, List.of())).statusCode());

        // when a clean message follows them
        String later = newWaId();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(later, "After", "wamid.after-" + later,
                now.minusSeconds(20), "still flowing")).statusCode());

        // then the message after the poison is published
        String laterCustomer = cloud.customerIdOf("phone:+" + later).orElseThrow();
        cloud.awaitEvents(laterCustomer, events -> types(events).contains("switchboard.message.received"));
        // and so are the poisoned ones, with U+FFFD where the bad characters were
        for (String waId : List.of(first, second)) {
            String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
            JsonNode received = cloud.awaitEvents(customerId, events -> types(events).contains("switchboard.message.received"))
                    .stream().filter(e -> "switchboard.message.received".equals(e.path("type").asText())).findFirst().orElseThrow();
            assertEquals("a\uFFFDb", received.path("data").path("entry").path("text").asText());
        }
        String messengerCustomer = cloud.customerIdOf("messenger:" + MessengerWebhooks.PAGE_ID + ":" + psid).orElseThrow();
        assertEquals("a\uFFFDb", cloud.entries(messengerCustomer).get(0).get(LogItems.TEXT).s());
        String emailCustomer = cloud.customerIdOf("email:" + ann).orElseThrow();
        JsonNode email = cloud.awaitEvents(emailCustomer, events -> types(events).contains("switchboard.message.received"))
                .stream().filter(e -> "switchboard.message.received".equals(e.path("type").asText())).findFirst().orElseThrow();
        assertFalse(email.toString().contains("\uFFFF"));
    }

    // ---------------------------------------------------------------- 2. Mailgun replay

    @Test
    void capturedMailgunRequest_replayedWithOtherContent_isRefused403_andStoresNothing() {
        // given a signed Mailgun forward that was accepted
        String ann = "replay-" + UUID.randomUUID() + "@example.com";
        String messageId = "replay-" + UUID.randomUUID() + "@mail.example.com";
        String original = EmailWebhooks.mailgun(PipelineCloud.MAILGUN_SIGNING_KEY, ann, "Ann", messageId, Instant.now(),
                "Order", "Where is my order?", null, List.of());
        assertEquals(200, cloud.post("/webhooks/email/mailgun", FORM, original, Map.of()).statusCode());
        long stored = cloud.storedItems();

        // when someone replays its timestamp, token and signature with another sender and body
        String mallory = "mallory-" + UUID.randomUUID() + "@example.com";
        String forged = original.replace(java.net.URLEncoder.encode(ann, StandardCharsets.UTF_8),
                        java.net.URLEncoder.encode(mallory, StandardCharsets.UTF_8))
                .replace("Where+is+my+order%3F", "Send+the+refund+to+me");
        assertNotEquals(original, forged);
        HttpResponse<String> replay = cloud.post("/webhooks/email/mailgun", FORM, forged, Map.of());

        // then it is refused and nothing is stored
        assertEquals(403, replay.statusCode(), replay.body());
        assertEquals(stored, cloud.storedItems());
        assertTrue(cloud.customerIdOf("email:" + mallory).isEmpty());
        // while Mailgun's own retry of the same request is still accepted (and stores nothing new)
        assertEquals(200, cloud.post("/webhooks/email/mailgun", FORM, original, Map.of()).statusCode());
        assertEquals(stored, cloud.storedItems());
    }

    // ---------------------------------------------------------------- 3. oversized fields

    @Test
    void oversizedIdsOnEveryChannel_get400_andStoreNothing() {
        long before = cloud.storedItems();
        String longId = "7".repeat(2100);
        Instant now = Instant.now();
        // Messenger sender id, Messenger entry (page) id, Instagram sender id
        String messengerSender = MessengerWebhooks.page(now, MessengerWebhooks.text(longId, MessengerWebhooks.PAGE_ID,
                "m_long_sender", now, "hi"));
        assertEquals(400, postMeta("/webhooks/messenger", messengerSender, PipelineCloud.MESSENGER_APP_SECRET).statusCode());
        String messengerEntry = messengerSender.replace(longId, "7012345678901234")
                .replace("\"id\":\"" + MessengerWebhooks.PAGE_ID + "\"", "\"id\":\"" + longId + "\"");
        assertEquals(400, postMeta("/webhooks/messenger", messengerEntry, PipelineCloud.MESSENGER_APP_SECRET).statusCode());
        String instagram = MessengerWebhooks.instagram(now, MessengerWebhooks.text(longId, MessengerWebhooks.IG_ACCOUNT_ID,
                "m_long_ig", now, "hi"));
        assertEquals(400, postMeta("/webhooks/instagram", instagram, PipelineCloud.INSTAGRAM_APP_SECRET).statusCode());
        // WhatsApp business-scoped user id with no phone number
        ObjectNodes whatsApp = ObjectNodes.parse(WhatsAppWebhooks.text(newWaId(), "Long", "wamid.long-user", now, "hi"));
        whatsApp.message().remove("from");
        whatsApp.message().put("from_user_id", "US." + longId);
        whatsApp.contact().remove("wa_id");
        whatsApp.contact().put("user_id", "US." + longId);
        assertEquals(400, cloud.postWhatsApp(whatsApp.json()).statusCode());
        // an email From whose local part is 5,000 characters
        HttpResponse<String> email = cloud.postMime(EmailWebhooks.mime("a".repeat(5000) + "@example.com", "Long",
                "long-" + UUID.randomUUID() + "@example.com", now, "Hi", "hello", null, List.of()));
        assertEquals(400, email.statusCode(), email.body());

        assertEquals(before, cloud.storedItems());
    }

    @Test
    void whatsAppTextOf500kCharacters_isStoredTruncatedAndFlagged_andItsEventFitsInSqs() {
        // given a correctly signed text of 500,000 characters
        String waId = newWaId();
        HttpResponse<String> response = cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Long Text", "wamid.long-text-" + waId,
                Instant.now().minusSeconds(5), "x".repeat(500_000)));
        // then it is accepted, stored truncated and flagged, and announced within SQS's limit
        assertEquals(200, response.statusCode(), response.body());
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        Map<String, AttributeValue> entry = cloud.entries(customerId).get(0);
        assertTrue(entry.get(LogItems.TEXT).s().length() < 500_000);
        JsonNode details = read(entry.get(LogItems.DETAILS).s());
        assertTrue(details.path("textTruncated").asBoolean(), details.toString());
        assertEquals(500_000, details.path("originalTextLength").asInt());
        cloud.awaitEvents(customerId, events -> types(events).contains("switchboard.message.received"));
    }

    @Test
    void whatsAppBodyOverOneMebibyte_is413_andStoresNothing() {
        long before = cloud.storedItems();
        String waId = newWaId();
        HttpResponse<String> response = cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Huge", "wamid.huge-" + waId,
                Instant.now(), "y".repeat(1024 * 1024 + 10)));
        assertEquals(413, response.statusCode());
        assertEquals(before, cloud.storedItems());
    }

    // ---------------------------------------------------------------- 4. far-future timestamps

    @Test
    void farFutureWhatsAppTimestamps_getArrivalTime_validEventTimes_andTheConversationStillCloses() {
        // given a message dated in the year 5138, then one at the last representable second of 9999 + 1
        String waId = newWaId();
        Instant before = Instant.now();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Future", "wamid.future-1-" + waId,
                Instant.ofEpochSecond(99_999_999_999L), "from the future")).statusCode());
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Future", "wamid.future-2-" + waId,
                Instant.ofEpochSecond(253_402_300_800L), "even later")).statusCode());
        Instant after = Instant.now();
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();

        // then both occurred at arrival, with the provider's time kept and flagged
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
        assertEquals(2, entries.size());
        for (Map<String, AttributeValue> entry : entries) {
            Instant occurredAt = Instant.parse(entry.get(LogItems.OCCURRED_AT).s());
            assertFalse(occurredAt.isBefore(before.minusSeconds(1)) || occurredAt.isAfter(after.plusSeconds(1)),
                    "occurredAt " + occurredAt);
            assertTrue(read(entry.get(LogItems.DETAILS).s()).path("timeClamped").asBoolean());
        }
        // and every event time is valid RFC 3339 (the schema checks the format) and of this century
        List<JsonNode> events = cloud.awaitEvents(customerId, found -> types(found).stream()
                .filter("switchboard.message.received"::equals).count() >= 2);
        for (JsonNode event : events) {
            assertTrue(OffsetDateTime.parse(event.path("time").asText()).getYear() < 2100, event.path("time").asText());
        }

        // when the next message comes after the (one-minute) idle window
        Instant next = Instant.now().plus(Duration.ofMinutes(3));
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Future", "wamid.future-3-" + waId,
                next, "a new day")).statusCode());

        // then it opens a new conversation: the future-dated messages did not hold the old one open
        List<String> conversations = cloud.entries(customerId).stream()
                .map(entry -> entry.get(LogItems.CONVERSATION_ID).s()).distinct().toList();
        assertEquals(2, conversations.size(), conversations.toString());
    }

    // ---------------------------------------------------------------- 5. mail and callers real users send

    @Test
    void mimeWithAMissingStartBoundary_becomesAnEntryWithItsText() {
        String ann = "lenient-" + UUID.randomUUID() + "@example.com";
        String message = "From: Ann <" + ann + ">\r\nTo: support@support.example.net\r\nSubject: broken\r\n"
                + "Message-ID: <lenient-" + UUID.randomUUID() + "@example.com>\r\nDate: "
                + EmailWebhooks.RFC_5322.format(Instant.now().minusSeconds(60)) + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"BOUNDARY\"\r\n\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nMy order never arrived.\r\n--BOUNDARY--\r\n";
        HttpResponse<String> response = cloud.postMime(message);
        assertEquals(200, response.statusCode(), response.body());
        String customerId = cloud.customerIdOf("email:" + ann).orElseThrow();
        String text = cloud.entries(customerId).get(0).get(LogItems.TEXT).s();
        assertTrue(text.contains("My order never arrived."), text);
    }

    @Test
    void anonymousCaller_isLoggedUnderAnIdentityOfTheCall_andTheVoicemailIsStored() throws Exception {
        // given a call with caller id withheld, answered with the voicemail TwiML
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        String call = TwilioWebhooks.incomingCall(callSid, "Anonymous");
        HttpResponse<String> answer = cloud.postTwilio("/webhooks/twilio/voice", call);
        assertEquals(200, answer.statusCode(), answer.body());
        Element record = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(answer.body().getBytes(StandardCharsets.UTF_8)))
                .getElementsByTagName("Record").item(0);
        String recordingCallback = record.getAttribute("recordingStatusCallback");

        // when the recording callback arrives
        String recordingSid = "RE" + callSid.substring(2);
        assertEquals(200, cloud.postTwilioTo(recordingCallback, TwilioWebhooks.recording(callSid, recordingSid, 9,
                Instant.now())).statusCode());

        // then the call and the voicemail are on one customer of their own
        String customerId = cloud.customerIdOf("anonymous:" + callSid).orElseThrow();
        assertEquals(Set.of("call", "voicemail"), cloud.entries(customerId).stream()
                .map(entry -> entry.get(LogItems.KIND).s()).collect(Collectors.toSet()));
        cloud.awaitEvents(customerId, events -> types(events).contains("switchboard.voicemail.received"));
    }

    // ---------------------------------------------------------------- 6. races

    @Test
    void identityWhoseCustomerRecordIsNotReadableYet_isRetriedThenAnswered503_andTheProvidersRetryIsStoredOnce() {
        // given an identity claimed by a customer whose record a racing read cannot see yet (as on stores whose
        // transactions are not isolated from single reads)
        String waId = newWaId();
        String customerId = "race-" + UUID.randomUUID();
        cloud.local().dynamoDb().putItem(b -> b.tableName(cloud.local().tableName("CustomersTable")).item(Map.of(
                "identity", AttributeValue.fromS("phone:+" + waId), "customerId", AttributeValue.fromS(customerId),
                "createdAt", AttributeValue.fromS(Instant.now().toString()))));
        String body = WhatsAppWebhooks.text(waId, "Racer", "wamid.race-" + waId, Instant.now().minusSeconds(5), "first!");

        // when the message arrives: the core reads again a few times, then asks Meta to retry
        HttpResponse<String> meanwhile = cloud.postWhatsApp(body);
        assertEquals(503, meanwhile.statusCode(), meanwhile.body());
        assertTrue(cloud.entries(customerId).isEmpty());

        // and once the record is there, Meta's retry is stored, once
        cloud.local().dynamoDb().putItem(b -> b.tableName(cloud.local().tableName("ConversationLogTable")).item(
                LogItems.customerItem(new io.switchboard.core.model.Customer(customerId, null,
                        List.of("phone:+" + waId), Instant.now(), WhatsAppWebhooks.SOURCE, null))));
        assertEquals(200, cloud.postWhatsApp(body).statusCode());
        assertEquals(200, cloud.postWhatsApp(body).statusCode());
        assertEquals(1, cloud.entries(customerId).size());
    }

    // ---------------------------------------------------------------- 7. a second subscriber

    @Test
    void secondSubscriberQueueFromTheTemplateParameter_receivesEveryEvent() {
        // given a new customer's message
        String waId = newWaId();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Two Queues", "wamid.two-queues-" + waId,
                Instant.now().minusSeconds(3), "hello both")).statusCode());
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();

        // when both helpdesks read their queues
        List<JsonNode> first = cloud.awaitEventCount(customerId, 3);
        List<JsonNode> second = new ArrayList<>();
        long deadline = System.nanoTime() + PipelineCloud.DEADLINE.toNanos();
        while (second.size() < first.size() && System.nanoTime() < deadline) {
            List<Message> messages = cloud.local().sqs().receiveMessage(ReceiveMessageRequest.builder()
                    .queueUrl(secondQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(1).build()).messages();
            for (Message message : messages) {
                JsonNode event = read(message.body());
                EventSchema.assertValid(event);
                if (customerId.equals(event.path("subject").asText())) {
                    second.add(event);
                }
                cloud.local().sqs().deleteMessage(DeleteMessageRequest.builder().queueUrl(secondQueueUrl)
                        .receiptHandle(message.receiptHandle()).build());
            }
        }

        // then the second queue got the same events, with the same ids, in the same order
        assertEquals(ids(first), ids(second));
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received"), types(second));
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(event -> event.path("id").asText()).collect(Collectors.toList());
    }

    private HttpResponse<String> postMeta(String path, String body, String secret) {
        return cloud.post(path, body, io.switchboard.meta.HubSignature.sign(body.getBytes(StandardCharsets.UTF_8), secret));
    }




    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** A WhatsApp webhook body opened up for editing its first message and contact. */
    private record ObjectNodes(com.fasterxml.jackson.databind.node.ObjectNode root) {
        static ObjectNodes parse(String json) {
            return new ObjectNodes((com.fasterxml.jackson.databind.node.ObjectNode) read(json));
        }

        com.fasterxml.jackson.databind.node.ObjectNode value() {
            return (com.fasterxml.jackson.databind.node.ObjectNode) root.path("entry").get(0).path("changes").get(0).path("value");
        }

        com.fasterxml.jackson.databind.node.ObjectNode message() {
            return (com.fasterxml.jackson.databind.node.ObjectNode) value().path("messages").get(0);
        }

        com.fasterxml.jackson.databind.node.ObjectNode contact() {
            return (com.fasterxml.jackson.databind.node.ObjectNode) value().path("contacts").get(0);
        }

        String json() {
            return Json.write(root);
        }
    }
}
