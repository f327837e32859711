package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.local.testing.ForwardingStreamHandler;
import io.switchboard.local.testing.Recorder;
import io.switchboard.local.testing.StreamScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/** Stopping and starting the embedded services under a running cloud. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final StreamScript script = new StreamScript();
    private LocalCloud cloud;

    @BeforeAll
    void start() {
        cloud = LocalCloud.start(new LocalCloud.Options()
                .template(TestTemplates.testStack())
                .singletons(List.of(script, new Recorder())));
    }

    @AfterAll
    void stop() {
        cloud.close();
    }

    @Test
    void streamRecordsFailingWhileSqsIsDownAllArriveOnceItIsBack() {
        String outbox = cloud.tableName("OutboxTable");
        String queueUrl = cloud.queueUrl("PlainQueue");
        int failuresBefore = ForwardingStreamHandler.FAILED_BATCHES.get();

        cloud.stopSqs();
        try {
            for (int i = 1; i <= 5; i++) {
                String id = "outage-" + i;
                cloud.dynamoDb().putItem(b -> b.tableName(outbox).item(Map.of("id", AttributeValue.fromS(id))));
            }
            await(() -> ForwardingStreamHandler.FAILED_BATCHES.get() > failuresBefore, "the forwarder failed while SQS was down");
            assertFalse(cloud.awaitStreamsIdle(Duration.ofMillis(500)), "undelivered records keep the poller busy");
        } finally {
            cloud.startSqs();
        }
        assertEquals(queueUrl, cloud.queueUrl("PlainQueue"), "same queue URL after the restart");
        assertTrue(cloud.awaitStreamsIdle(PATIENCE));

        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (bodies.size() < 5 && System.nanoTime() < deadline) {
            for (Message message : cloud.sqs().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                bodies.add(message.body());
                cloud.sqs().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        assertEquals(List.of("outage-1", "outage-2", "outage-3", "outage-4", "outage-5"), bodies.stream().sorted().toList());
        assertTrue(cloud.sqs().receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages().isEmpty(), "nothing twice");
    }

    @Test
    void inMemoryDynamoDbComesBackWithItsTablesAndThePollerFollows() {
        String table = cloud.tableName("ItemsTable");
        cloud.stopDynamoDb();
        try {
            assertThrows(SdkClientException.class, () -> cloud.dynamoDb().putItem(b -> b.tableName(table)
                    .item(Map.of("id", AttributeValue.fromS("lost")))));
        } finally {
            cloud.startDynamoDb();
        }
        cloud.dynamoDb().putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("after-restart"))));
        assertTrue(cloud.awaitStreamsIdle(PATIENCE));
        assertEquals(List.of(List.of("after-restart")), script.batches("after-restart"));
    }

    @Test
    void withADataDirectoryDynamoDbKeepsItsDataAcrossARestart(@TempDir Path dataDir) {
        StreamScript recorded = new StreamScript();
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().template(TestTemplates.testStack())
                .dataDir(dataDir).singletons(List.of(recorded, new Recorder())))) {
            String table = cloud.tableName("ItemsTable");
            cloud.dynamoDb().putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("kept-1"))));
            assertTrue(cloud.awaitStreamsIdle(PATIENCE));
            cloud.stopDynamoDb();
            cloud.startDynamoDb();
            assertTrue(cloud.dynamoDb().getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("kept-1")))).hasItem());
            cloud.dynamoDb().putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("kept-2"))));
            assertTrue(cloud.awaitStreamsIdle(PATIENCE));
        }
        assertEquals(List.of("kept-1", "kept-2"), recorded.batches("kept-").stream().flatMap(List::stream).toList());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20); // polling interval of the deadline loop, not a synchronization
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
