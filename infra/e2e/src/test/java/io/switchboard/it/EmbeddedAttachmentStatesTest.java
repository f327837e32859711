package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Settings;
import io.switchboard.core.log.ConversationLog.AttachmentOutcome;
import io.switchboard.core.log.ConversationPolicy;
import io.switchboard.core.log.DynamoDbConversationLog;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.local.LocalCloud;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;

/**
 * The attachment contract on DynamoDB Local with the real stream and fan-out: an entry with provider-held media is
 * announced at once with its attachment pending; the log's attachment update moves it forward once, however often
 * and however concurrently a job is delivered, and that one stored change is announced as exactly one
 * switchboard.attachment.stored (or .failed), never as the entry again; a replay repeats its id.
 */
class EmbeddedAttachmentStatesTest {

    private static final Instant AT = Instant.parse("2026-11-24T09:00:00Z");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static PipelineCloud cloud;
    private static DynamoDbConversationLog log;

    @BeforeAll
    static void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options());
        log = new DynamoDbConversationLog(cloud.local().dynamoDb(),
                Settings.of(Map.of(Settings.CONVERSATION_LOG_TABLE, cloud.local().tableName("ConversationLogTable"))),
                new ConversationPolicy(Duration.ofHours(24)));
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    @Test
    void aJobDeliveredTwiceAtOnce_storesTheAttachmentOnce_andItIsAnnouncedOnce_notAsTheEntryAgain() throws Exception {
        // given a WhatsApp image, announced with its attachment pending
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.image("14155550171", "Ida Image", "wamid.media-1", AT,
                "1479537139650973", "This arrived broken")).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550171").orElseThrow();
        String entryId = ConversationEntry.idFor(Channel.WHATSAPP, "wamid.media-1");
        JsonNode received = only(cloud.awaitEvents(customerId, events -> !ofType(events, "switchboard.message.received").isEmpty()),
                "switchboard.message.received");
        JsonNode pending = received.path("data").path("entry").path("attachments").get(0);
        assertEquals("pending", pending.path("status").asText());
        assertEquals("1479537139650973", pending.path("mediaId").asText());
        assertFalse(pending.has("downloadPath"));
        cloud.drainQueue();

        // when the media function's job runs twice at the same moment (a redelivery racing the first delivery)
        AttachmentUpdate stored = AttachmentUpdate.stored("image/jpeg", 184_233L, SHA,
                Attachment.objectKey(customerId, entryId, 0), AT.plusSeconds(4));
        List<AttachmentOutcome> outcomes = concurrently(8, () -> log.updateAttachment(customerId, entryId, 0, stored));

        // then one of them stored it, the others found it done; later deliveries and backward moves change nothing
        assertEquals(1, outcomes.stream().filter(outcome -> outcome == AttachmentOutcome.UPDATED).count(), outcomes.toString());
        assertTrue(outcomes.stream().allMatch(o -> o == AttachmentOutcome.UPDATED || o == AttachmentOutcome.UNCHANGED), outcomes.toString());
        assertEquals(AttachmentOutcome.UNCHANGED, log.updateAttachment(customerId, entryId, 0, stored));
        assertEquals(AttachmentOutcome.STALE, log.updateAttachment(customerId, entryId, 0,
                AttachmentUpdate.failed(Attachment.EXPIRED, AT.plusSeconds(9))), "stored is final");
        assertEquals(AttachmentOutcome.MISSING, log.updateAttachment(customerId, entryId, 1, stored));
        assertEquals(AttachmentOutcome.MISSING, log.updateAttachment(customerId, "e-none", 0, stored));
        Attachment kept = log.find(customerId, entryId).orElseThrow().attachments().get(0);
        assertEquals(AttachmentStatus.STORED, kept.status());
        assertEquals(Attachment.objectKey(customerId, entryId, 0), kept.objectKey());
        assertEquals("This arrived broken", kept.caption(), "what the provider said of it stays");

        // and exactly one event announces it: attachment.stored, with its download path, and the entry not again
        cloud.drainQueue();
        List<JsonNode> events = cloud.eventsFor(customerId);
        assertEquals(1, ofType(events, "switchboard.message.received").size(), PipelineCloud.types(events).toString());
        JsonNode announced = only(events, "switchboard.attachment.stored");
        assertEquals("/whatsapp/" + WhatsAppWebhooks.PHONE_NUMBER_ID, announced.path("source").asText());
        assertEquals("2026-11-24T09:00:04.000Z", announced.path("time").asText());
        assertEquals(entryId, announced.path("data").path("entryId").asText());
        assertEquals(0, announced.path("data").path("index").asInt());
        JsonNode attachment = announced.path("data").path("attachment");
        assertEquals("stored", attachment.path("status").asText());
        assertEquals(SHA, attachment.path("sha256").asText());
        assertEquals(184_233, attachment.path("sizeBytes").asLong());
        assertEquals("/v1/customers/" + customerId + "/entries/" + entryId + "/attachments/0",
                attachment.path("downloadPath").asText());
        assertFalse(announced.toString().contains(Attachment.objectKey(customerId, entryId, 0)), "the key stays in the store");

        // and a replay of the customer repeats that event's id
        String queueUrl = cloud.local().queueUrl("EventsQueue");
        cloud.local().sqs().purgeQueue(PurgeQueueRequest.builder().queueUrl(queueUrl).build());
        int before = cloud.allEvents().size();
        cloud.local().function("ReplayFunction").invoke(new java.util.HashMap<>(Map.of("subscriberQueueUrl", queueUrl,
                "customerId", customerId)));
        cloud.awaitEvents("", all -> ofType(cloud.allEvents().subList(before, cloud.allEvents().size()),
                "switchboard.attachment.stored").size() == 1);
        List<JsonNode> replayed = cloud.allEvents().subList(before, cloud.allEvents().size());
        assertEquals(announced.path("id").asText(), only(replayed, "switchboard.attachment.stored").path("id").asText());
        assertEquals("stored", only(replayed, "switchboard.message.received").path("data").path("entry")
                .path("attachments").get(0).path("status").asText(), "the entry shows its attachment as it is now");
    }

    @Test
    void aFailedAttachment_isAnnouncedWithItsReason_andAFetchThatSucceedsLater_asStored() {
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.image("14155550172", "Fay Fail", "wamid.media-2", AT,
                "1479537139650974", null)).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550172").orElseThrow();
        String entryId = ConversationEntry.idFor(Channel.WHATSAPP, "wamid.media-2");
        cloud.awaitEvents(customerId, events -> !ofType(events, "switchboard.message.received").isEmpty());

        assertEquals(AttachmentOutcome.UPDATED, log.updateAttachment(customerId, entryId, 0,
                AttachmentUpdate.failed(Attachment.DOWNLOAD_FAILED, AT.plusSeconds(30))));
        assertEquals(AttachmentOutcome.UNCHANGED, log.updateAttachment(customerId, entryId, 0,
                AttachmentUpdate.failed(Attachment.DOWNLOAD_FAILED, AT.plusSeconds(31))));
        JsonNode failed = only(cloud.awaitEvents(customerId, events -> !ofType(events, "switchboard.attachment.failed").isEmpty()),
                "switchboard.attachment.failed");
        assertEquals("download_failed", failed.path("data").path("attachment").path("reason").asText());
        assertFalse(failed.path("data").path("attachment").has("downloadPath"));

        assertEquals(AttachmentOutcome.UPDATED, log.updateAttachment(customerId, entryId, 0,
                AttachmentUpdate.stored("image/png", 70L, SHA, Attachment.objectKey(customerId, entryId, 0), AT.plusSeconds(90))));
        cloud.awaitEvents(customerId, events -> !ofType(events, "switchboard.attachment.stored").isEmpty());
        cloud.drainQueue();
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened", "switchboard.message.received",
                "switchboard.attachment.failed", "switchboard.attachment.stored"), PipelineCloud.types(cloud.eventsFor(customerId)));
    }

    private static List<AttachmentOutcome> concurrently(int deliveries, java.util.concurrent.Callable<AttachmentOutcome> job)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(deliveries);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<AttachmentOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < deliveries; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return job.call();
                }));
            }
            start.countDown();
            List<AttachmentOutcome> outcomes = new ArrayList<>();
            for (Future<AttachmentOutcome> future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(event -> type.equals(event.path("type").asText())).toList();
    }

    private static JsonNode only(List<JsonNode> events, String type) {
        List<JsonNode> matching = ofType(events, type);
        assertEquals(1, matching.size(), type + " in " + PipelineCloud.types(events));
        return matching.get(0);
    }
}
