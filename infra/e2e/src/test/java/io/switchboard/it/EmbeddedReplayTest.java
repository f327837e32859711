package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.local.LocalCloud;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;

/**
 * A helpdesk lost its events (its queue purged): the customer's stored changes are announced again, through the
 * template's ReplayFunction and through the local command line, with the same CloudEvent ids, in the same order.
 */
class EmbeddedReplayTest {

    private static final Instant AT = Instant.parse("2026-11-23T09:00:00Z");
    private static PipelineCloud cloud;

    @BeforeAll
    static void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options());
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    @Test
    void aPurgedQueue_getsTheCustomersChangesAgain_sameIdsInOrder_fromTheFunctionAndTheCommandLine() {
        // given a customer with three messages, and another customer, announced and consumed
        for (int i = 1; i <= 3; i++) {
            assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550161", "Rae Replay", "wamid.replay-" + i,
                    AT.plusSeconds(i), "message " + i)).statusCode());
        }
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155550162", "Other", "wamid.replay-other",
                AT, "not replayed")).statusCode());
        String customerId = cloud.customerIdOf("phone:+14155550161").orElseThrow();
        List<String> original = ids(cloud.awaitEventCount(customerId, 5));
        cloud.drainQueue();
        int before = cloud.allEvents().size();

        // when the helpdesk's queue is purged and the customer replayed to it by the function
        String queueUrl = cloud.local().queueUrl("EventsQueue");
        cloud.local().sqs().purgeQueue(PurgeQueueRequest.builder().queueUrl(queueUrl).build());
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = (Map<String, Object>) cloud.local().function("ReplayFunction")
                .invoke(new java.util.HashMap<>(Map.of("subscriberQueueUrl", queueUrl, "customerId", customerId)));

        // then the same five event ids arrive again, in the original order, and nothing of the other customer
        assertEquals(5, answer.get("eventsPublished"), answer.toString());
        List<JsonNode> replayed = awaitNewEvents(before, 5);
        assertEquals(original, ids(replayed));
        assertEquals(List.of(customerId), replayed.stream().map(e -> e.path("subject").asText()).distinct().toList());
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received", "switchboard.message.received", "switchboard.message.received"),
                PipelineCloud.types(replayed));

        // and the same again from the command line, against the running cloud's endpoints
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = io.switchboard.local.ReplayCommandAccess.run(new String[] {"--queue-url", queueUrl,
                "--customer", customerId, "--dynamodb-endpoint", cloud.local().dynamoDbEndpoint(),
                "--sqs-endpoint", cloud.local().sqsEndpoint()}, new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        JsonNode printed = json(out.toString(StandardCharsets.UTF_8).strip());
        assertEquals(5, printed.path("eventsPublished").asInt(), printed.toString());
        assertEquals(original, ids(awaitNewEvents(before + 5, 5)));
    }

    /** Reads the queue until {@code count} events past the first {@code seen} have arrived. */
    private static List<JsonNode> awaitNewEvents(int seen, int count) {
        cloud.awaitEvents("", events -> cloud.allEvents().size() >= seen + count);
        List<JsonNode> all = cloud.allEvents();
        assertTrue(all.size() == seen + count, "more events than replayed: " + PipelineCloud.types(all.subList(seen, all.size())));
        return all.subList(seen, all.size());
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(event -> event.path("id").asText()).toList();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
