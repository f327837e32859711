package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.switchboard.local.testing.Recorder;
import io.switchboard.local.testing.StreamScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** The stream poller feeding the test stack's ItemsTable to RecordingStreamHandler, with Lambda's retry rules. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamPollerTest {

    private static final Duration IDLE = Duration.ofSeconds(120);

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

    @BeforeEach
    void succeedByDefault() {
        script.behave(event -> null);
    }

    /** Writes the items in one transaction, so that they tend to arrive in one batch. */
    private static void putItems(LocalCloud cloud, String... ids) {
        List<TransactWriteItem> writes = new ArrayList<>();
        for (String id : ids) {
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(cloud.tableName("ItemsTable"))
                    .item(Map.of("id", AttributeValue.fromS(id))).build()).build());
        }
        cloud.dynamoDb().transactWriteItems(b -> b.transactItems(writes));
    }

    private static StreamsEventResponse failing(String sequenceNumber) {
        return StreamsEventResponse.builder().withBatchItemFailures(List.of(
                StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequenceNumber).build())).build();
    }

    @Test
    void reportedFailureIsRetriedFromThatRecordAndEarlierOnesAreNotRedelivered() {
        AtomicBoolean failedOnce = new AtomicBoolean();
        script.behave(event -> {
            for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
                if (record.getDynamodb().getKeys().get("id").getS().equals("partial-3") && failedOnce.compareAndSet(false, true)) {
                    return failing(record.getDynamodb().getSequenceNumber());
                }
            }
            return null;
        });
        putItems(cloud, "partial-1", "partial-2");
        putItems(cloud, "partial-3", "partial-4", "partial-5");
        assertTrue(cloud.awaitStreamsIdle(IDLE));

        List<List<String>> batches = script.batches("partial-");
        List<String> all = batches.stream().flatMap(List::stream).toList();
        assertEquals(1, Collections.frequency(all, "partial-1"), batches.toString());
        assertEquals(1, Collections.frequency(all, "partial-2"), batches.toString());
        assertEquals(2, Collections.frequency(all, "partial-3"), batches.toString());
        int failedBatch = indexOfBatchWith(batches, "partial-3");
        // The retry starts at the failed record, and nothing before it is handed over again.
        assertEquals("partial-3", batches.get(failedBatch + 1).get(0), batches.toString());
        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            List<String> batch = batches.get(i);
            delivered.addAll(i == failedBatch ? batch.subList(0, batch.indexOf("partial-3")) : batch);
        }
        assertEquals(List.of("partial-1", "partial-2", "partial-3", "partial-4", "partial-5"), delivered);
    }

    @Test
    void thrownExceptionRetriesTheWholeBatch() {
        AtomicBoolean thrown = new AtomicBoolean();
        script.behave(event -> {
            boolean mine = event.getRecords().stream().anyMatch(r -> r.getDynamodb().getKeys().get("id").getS().startsWith("thrown-"));
            if (mine && thrown.compareAndSet(false, true)) {
                throw new IllegalStateException("the function fails once");
            }
            return null;
        });
        putItems(cloud, "thrown-1", "thrown-2", "thrown-3");
        assertTrue(cloud.awaitStreamsIdle(IDLE));

        List<List<String>> batches = script.batches("thrown-");
        assertTrue(batches.size() >= 2, batches.toString());
        List<String> failed = batches.get(0);
        assertEquals(failed, batches.get(1).subList(0, failed.size()), "the same records again: " + batches);
        List<String> delivered = batches.subList(1, batches.size()).stream().flatMap(List::stream).toList();
        assertEquals(List.of("thrown-1", "thrown-2", "thrown-3"), delivered);
    }

    @Test
    void recordsAreLambdaDynamodbEvents() {
        String table = cloud.tableName("ItemsTable");
        String streamArn = cloud.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        int before = script.events().size();
        Map<String, AttributeValue> key = Map.of("id", AttributeValue.fromS("shape-1"));
        cloud.dynamoDb().putItem(b -> b.tableName(table).item(Map.of(
                "id", AttributeValue.fromS("shape-1"),
                "count", AttributeValue.fromN("7"),
                "flag", AttributeValue.fromBool(true),
                "tags", AttributeValue.fromSs(List.of("a", "b")),
                "nested", AttributeValue.fromM(Map.of("list", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromNul(true))))))));
        cloud.dynamoDb().updateItem(b -> b.tableName(table).key(key)
                .updateExpression("SET #c = :c").expressionAttributeNames(Map.of("#c", "count"))
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromN("8"))));
        cloud.dynamoDb().deleteItem(b -> b.tableName(table).key(key));
        assertTrue(cloud.awaitStreamsIdle(IDLE));

        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        script.events().subList(before, script.events().size()).forEach(e -> records.addAll(e.getRecords()));
        records.removeIf(r -> !r.getDynamodb().getKeys().get("id").getS().equals("shape-1"));
        assertEquals(List.of("INSERT", "MODIFY", "REMOVE"), records.stream().map(DynamodbEvent.DynamodbStreamRecord::getEventName).toList());

        DynamodbEvent.DynamodbStreamRecord insert = records.get(0);
        assertEquals(streamArn, insert.getEventSourceARN());
        assertEquals("aws:dynamodb", insert.getEventSource());
        assertNotNull(insert.getEventID());
        assertEquals("NEW_AND_OLD_IMAGES", insert.getDynamodb().getStreamViewType());
        assertNotNull(insert.getDynamodb().getSequenceNumber());
        assertNotNull(insert.getDynamodb().getApproximateCreationDateTime());
        assertEquals("7", insert.getDynamodb().getNewImage().get("count").getN());
        assertEquals(Boolean.TRUE, insert.getDynamodb().getNewImage().get("flag").getBOOL());
        assertEquals(List.of("a", "b"), insert.getDynamodb().getNewImage().get("tags").getSS());
        assertEquals("x", insert.getDynamodb().getNewImage().get("nested").getM().get("list").getL().get(0).getS());
        assertEquals(Boolean.TRUE, insert.getDynamodb().getNewImage().get("nested").getM().get("list").getL().get(1).getNULL());
        assertNull(insert.getDynamodb().getOldImage());

        DynamodbEvent.DynamodbStreamRecord modify = records.get(1);
        assertEquals("7", modify.getDynamodb().getOldImage().get("count").getN());
        assertEquals("8", modify.getDynamodb().getNewImage().get("count").getN());
        assertTrue(new java.math.BigInteger(modify.getDynamodb().getSequenceNumber())
                .compareTo(new java.math.BigInteger(insert.getDynamodb().getSequenceNumber())) > 0);

        DynamodbEvent.DynamodbStreamRecord remove = records.get(2);
        assertEquals("8", remove.getDynamodb().getOldImage().get("count").getN());
        assertNull(remove.getDynamodb().getNewImage());
    }

    @Test
    void awaitIdleReportsAStuckFunction() {
        script.behave(event -> {
            throw new IllegalStateException("always failing");
        });
        putItems(cloud, "stuck-1");
        try {
            assertTrue(!cloud.awaitStreamsIdle(Duration.ofMillis(800)), "a failing function keeps the stream busy");
        } finally {
            script.behave(event -> null);
        }
        assertTrue(cloud.awaitStreamsIdle(IDLE));
        assertEquals("stuck-1", script.batches("stuck-").get(script.batches("stuck-").size() - 1).get(0));
    }

    @Test
    void invocationHangingPastTheFunctionTimeout_isAbandonedAndItsBatchRetried_whileLagShowsTheWaitingRecord() {
        // given a function whose first invocation with hang-1 never returns by itself
        AtomicBoolean hung = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        script.behave(event -> {
            boolean hasHang = event.getRecords().stream()
                    .anyMatch(record -> record.getDynamodb().getKeys().get("id").getS().equals("hang-1"));
            if (hasHang && hung.compareAndSet(false, true)) {
                try {
                    Thread.sleep(Duration.ofMinutes(30).toMillis());
                } catch (InterruptedException abandoned) {
                    interrupted.set(true);
                }
            }
            return null;
        });
        StreamPoller poller = itemsPoller(cloud);

        // when hang-1 arrives
        putItems(cloud, "hang-1");

        // then while it hangs the poller says a record waits, and how old it is
        awaitTrue(() -> hung.get() && poller.lag().recordsBehind() >= 1 && poller.lag().oldestUnpublishedAge() != null,
                "lag shows the waiting record");
        // and after the template's Timeout (10 s) the invocation is abandoned and the batch handed over again
        assertTrue(cloud.awaitStreamsIdle(IDLE), "the stream moved on");
        List<List<String>> batches = script.batches("hang-");
        assertTrue(batches.stream().filter(batch -> batch.contains("hang-1")).count() >= 2, batches.toString());
        awaitTrue(interrupted::get, "the abandoned invocation was interrupted");
        assertEquals(0, poller.lag().recordsBehind());
        assertTrue(!poller.lag().stalled(), poller.lag().toString());
    }

    @Test
    void batchFailingPastMaximumRetryAttempts_isReportedToTheOnFailureQueueInLambdasFormat_andTheStreamGoesOn() {
        // given a function that always fails giveup-1 (the test stack: MaximumRetryAttempts 4, OnFailure a queue)
        script.behave(event -> {
            for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
                if (record.getDynamodb().getKeys().get("id").getS().equals("giveup-1")) {
                    return failing(record.getDynamodb().getSequenceNumber());
                }
            }
            return null;
        });

        // when it arrives
        putItems(cloud, "giveup-1");
        awaitTrue(() -> !script.batches("giveup-").isEmpty(), "giveup-1 handed over");
        String sequenceNumber = script.events().stream().flatMap(event -> event.getRecords().stream())
                .filter(record -> record.getDynamodb().getKeys().get("id").getS().equals("giveup-1"))
                .map(record -> record.getDynamodb().getSequenceNumber()).findFirst().orElseThrow();

        // then after the first attempt and four retries it is reported where it is in the stream
        com.fasterxml.jackson.databind.JsonNode report = awaitInvocationRecord(sequenceNumber);
        assertEquals(List.of(List.of("giveup-1"), List.of("giveup-1"), List.of("giveup-1"), List.of("giveup-1"),
                List.of("giveup-1")), script.batches("giveup-"));
        assertEquals("RetryAttemptsExhausted", report.at("/requestContext/condition").asText());
        assertEquals(5, report.at("/requestContext/approximateInvokeCount").asInt());
        assertEquals(sequenceNumber, report.at("/DDBStreamBatchInfo/endSequenceNumber").asText());
        assertEquals(1, report.at("/DDBStreamBatchInfo/batchSize").asInt());
        assertEquals(cloud.dynamoDb().describeTable(b -> b.tableName(cloud.tableName("ItemsTable"))).table().latestStreamArn(),
                report.at("/DDBStreamBatchInfo/streamArn").asText());

        // and the stream goes on: the next item is handed over on its own
        putItems(cloud, "giveup-2");
        assertTrue(cloud.awaitStreamsIdle(IDLE));
        List<List<String>> batches = script.batches("giveup-");
        assertEquals(List.of("giveup-2"), batches.get(batches.size() - 1));
        assertEquals(6, batches.size(), batches.toString());
    }

    /** The invocation record on the test stack's OnFailure queue whose batch starts at the sequence number. */
    private com.fasterxml.jackson.databind.JsonNode awaitInvocationRecord(String startSequenceNumber) {
        long deadline = System.nanoTime() + IDLE.toNanos();
        while (true) {
            for (var message : cloud.sqs().receiveMessage(b -> b.queueUrl(cloud.queueUrl("StreamFailuresQueue"))
                    .maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                com.fasterxml.jackson.databind.JsonNode record;
                try {
                    record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(message.body());
                } catch (java.io.IOException e) {
                    throw new AssertionError("not JSON: " + message.body(), e);
                }
                if (startSequenceNumber.equals(record.at("/DDBStreamBatchInfo/startSequenceNumber").asText())) {
                    return record;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no invocation record for " + startSequenceNumber);
        }
    }

    @Test
    void tableRecreatedWithANewStream_thePollerFollowsTheNewStreamWithoutAnError() {
        StreamScript own = new StreamScript();
        try (LocalCloud other = LocalCloud.start(new LocalCloud.Options().template(TestTemplates.testStack())
                .singletons(List.of(own, new Recorder())))) {
            String table = other.tableName("ItemsTable");
            putItems(other, "old-stream-1");
            assertTrue(other.awaitStreamsIdle(IDLE));
            String oldStream = other.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();

            // when the table is deleted and created again (as an emulator restoring it does): a new stream
            other.dynamoDb().deleteTable(b -> b.tableName(table));
            new Provisioner(other.template()).provisionTables(other.dynamoDb());
            String newStream = other.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
            assertTrue(!oldStream.equals(newStream), "a new stream");
            putItems(other, "new-stream-1");

            // then the record of the new stream is handed over
            awaitTrue(() -> own.batches("new-stream-").stream().anyMatch(batch -> batch.contains("new-stream-1")),
                    "the new stream's record delivered");
        }
    }

    private static StreamPoller itemsPoller(LocalCloud cloud) {
        return cloud.streamPollers().stream().filter(p -> p.tableName().equals(cloud.tableName("ItemsTable")))
                .findFirst().orElseThrow();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + IDLE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " did not happen in time");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void withADataDirectoryARestartResumesFromTheCheckpoint(@TempDir Path dataDir) {
        StreamScript first = new StreamScript();
        LocalCloud.Options options = new LocalCloud.Options().template(TestTemplates.testStack()).dataDir(dataDir);
        try (LocalCloud cloud = LocalCloud.start(options.singletons(List.of(first, new Recorder())))) {
            putItems(cloud, "resume-1", "resume-2");
            assertTrue(cloud.awaitStreamsIdle(IDLE));
        }
        assertEquals(List.of("resume-1", "resume-2"), first.batches("resume-").stream().flatMap(List::stream).toList());

        StreamScript second = new StreamScript();
        try (LocalCloud cloud = LocalCloud.start(options.singletons(List.of(second, new Recorder())))) {
            assertTrue(cloud.awaitStreamsIdle(IDLE));
            putItems(cloud, "resume-3");
            assertTrue(cloud.awaitStreamsIdle(IDLE));
            assertTrue(cloud.dynamoDb().getItem(b -> b.tableName(cloud.tableName("ItemsTable"))
                    .key(Map.of("id", AttributeValue.fromS("resume-1")))).hasItem(), "the table kept its data");
        }
        assertEquals(List.of(List.of("resume-3")), second.batches("resume-"));
    }

    private static int indexOfBatchWith(List<List<String>> batches, String id) {
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).contains(id)) {
                return i;
            }
        }
        throw new AssertionError(id + " never delivered: " + batches);
    }
}
