package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static io.switchboard.it.WhatsAppPipelineContract.count;
import static io.switchboard.it.WhatsAppPipelineContract.newWaId;
import static io.switchboard.it.WhatsAppPipelineContract.wamid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the embedded cloud: the queue or the database goes away while webhooks arrive. The data lives in
 * a directory, so DynamoDB Local keeps its tables across the restart, as a real table would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedFaultToleranceTest {

    private static final Instant T0 = Instant.parse("2026-11-22T11:00:00Z");

    /** Static: JUnit fills instance @TempDir fields only per test, after @BeforeAll. */
    @TempDir
    static Path dataDir;

    private PipelineCloud cloud;

    @BeforeAll
    void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options().dataDir(dataDir));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void sqsDownWhileWebhooksArrive_webhooksSucceed_andEveryEventArrivesExactlyOnceAfterRecovery() {
        // given the events queue is down
        String waId = newWaId();
        cloud.local().stopSqs();
        List<HttpResponse<String>> responses;
        try {
            // when five messages arrive
            responses = java.util.stream.IntStream.range(0, 5).mapToObj(i -> cloud.postWhatsApp(
                    WhatsAppWebhooks.text(waId, "Fay", wamid(waId, "Q" + i), T0.plusSeconds(i), "while down " + i))).toList();

            // then every webhook succeeds and is stored (channel functions need no queue)
            responses.forEach(response -> assertEquals(200, response.statusCode(), response.body()));
            String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
            assertEquals(5, cloud.entries(customerId).size());
        } finally {
            cloud.local().startSqs();
        }

        // and once the queue is back every event arrives, exactly once
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 5);
        cloud.drainQueue();
        List<JsonNode> events = cloud.eventsFor(customerId);
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received", "switchboard.message.received", "switchboard.message.received",
                "switchboard.message.received", "switchboard.message.received"), types(events));
        WhatsAppPipelineContract.assertDistinct(events.stream().map(e -> e.path("id").asText()).toList());
        assertEquals(List.of("while down 0", "while down 1", "while down 2", "while down 3", "while down 4"),
                events.subList(2, 7).stream().map(e -> e.at("/data/entry/text").asText()).toList());
    }

    @Test
    void dynamoDbDownWhenWebhookArrives_answers5xx_andTheRetryAfterRecoveryStoresOnce() {
        // given a known customer
        String waId = newWaId();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Gus", wamid(waId, "K0"), T0, "first")).statusCode());
        String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
        String retried = WhatsAppWebhooks.text(waId, "Gus", wamid(waId, "K1"), T0.plusSeconds(60), "during the outage");

        // when the database is down as the next message arrives
        cloud.local().stopDynamoDb();
        HttpResponse<String> duringOutage;
        try {
            duringOutage = cloud.postWhatsApp(retried);
        } finally {
            cloud.local().startDynamoDb();
        }

        // then the provider is told to retry, and its retry after recovery stores the message once
        assertTrue(duringOutage.statusCode() >= 500, duringOutage.statusCode() + " " + duringOutage.body());
        assertEquals(200, cloud.postWhatsApp(retried).statusCode());
        assertEquals(200, cloud.postWhatsApp(retried).statusCode());
        assertEquals(2, cloud.entries(customerId).size());
        cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= 2);
        cloud.drainQueue();
        assertEquals(2, count(cloud.eventsFor(customerId), "switchboard.message.received"));
    }

    @Test
    void identityPointingAtAMissingCustomerRecord_webhookIsStoredAndPublishedOnce_underTheSameCustomerId() {
        // given an identity item whose customer record is gone (a store restored in part leaves this behind)
        String waId = newWaId();
        String lostCustomerId = java.util.UUID.randomUUID().toString();
        cloud.local().dynamoDb().putItem(b -> b.tableName(cloud.local().tableName("CustomersTable")).item(java.util.Map.of(
                "identity", LogItems.s("phone:+" + waId), "customerId", LogItems.s(lostCustomerId),
                "createdAt", LogItems.s(LogItems.time(T0)))));
        assertTrue(cloud.customerRecord(lostCustomerId).isEmpty());
        String webhook = WhatsAppWebhooks.text(waId, "Hal", wamid(waId, "M0"), T0.plusSeconds(5), "still there?");

        // when a message of that identity arrives, and Meta delivers it a second time
        HttpResponse<String> response = cloud.postWhatsApp(webhook);
        HttpResponse<String> again = cloud.postWhatsApp(webhook);

        // then it is stored once, under the customer the identity points at, whose record exists again
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(java.util.Optional.of(lostCustomerId), cloud.customerIdOf("phone:+" + waId));
        assertEquals("phone:+" + waId, cloud.customerRecord(lostCustomerId).get("identities").l().get(0).s());
        assertEquals(1, cloud.entries(lostCustomerId).size());

        // and it is announced exactly once
        cloud.awaitEvents(lostCustomerId, all -> count(all, "switchboard.message.received") >= 1);
        cloud.drainQueue();
        List<JsonNode> received = cloud.eventsFor(lostCustomerId).stream()
                .filter(event -> "switchboard.message.received".equals(event.path("type").asText())).toList();
        assertEquals(1, received.size());
        assertEquals("still there?", received.get(0).at("/data/entry/text").asText());
    }
}
