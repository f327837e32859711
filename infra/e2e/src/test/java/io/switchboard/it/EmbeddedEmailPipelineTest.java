package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The email function end to end on the embedded cloud, as the email providers and a helpdesk see it: Postmark JSON,
 * Mailgun forms and raw MIME over HTTP to the routes template.yaml declares, DynamoDB written, CloudEvents read off
 * SQS. Every test uses its own address (ann+&lt;random&gt;@example.com).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedEmailPipelineTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String MIME = "/webhooks/email/mime";
    private static final String MAILGUN = "/webhooks/email/mailgun";
    private static final String POSTMARK = "/webhooks/email/postmark";
    private static final Instant T0 = Instant.parse("2026-11-23T09:15:00Z");

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
    void firstEmailThenReplyThroughAnotherProvider_oneCustomerOneConversationTwoEntries_eventsInOrder() {
        // given a first email, delivered as raw MIME
        String ann = unique("ann");
        String first = "first-" + UUID.randomUUID() + "@mail.example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(ann, "Ann Smith", first, T0, "Order 4417 arrived damaged",
                "The mug is broken.", null, List.of())).statusCode());
        String customerId = cloud.customerIdOf("email:" + ann).orElseThrow();

        // when her reply to it arrives through Mailgun an hour later
        String reply = "reply-" + UUID.randomUUID() + "@mail.example.com";
        HttpResponse<String> response = cloud.post(MAILGUN, FORM, EmailWebhooks.mailgun(PipelineCloud.MAILGUN_SIGNING_KEY,
                ann, "Ann Smith", reply, T0.plus(Duration.ofHours(1)), "Re: Order 4417 arrived damaged",
                "Photos attached later.", first, List.of(first)), Map.of());

        // then: one customer, one conversation, two entries in order
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(customerId, cloud.customerIdOf("email:" + ann).orElseThrow());
        List<Map<String, AttributeValue>> entries = entries(customerId);
        assertEquals(List.of(first, reply), entries.stream().map(e -> e.get(LogItems.PROVIDER_MESSAGE_ID).s()).toList());
        assertEquals(1, entries.stream().map(e -> e.get(LogItems.CONVERSATION_ID).s()).distinct().count());
        assertEquals(List.of("email", "email"), entries.stream().map(e -> e.get(LogItems.CHANNEL).s()).toList());
        assertEquals(List.of("/email/mime", "/email/mailgun"), entries.stream().map(e -> e.get(LogItems.SOURCE).s()).toList());

        // and the helpdesk sees the customer, the conversation and both messages, in that order
        List<JsonNode> events = cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 2);
        cloud.drainQueue();
        events = cloud.eventsFor(customerId);
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received", "switchboard.message.received"), types(events));
        assertEquals(first, events.get(2).path("data").path("entry").path("providerMessageId").asText());
        assertEquals(reply, events.get(3).path("data").path("entry").path("providerMessageId").asText());
        assertEquals("Ann Smith", events.get(3).path("data").path("customer").path("displayName").asText());
    }

    @Test
    void replyAWeekLater_joinsTheConversationItReferences_notANewOne() {
        // given a first email and, a day later, an unrelated one that opens a new conversation
        String ann = unique("ann");
        String first = "first-" + UUID.randomUUID() + "@mail.example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(ann, "Ann Smith", first, T0, "Warranty claim",
                "The kettle stopped working.", null, List.of())).statusCode());
        String customerId = cloud.customerIdOf("email:" + ann).orElseThrow();
        String firstConversation = entries(customerId).get(0).get(LogItems.CONVERSATION_ID).s();

        // when her reply arrives through Postmark 8 days later, naming the first message in its References
        String late = "late-" + UUID.randomUUID() + "@mail.example.com";
        HttpResponse<String> response = cloud.post(POSTMARK, "application/json", EmailWebhooks.postmark(ann, "Ann Smith",
                late, T0.plus(Duration.ofDays(8)), "Re: Warranty claim", "Any news on this?", null, List.of(first)),
                Map.of("Authorization", EmailWebhooks.basicAuth(PipelineCloud.EMAIL_WEBHOOK_USER,
                        PipelineCloud.EMAIL_WEBHOOK_PASSWORD)));

        // then it joins the first conversation, whatever the idle window says
        assertEquals(200, response.statusCode(), response.body());
        List<Map<String, AttributeValue>> entries = entries(customerId);
        assertEquals(2, entries.size());
        assertEquals(late, entries.get(1).get(LogItems.PROVIDER_MESSAGE_ID).s());
        assertEquals(firstConversation, entries.get(1).get(LogItems.CONVERSATION_ID).s());
        cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 2);
        cloud.drainQueue();
        assertEquals(1, count(cloud.eventsFor(customerId), "switchboard.conversation.opened"));
    }

    @Test
    void sameMessageDeliveredTwice_isOneEntryAndOneEvent() {
        String ann = unique("ann");
        String id = "twice-" + UUID.randomUUID() + "@mail.example.com";
        String message = EmailWebhooks.mime(ann, "Ann Smith", id, T0, "Hello", "Same message twice.", null, List.of());
        assertEquals(200, cloud.postMime(message).statusCode());
        assertEquals(200, cloud.postMime(message).statusCode());
        // and once more through another provider with the same Message-ID
        assertEquals(200, cloud.post(MAILGUN, FORM, EmailWebhooks.mailgun(PipelineCloud.MAILGUN_SIGNING_KEY, ann,
                "Ann Smith", id, T0, "Hello", "Same message twice.", null, List.of()), Map.of()).statusCode());

        String customerId = cloud.customerIdOf("email:" + ann).orElseThrow();
        assertEquals(1, entries(customerId).size());
        cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 1);
        cloud.drainQueue();
        assertEquals(1, count(cloud.eventsFor(customerId), "switchboard.message.received"));
    }

    @Test
    void mailgunWithWrongSignatureOrStaleTimestamp_andWrongBasicAuth_areRejected_andStoreNothing() {
        String ann = unique("ann");
        String id = "refused-" + UUID.randomUUID() + "@mail.example.com";
        long before = cloud.storedItems();

        HttpResponse<String> forged = cloud.post(MAILGUN, FORM, EmailWebhooks.mailgun("not-the-signing-key", ann,
                "Ann Smith", id, T0, "Hi", "Forged.", null, List.of()), Map.of());
        HttpResponse<String> stale = cloud.post(MAILGUN, FORM, EmailWebhooks.mailgunSignedAt(
                PipelineCloud.MAILGUN_SIGNING_KEY, Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond(), ann,
                "Ann Smith", id, T0, "Hi", "Replayed.", null, List.of()), Map.of());
        HttpResponse<String> wrongPassword = cloud.post(MIME, "message/rfc822",
                EmailWebhooks.mime(ann, "Ann Smith", id, T0, "Hi", "No credentials.", null, List.of()),
                Map.of("Authorization", EmailWebhooks.basicAuth(PipelineCloud.EMAIL_WEBHOOK_USER, "wrong")));
        HttpResponse<String> wrongPostmark = cloud.post(POSTMARK, "application/json",
                EmailWebhooks.postmark(ann, "Ann Smith", id, T0, "Hi", "No credentials.", null, List.of()),
                Map.of("Authorization", EmailWebhooks.basicAuth("intruder", PipelineCloud.EMAIL_WEBHOOK_PASSWORD)));

        assertEquals(403, forged.statusCode(), forged.body());
        assertEquals(403, stale.statusCode(), stale.body());
        assertEquals(401, wrongPassword.statusCode(), wrongPassword.body());
        assertTrue(wrongPassword.headers().firstValue("www-authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, wrongPostmark.statusCode(), wrongPostmark.body());
        assertTrue(cloud.customerIdOf("email:" + ann).isEmpty());
        assertEquals(before, cloud.storedItems());
    }

    @Test
    void malformedMime_is400WithAReason_andStoresNothing() {
        long before = cloud.storedItems();
        // Bytes that are no message: no header field at all. (A multipart without boundary lines is real mail that
        // lenient readers recover, see EmbeddedHardeningTest.)
        HttpResponse<String> response = cloud.postMime("no parts here, no headers either\r\n\r\njust some text\r\n");
        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("malformed MIME"), response.body());
        assertEquals(before, cloud.storedItems());
    }


    private List<Map<String, AttributeValue>> entries(String customerId) {
        return cloud.entries(customerId).stream()
                .filter(item -> !item.containsKey(LogItems.RECORD_TYPE) || LogItems.TYPE_ENTRY.equals(item.get(LogItems.RECORD_TYPE).s()))
                .filter(item -> item.containsKey(LogItems.PROVIDER_MESSAGE_ID))
                .toList();
    }

    private static String unique(String name) {
        return name + "+" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    private static long count(List<JsonNode> events, String type) {
        return events.stream().filter(event -> type.equals(event.path("type").asText())).count();
    }
}
