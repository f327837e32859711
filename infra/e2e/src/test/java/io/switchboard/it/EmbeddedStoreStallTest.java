package io.switchboard.it;

import static io.switchboard.it.WhatsAppPipelineContract.count;
import static io.switchboard.it.WhatsAppPipelineContract.newWaId;
import static io.switchboard.it.WhatsAppPipelineContract.wamid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.testing.StallingProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The store stalls mid-stream: every client of DynamoDB Local (the functions, the stream poller, /health) reaches it
 * through a proxy that stops forwarding and holds its connections, as a paused process does, and then resumes.
 * Webhooks keep arriving on several threads meanwhile; those answered 5xx are sent again, as Meta does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedStoreStallTest {

    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    /** Low, so that the test need not stall the store for a minute; /health then names the stall. */
    private static final Duration STALL_THRESHOLD = Duration.ofSeconds(5);
    private static final int CUSTOMERS = 5;
    private static final int MESSAGES_EACH = 6;

    private StallingProxy proxy;
    private PipelineCloud cloud;

    @BeforeAll
    void start() throws IOException {
        int dynamoDbPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dynamoDbPort = probe.getLocalPort();
        }
        proxy = StallingProxy.start(dynamoDbPort);
        cloud = PipelineCloud.start(new LocalCloud.Options().dynamoDbPort(dynamoDbPort)
                .dynamoDbClientEndpoint(proxy.endpoint()).streamStallThreshold(STALL_THRESHOLD));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void storeStallsWhileWebhooksArrive_healthReportsTheStalledStream_andAfterItResumesEveryMessageIsStoredAndPublishedOnce()
            throws Exception {
        awaitHealth(health -> "ok".equals(health.path("status").asText()), "healthy before the stall");
        List<String> waIds = new ArrayList<>();
        List<String> webhooks = new ArrayList<>();
        for (int c = 0; c < CUSTOMERS; c++) {
            String waId = newWaId();
            waIds.add(waId);
            for (int m = 0; m < MESSAGES_EACH; m++) {
                webhooks.add(WhatsAppWebhooks.text(waId, "Stall " + c, wamid(waId, "S" + m), T0.plusSeconds(m), "message " + m));
            }
        }

        // given a first half of the messages stored (one customer per thread: Meta sends a sender's in order)
        AtomicInteger answered5xx = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(CUSTOMERS);
        JsonNode stalledHealth;
        try {
            for (Future<?> sender : sendConcurrently(senders, webhooks, 0, MESSAGES_EACH / 2, answered5xx)) {
                sender.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }

            // when the store stalls while the second half arrives
            proxy.stall();
            List<Future<?>> secondHalf;
            try {
                secondHalf = sendConcurrently(senders, webhooks, MESSAGES_EACH / 2, MESSAGES_EACH, answered5xx);
                // then /health names the fan-out's stream consumer as stalled, and is not ok; the stall lasts until
                // a webhook was answered 5xx (the functions' DynamoDB calls give up), so that Meta's retries count too
                stalledHealth = awaitHealth(health -> !"ok".equals(health.path("status").asText())
                        && fanoutStream(health).path("stalled").asBoolean(), "the stalled stream reported");
                awaitCondition(() -> answered5xx.get() > 0, "a webhook answered 5xx during the stall");
            } finally {
                proxy.resume();
            }
            for (Future<?> sender : secondHalf) {
                sender.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        JsonNode stream = fanoutStream(stalledHealth);
        assertTrue(stream.path("secondsSinceProgress").asDouble() > STALL_THRESHOLD.toSeconds()
                || stream.path("oldestUnpublishedAgeSeconds").asDouble() > STALL_THRESHOLD.toSeconds(), stream.toString());
        assertEquals(STALL_THRESHOLD.toSeconds(), stream.path("stallThresholdSeconds").asLong());

        // and once it resumes, /health is ok again without anyone restarting anything
        awaitHealth(health -> "ok".equals(health.path("status").asText())
                && fanoutStream(health).path("recordsBehind").asInt() == 0, "healthy after the stall");

        // and every message is stored once and announced once
        List<String> customerIds = new ArrayList<>();
        for (String waId : waIds) {
            String customerId = cloud.customerIdOf("phone:+" + waId).orElseThrow();
            customerIds.add(customerId);
            assertEquals(MESSAGES_EACH, cloud.entries(customerId).size(), "entries of " + customerId);
            cloud.awaitEvents(customerId, all -> count(all, "switchboard.message.received") >= MESSAGES_EACH);
        }
        cloud.drainQueue();
        for (String customerId : customerIds) {
            List<JsonNode> received = cloud.eventsFor(customerId).stream()
                    .filter(event -> "switchboard.message.received".equals(event.path("type").asText())).toList();
            assertEquals(MESSAGES_EACH, received.size(), "message.received events of " + customerId);
            assertEquals(MESSAGES_EACH, received.stream().map(event -> event.at("/data/entry/text").asText()).distinct().count());
            assertEquals(1, count(cloud.eventsFor(customerId), "switchboard.customer.created"));
        }
    }

    /** Messages [from, to) of every customer, each customer's in order on a thread of its own. */
    private List<Future<?>> sendConcurrently(ExecutorService senders, List<String> webhooks, int from, int to,
                                             AtomicInteger answered5xx) {
        List<Future<?>> sending = new ArrayList<>();
        for (int c = 0; c < CUSTOMERS; c++) {
            List<String> own = webhooks.subList(c * MESSAGES_EACH + from, c * MESSAGES_EACH + to);
            sending.add(senders.submit(() -> own.forEach(body -> deliverUntilAccepted(body, answered5xx))));
        }
        return sending;
    }

    /** As Meta does: a webhook not answered 200 is sent again later (here, after a short pause). */
    private void deliverUntilAccepted(String body, AtomicInteger answered5xx) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            int status;
            try {
                HttpResponse<String> response = cloud.postWhatsApp(body);
                status = response.statusCode();
            } catch (IllegalStateException unreachable) {
                status = 0; // the gateway's answer did not arrive: the same as a 5xx for Meta
            }
            if (status == 200) {
                return;
            }
            assertTrue(status == 0 || status >= 500, "a fault must answer 5xx, got " + status);
            answered5xx.incrementAndGet();
            assertTrue(System.nanoTime() < deadline, "webhook not accepted before the deadline");
            sleepBriefly();
        }
    }

    private JsonNode awaitHealth(Predicate<JsonNode> done, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode health = health();
        while (!done.test(health)) {
            assertTrue(System.nanoTime() < deadline, what + " did not happen in time; last /health: " + health);
            sleepBriefly();
            health = health();
        }
        return health;
    }

    private void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " did not happen in time");
            sleepBriefly();
        }
    }

    private JsonNode health() {
        try {
            return Json.MAPPER.readTree(cloud.get("/health").body());
        } catch (IOException e) {
            throw new AssertionError("/health is not JSON", e);
        }
    }

    private static JsonNode fanoutStream(JsonNode health) {
        for (JsonNode stream : health.path("streams")) {
            if ("FanoutFunction".equals(stream.path("function").asText())) {
                return stream;
            }
        }
        throw new AssertionError("/health names no stream consumer FanoutFunction: " + health);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
