package io.switchboard.local;

import io.switchboard.core.store.Backoff;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The local stand-in for a Lambda DynamoDB event source mapping: reads one table's stream shard by shard
 * (parents before children), hands batches of up to BatchSize records to the function, and follows Lambda's
 * rules for failures. With ReportBatchItemFailures, the records before the lowest failed sequence number are
 * done and the batch is retried from that record; a thrown exception retries the whole batch. Retries go on,
 * with a backoff, until the function succeeds (the fan-out reports failures while SQS is down and must deliver
 * everything once it is back), or, with MaximumRetryAttempts, until that many retries failed: the batch is then
 * given up and, with an OnFailure destination, reported there in Lambda's invocation record format
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
 *
 * <p>It never waits without a wake-up: an invocation that outlives the function's Timeout is abandoned and its
 * batch retried (as Lambda does), and the table's current stream is looked up again every
 * {@link #STREAM_RECHECK} (a table re-created or restored by an emulator gets a new stream, and the old one simply
 * stays quiet). Its {@link #lag()} says how far behind it is, and when it is stalled: no pass over the stream
 * and no batch handed over for longer than the stall threshold, or an unpublished change older than that.
 */
public final class StreamPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How often a healthy poller checks that the table's latest stream is still the one it reads. */
    static final Duration STREAM_RECHECK = Duration.ofSeconds(10);
    /** Default of {@link LocalCloud.Options#streamStallThreshold}: far above a batch's ordinary handling time. */
    public static final Duration DEFAULT_STALL_THRESHOLD = Duration.ofSeconds(60);

    private static final String DONE = "done";
    private static final String AFTER = "after:";

    private final LocalFunction function;
    private final TemplateModel.StreamEvent event;
    private final String tableName;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final Checkpoints checkpoints;
    private final Duration stallThreshold;
    private final Duration invocationTimeout;
    /** Sends a given-up batch's invocation record to the OnFailure destination; null without one. */
    private final java.util.function.Consumer<String> onFailure;
    private final Thread thread;
    /** Runs the invocations, so that one that hangs can be abandoned; replaced when that happens. */
    private volatile ExecutorService invoker;
    private volatile boolean running;
    /** For the health endpoint: the error of the last failed pass (null once a pass succeeds) and the last pass. */
    private volatile String healthError;
    private volatile long lastPassMillis;
    /** For {@link #lag()}: the last pass or handed-over batch, and the records read but not taken yet. */
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile int pendingRecords;
    private volatile long oldestPendingMillis;
    private volatile boolean pendingMore;
    private volatile String deliveryError;
    private long streamCheckedNanos;

    // Poller-thread state, rebuilt from the checkpoints after any error.
    private String streamArn;
    private final Map<String, String> iterators = new HashMap<>();
    private int staleIterators;

    private final Object idleLock = new Object();
    private boolean idleSeen;
    private long idlePassStartedAt;

    StreamPoller(LocalFunction function, TemplateModel.StreamEvent event, String tableName, DynamoDbClient dynamoDb,
                 DynamoDbStreamsClient streams, Checkpoints checkpoints) {
        this(function, event, tableName, dynamoDb, streams, checkpoints, DEFAULT_STALL_THRESHOLD, null);
    }

    StreamPoller(LocalFunction function, TemplateModel.StreamEvent event, String tableName, DynamoDbClient dynamoDb,
                 DynamoDbStreamsClient streams, Checkpoints checkpoints, Duration stallThreshold,
                 java.util.function.Consumer<String> onFailure) {
        this.function = function;
        this.onFailure = onFailure;
        this.stallThreshold = stallThreshold;
        this.invocationTimeout = Duration.ofSeconds(Math.max(1, function.definition().timeoutSeconds()));
        this.event = event;
        this.tableName = tableName;
        this.dynamoDb = dynamoDb;
        this.streams = streams;
        this.checkpoints = checkpoints;
        this.thread = new Thread(this::run, "stream-" + function.logicalId() + "-" + event.eventId());
        this.thread.setDaemon(true);
    }

    StreamPoller start() {
        running = true;
        thread.start();
        return this;
    }

    public String functionId() {
        return function.logicalId();
    }

    public String tableName() {
        return tableName;
    }

    /** True while its thread runs. */
    public boolean running() {
        return running && thread.isAlive();
    }

    /** Why the last pass over the stream failed, or null when it succeeded. */
    public String lastError() {
        return healthError;
    }

    /** When the last pass over the stream ended well (epoch millis; 0 before the first). */
    public long lastPassMillis() {
        return lastPassMillis;
    }

    /**
     * How far behind the function is. {@code recordsBehind} counts the records read from the stream and not yet
     * taken by the function (a lower bound: {@code moreBehind} says a full batch was read, so more may wait);
     * {@code oldestUnpublishedAge} is the age of the oldest of them (the stream record's approximate creation
     * time; null when none is waiting), the local counterpart of Lambda's IteratorAge.
     */
    public Lag lag() {
        long now = System.currentTimeMillis();
        long oldest = oldestPendingMillis;
        Duration oldestAge = pendingRecords == 0 || oldest == 0 ? null : Duration.ofMillis(Math.max(0, now - oldest));
        Duration sinceProgress = Duration.ofNanos(System.nanoTime() - lastProgressNanos);
        boolean stalled = sinceProgress.compareTo(stallThreshold) > 0
                || (oldestAge != null && oldestAge.compareTo(stallThreshold) > 0);
        return new Lag(pendingRecords, pendingMore, oldestAge, sinceProgress, stallThreshold, stalled, deliveryError);
    }

    /**
     * @param sinceProgress time since the last complete pass or the last batch the function took
     * @param deliveryError why the function last failed the batch it is retrying (null when it is not)
     */
    public record Lag(int recordsBehind, boolean moreBehind, Duration oldestUnpublishedAge, Duration sinceProgress,
                      Duration stallThreshold, boolean stalled, String deliveryError) {
    }

    /**
     * Waits until a complete pass over the stream that began after this call found nothing left to deliver:
     * everything written to the table before the call has been handed to the function successfully.
     *
     * @return false when that did not happen within the timeout
     */
    public boolean awaitIdle(Duration timeout) {
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        synchronized (idleLock) {
            while (!(idleSeen && idlePassStartedAt - since >= 0)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                try {
                    idleLock.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ExecutorService current = invoker;
        if (current != null) {
            current.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ polling loop

    private void run() {
        Backoff errors = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        String lastError = null;
        while (running) {
            long passStartedAt = System.nanoTime();
            try {
                boolean busy = pass();
                lastPassMillis = System.currentTimeMillis();
                lastProgressNanos = System.nanoTime();
                healthError = null;
                errors.reset();
                if (lastError != null) {
                    LOG.info("{}: reading the stream of {} again", function.logicalId(), tableName);
                    lastError = null;
                }
                if (!busy) {
                    clearPending();
                    markIdle(passStartedAt);
                    pause(POLL_INTERVAL);
                }
            } catch (Stopped stopped) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                // DynamoDB down or restarted (new stream), an expired iterator...: start over from the checkpoints.
                String error = e.getClass().getSimpleName() + ": " + withoutRequestDetails(e.getMessage());
                healthError = error;
                if (!error.equals(lastError)) {
                    LOG.warn("{}: cannot read the stream of {} ({}); retrying", function.logicalId(), tableName, error);
                    lastError = error;
                }
                streamArn = null;
                iterators.clear();
                try {
                    pause(errors.next());
                } catch (Stopped stopped) {
                    return;
                }
            }
        }
    }

    /** An SDK message without "(Service: ..., Request ID: ...)" and "(SDK Attempt Count: n)", to log it once. */
    private static String withoutRequestDetails(String message) {
        if (message == null) {
            return "";
        }
        for (String detail : List.of(" (Service:", " (SDK Attempt Count:")) {
            int at = message.indexOf(detail);
            if (at >= 0) {
                message = message.substring(0, at);
            }
        }
        return message;
    }

    /** One pass over every readable shard; true when it was not idle (records handed over, a read to redo). */
    private boolean pass() {
        if (streamArn == null || System.nanoTime() - streamCheckedNanos > STREAM_RECHECK.toNanos()) {
            String latest = dynamoDb.describeTable(b -> b.tableName(tableName)).table().latestStreamArn();
            if (latest == null) {
                throw new IllegalStateException("table " + tableName + " has no stream");
            }
            if (streamArn != null && !streamArn.equals(latest)) {
                // Re-created or restored meanwhile: the old stream gets no more records, the new one starts at its
                // oldest record (its checkpoints are keyed by its own ARN).
                LOG.warn("{}: the table {} has a new stream; reading it from its oldest record", function.logicalId(),
                        tableName);
                iterators.clear();
            }
            streamArn = latest;
            streamCheckedNanos = System.nanoTime();
        }
        List<Shard> shards = shards();
        Set<String> known = shards.stream().map(Shard::shardId).collect(Collectors.toSet());
        boolean busy = false;
        for (Shard shard : shards) {
            if (isDone(shard.shardId())) {
                continue;
            }
            // Lambda finishes a parent shard before it reads its children (order across a split).
            if (shard.parentShardId() != null && known.contains(shard.parentShardId()) && !isDone(shard.parentShardId())) {
                continue;
            }
            busy |= pollShard(shard);
        }
        return busy;
    }

    private List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String exclusiveStart = start;
            DescribeStreamResponse response = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(exclusiveStart));
            shards.addAll(response.streamDescription().shards());
            start = response.streamDescription().lastEvaluatedShardId();
        } while (start != null);
        return shards;
    }

    /** Reads the shard once; true when it was busy (records handed over, or the read must be redone). */
    private boolean pollShard(Shard shard) {
        String iterator = iterators.get(shard.shardId());
        if (iterator == null) {
            iterator = initialIterator(shard.shardId());
        }
        String batchIterator = iterator;
        GetRecordsResponse response;
        try {
            response = streams.getRecords(b -> b.shardIterator(batchIterator).limit(event.batchSize()));
        } catch (ExpiredIteratorException | TrimmedDataAccessException stale) {
            // Iterators expire after 15 minutes; DynamoDB Local also rejects a TRIM_HORIZON iterator taken while
            // the shard was still empty once records arrive. A fresh one from the checkpoint is equivalent.
            iterators.remove(shard.shardId());
            if (++staleIterators > 3) {
                staleIterators = 0;
                throw stale; // not a one-off: back off like any other error
            }
            LOG.debug("{}: {}; taking a new shard iterator", function.logicalId(), stale.getClass().getSimpleName());
            return true;
        }
        staleIterators = 0;
        List<Record> records = response.records();
        if (!records.isEmpty()) {
            deliver(shard.shardId(), records, response.nextShardIterator());
        } else {
            iterators.put(shard.shardId(), response.nextShardIterator());
        }
        if (response.nextShardIterator() == null) {
            // A closed shard read to its end.
            checkpoints.put(key(shard.shardId()), DONE);
            iterators.remove(shard.shardId());
        }
        return !records.isEmpty();
    }

    private String initialIterator(String shardId) {
        Optional<String> checkpoint = checkpoints.get(key(shardId)).filter(c -> c.startsWith(AFTER));
        if (checkpoint.isPresent()) {
            try {
                return iterator(shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, checkpoint.get().substring(AFTER.length()));
            } catch (TrimmedDataAccessException trimmed) {
                // As on AWS after 24 hours behind: the records after the checkpoint are gone.
                LOG.warn("{}: the stream of {} no longer holds the records after the checkpoint {}; resuming from its oldest record",
                        function.logicalId(), tableName, checkpoint.get());
                return iterator(shardId, ShardIteratorType.TRIM_HORIZON, null);
            }
        }
        ShardIteratorType start = "LATEST".equals(event.startingPosition()) ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON;
        return iterator(shardId, start, null);
    }

    private String iterator(String shardId, ShardIteratorType type, String sequenceNumber) {
        return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(type).sequenceNumber(sequenceNumber)).shardIterator();
    }

    /**
     * Hands the records to the function until it takes them all, following Lambda's retry rules. Returns once
     * the shard's position is past the last of them.
     */
    private void deliver(String shardId, List<Record> records, String nextIterator) {
        Backoff backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        int attempt = 0;
        while (true) {
            attempt++;
            markPending(records);
            int firstFailed;
            try {
                firstFailed = firstFailure(invoke(event(records)), records);
                deliveryError = firstFailed < 0 ? null : "the function reported a failed record";
            } catch (RuntimeException | Error e) {
                deliveryError = e.getClass().getSimpleName();
                String message = function.logicalId() + ": batch of " + records.size() + " records from " + tableName
                        + " failed (attempt " + attempt + "); the whole batch is retried";
                if (attempt == 1) {
                    LOG.warn(message, e);
                } else {
                    LOG.warn("{}: {}", message, e.toString());
                }
                firstFailed = 0;
            }
            if (firstFailed < 0) {
                checkpoints.put(key(shardId), AFTER + records.get(records.size() - 1).dynamodb().sequenceNumber());
                clearPending();
                lastProgressNanos = System.nanoTime();
                if (nextIterator != null) {
                    iterators.put(shardId, nextIterator);
                } else {
                    iterators.remove(shardId); // never the pre-batch iterator again: the next read starts at the checkpoint
                }
                return;
            }
            if (firstFailed > 0) {
                // The records before the failed one are done: Lambda checkpoints just before it.
                checkpoints.put(key(shardId), AFTER + records.get(firstFailed - 1).dynamodb().sequenceNumber());
                lastProgressNanos = System.nanoTime();
            }
            if (event.maximumRetryAttempts() >= 0 && attempt > event.maximumRetryAttempts()) {
                List<Record> givenUp = records.subList(firstFailed, records.size());
                giveUp(shardId, givenUp, attempt);
                checkpoints.put(key(shardId), AFTER + givenUp.get(givenUp.size() - 1).dynamodb().sequenceNumber());
                iterators.remove(shardId); // the next read starts after the given-up records
                clearPending();
                lastProgressNanos = System.nanoTime();
                return;
            }
            String retryFrom = records.get(firstFailed).dynamodb().sequenceNumber();
            LOG.debug("{}: retrying from sequence number {} (attempt {})", function.logicalId(), retryFrom, attempt);
            pause(backoff.next());
            // Re-read from the failed record: the retried batch may also carry records written meanwhile.
            String iterator = iterator(shardId, ShardIteratorType.AT_SEQUENCE_NUMBER, retryFrom);
            GetRecordsResponse response = streams.getRecords(b -> b.shardIterator(iterator).limit(event.batchSize()));
            if (response.records().isEmpty()) {
                iterators.remove(shardId); // trimmed meanwhile: resume from the checkpoint
                return;
            }
            records = response.records();
            nextIterator = response.nextShardIterator();
        }
    }

    /**
     * The function's answer, within its Timeout as on Lambda. An invocation that outlives it (an SDK call that
     * never returns, a pool that never frees) is interrupted and abandoned on its thread, and fails the batch: the
     * retry runs on a fresh thread. Whatever the abandoned one still sends goes out under the same event ids.
     */
    private Object invoke(DynamodbEvent records) {
        if (invoker == null) {
            invoker = Executors.newSingleThreadExecutor(task -> {
                Thread invocation = new Thread(task, thread.getName() + "-invoke");
                invocation.setDaemon(true);
                return invocation;
            });
        }
        Future<Object> result = invoker.submit(() -> function.invoke(records));
        try {
            return result.get(invocationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException timedOut) {
            result.cancel(true);
            invoker.shutdownNow();
            invoker = null;
            throw new IllegalStateException("the invocation did not end within the function's Timeout of "
                    + invocationTimeout.toSeconds() + " s");
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failed.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(failed.getCause());
        } catch (InterruptedException interrupted) {
            result.cancel(true);
            throw new Stopped();
        }
    }

    /**
     * Reports records Lambda would stop retrying to the OnFailure destination, as Lambda's invocation record: where
     * they are in the stream, not their content. Without a destination they are only logged. A destination that
     * cannot be reached fails the pass: the batch is read again from the checkpoint and retried.
     */
    private void giveUp(String shardId, List<Record> givenUp, int attempts) {
        LOG.error("{}: giving up {} records of {} from sequence number {} after {} attempts (MaximumRetryAttempts {}){}",
                function.logicalId(), givenUp.size(), tableName, givenUp.get(0).dynamodb().sequenceNumber(), attempts,
                event.maximumRetryAttempts(), onFailure == null ? "; no OnFailure destination" : "; reported to "
                        + event.onFailureQueueLogicalId());
        if (onFailure == null) {
            return;
        }
        Map<String, Object> requestContext = new LinkedHashMap<>();
        requestContext.put("requestId", java.util.UUID.randomUUID().toString());
        requestContext.put("functionArn", "arn:aws:lambda:" + TemplateModel.REGION + ":000000000000:function:"
                + TemplateModel.STACK_NAME + "-" + function.logicalId());
        requestContext.put("condition", "RetryAttemptsExhausted");
        requestContext.put("approximateInvokeCount", attempts);
        Map<String, Object> responseContext = new LinkedHashMap<>();
        responseContext.put("statusCode", 200);
        responseContext.put("executedVersion", "$LATEST");
        responseContext.put("functionError", "Unhandled");
        Map<String, Object> batchInfo = new LinkedHashMap<>();
        batchInfo.put("shardId", shardId);
        batchInfo.put("startSequenceNumber", givenUp.get(0).dynamodb().sequenceNumber());
        batchInfo.put("endSequenceNumber", givenUp.get(givenUp.size() - 1).dynamodb().sequenceNumber());
        batchInfo.put("approximateArrivalOfFirstRecord", arrival(givenUp.get(0)));
        batchInfo.put("approximateArrivalOfLastRecord", arrival(givenUp.get(givenUp.size() - 1)));
        batchInfo.put("batchSize", givenUp.size());
        batchInfo.put("streamArn", streamArn);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("requestContext", requestContext);
        record.put("responseContext", responseContext);
        record.put("version", "1.0");
        record.put("timestamp", java.time.Instant.now().toString());
        record.put("DDBStreamBatchInfo", batchInfo);
        try {
            onFailure.accept(INVOCATION_RECORDS.writeValueAsString(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an invocation record", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper INVOCATION_RECORDS =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Seconds precision, as Lambda writes it ("2019-11-14T00:13:19Z"). */
    private static String arrival(Record record) {
        java.time.Instant created = record.dynamodb().approximateCreationDateTime();
        return created == null ? null : created.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private void markPending(List<Record> records) {
        java.time.Instant created = records.get(0).dynamodb().approximateCreationDateTime();
        oldestPendingMillis = created == null ? System.currentTimeMillis() : created.toEpochMilli();
        pendingMore = records.size() >= event.batchSize();
        pendingRecords = records.size();
    }

    private void clearPending() {
        pendingRecords = 0;
        pendingMore = false;
        oldestPendingMillis = 0;
        deliveryError = null;
    }

    /**
     * Index of the lowest failed record, -1 when all succeeded. As on Lambda, a failure naming no record of
     * the batch (or naming none at all) fails the whole batch.
     */
    private int firstFailure(Object result, List<Record> records) {
        if (!(result instanceof StreamsEventResponse response) || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return -1;
        }
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            positions.put(records.get(i).dynamodb().sequenceNumber(), i);
        }
        int first = Integer.MAX_VALUE;
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            Integer position = failure == null ? null : positions.get(failure.getItemIdentifier());
            if (position == null) {
                LOG.warn("{}: batch item failure {} names no record of the batch; retrying the whole batch",
                        function.logicalId(), failure == null ? null : failure.getItemIdentifier());
                return 0;
            }
            first = Math.min(first, position);
        }
        LOG.info("{}: {} of {} records reported failed; retrying from sequence number {}", function.logicalId(),
                response.getBatchItemFailures().size(), records.size(), records.get(first).dynamodb().sequenceNumber());
        return first;
    }

    private String key(String shardId) {
        return function.logicalId() + "." + event.eventId() + "|" + streamArn + "|" + shardId;
    }

    private boolean isDone(String shardId) {
        return checkpoints.get(key(shardId)).filter(DONE::equals).isPresent();
    }

    private void markIdle(long passStartedAt) {
        synchronized (idleLock) {
            idleSeen = true;
            idlePassStartedAt = passStartedAt;
            idleLock.notifyAll();
        }
    }

    private void pause(Duration duration) {
        if (!running) {
            throw new Stopped();
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            throw new Stopped();
        }
        if (!running) {
            throw new Stopped();
        }
    }

    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }


    // ------------------------------------------------------------------ SDK v2 record -> Lambda event

    private DynamodbEvent event(List<Record> records) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(records.size());
        for (Record record : records) {
            converted.add(convert(record, streamArn));
        }
        DynamodbEvent dynamodbEvent = new DynamodbEvent();
        dynamodbEvent.setRecords(converted);
        return dynamodbEvent;
    }

    /** A DynamoDB Streams record as Lambda's event library carries it to a function. */
    public static DynamodbEvent.DynamodbStreamRecord convert(Record record, String streamArn) {
        DynamodbEvent.DynamodbStreamRecord converted = new DynamodbEvent.DynamodbStreamRecord();
        converted.setEventSourceARN(streamArn);
        converted.setEventID(record.eventID());
        converted.setEventName(record.eventNameAsString());
        converted.setEventVersion(record.eventVersion());
        converted.setEventSource(record.eventSource());
        converted.setAwsRegion(record.awsRegion());
        if (record.userIdentity() != null) {
            converted.setUserIdentity(new Identity()
                    .withPrincipalId(record.userIdentity().principalId())
                    .withType(record.userIdentity().type()));
        }
        StreamRecord source = record.dynamodb();
        var target = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
        if (source.approximateCreationDateTime() != null) {
            target.setApproximateCreationDateTime(Date.from(source.approximateCreationDateTime()));
        }
        target.setSequenceNumber(source.sequenceNumber());
        target.setSizeBytes(source.sizeBytes());
        if (source.streamViewTypeAsString() != null) {
            target.setStreamViewType(StreamViewType.fromValue(source.streamViewTypeAsString()));
        }
        if (source.hasKeys()) {
            target.setKeys(convert(source.keys()));
        }
        if (source.hasNewImage()) {
            target.setNewImage(convert(source.newImage()));
        }
        if (source.hasOldImage()) {
            target.setOldImage(convert(source.oldImage()));
        }
        converted.setDynamodb(target);
        return converted;
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> convert(
            Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> converted = new LinkedHashMap<>();
        item.forEach((name, value) -> converted.put(name, convert(value)));
        return converted;
    }

    static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue convert(AttributeValue value) {
        var converted = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (value.type()) {
            case S -> converted.setS(value.s());
            case N -> converted.setN(value.n());
            case B -> converted.setB(ByteBuffer.wrap(value.b().asByteArray()));
            case SS -> converted.setSS(value.ss());
            case NS -> converted.setNS(value.ns());
            case BS -> converted.setBS(value.bs().stream().map(b -> ByteBuffer.wrap(b.asByteArray())).toList());
            case M -> converted.setM(convert(value.m()));
            case L -> converted.setL(value.l().stream().map(StreamPoller::convert).toList());
            case BOOL -> converted.setBOOL(value.bool());
            case NUL -> converted.setNULL(value.nul());
            default -> throw new IllegalArgumentException("unknown attribute value type " + value);
        }
        return converted;
    }
}
