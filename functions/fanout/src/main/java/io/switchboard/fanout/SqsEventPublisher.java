package io.switchboard.fanout;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher;
import io.switchboard.core.json.Json;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Sends events to every subscriber queue, named by ARN in {@code SUBSCRIBER_QUEUE_ARNS} (comma-separated;
 * template.yaml feeds it and the fan-out's IAM policy from the same parameter). Each ARN is turned into its
 * queue URL once per container with GetQueueUrl. FIFO queues get MessageGroupId = customer id (the event's
 * subject), for per-customer order, and MessageDeduplicationId = event id, so a re-sent event within SQS's
 * five-minute window is dropped by SQS itself.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 *
 * <p><b>Batching.</b> Per queue, the events are split into lanes, one per customer, each in the given order;
 * customers whose lanes fit in one request together share one (see {@link #shareRequests}: SQS keeps the order of a
 * FIFO batch's entries per message group). A lane goes out with SendMessageBatch, one request after another: up to {@link #BATCH_ENTRIES} entries
 * (at most 10) per request, and never more than 262,144 bytes of message bodies in one request (SQS's batch
 * payload limit). SQS enqueues the entries of one FIFO batch in the order they are given. Lanes of different
 * customers (and of different queues) run in parallel on a small pool, created once per container, of
 * {@link #CONCURRENCY} threads (default 4: the JDK's URLConnection keeps up to 5 idle connections per host, so
 * every thread keeps reusing its connection). Standard queues are batched the same way.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 *
 * <p><b>Failures.</b> An entry a queue refuses for its content (a per-entry failure that is the sender's fault
 * with a content code, e.g. InvalidMessageContents) will be refused on every retry: it is {@code Refused} and
 * the lane goes on. When a whole request is refused for content, its entries are sent again one per request to
 * find the one at fault. Anything else (throttling, 5xx, a queue unreachable, a per-entry failure that is not
 * the sender's fault) is transient: the entry is {@code Unsent}, and so is the rest of its lane, which stops
 * there so that no later event of that customer overtakes it. Entries of the same request after a transient
 * per-entry failure are already in the queue; the retry sends them again with the same ids.
 */
@Singleton
@Secondary
public class SqsEventPublisher implements EventPublisher, AutoCloseable {

    public static final String SUBSCRIBER_QUEUE_ARNS = "SUBSCRIBER_QUEUE_ARNS";
    /** How many lanes (customer x queue) are sent at the same time. */
    public static final String CONCURRENCY = "FANOUT_CONCURRENCY";
    /** Entries per SendMessageBatch request, 1 to 10 (1: one message per request, the one-at-a-time baseline). */
    public static final String BATCH_ENTRIES = "FANOUT_BATCH_ENTRIES";

    static final int DEFAULT_CONCURRENCY = 4;
    /** SQS takes up to 10 entries per SendMessageBatch. */
    static final int MAX_BATCH_ENTRIES = 10;
    /** SQS takes up to 262,144 bytes of message bodies per SendMessageBatch (the sum of the entries). */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    /** Error codes of a message SQS will never take. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html#API_SendMessage_Errors */
    private static final Set<String> REFUSED_CONTENT = Set.of("InvalidMessageContents",
            "AWS.SimpleQueueService.InvalidMessageContents", "InvalidParameterValue", "MessageTooLong",
            "BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong");

    private final SqsClient sqs;
    private final Settings settings;
    private final int batchEntries;
    private final ThreadPoolExecutor pool;
    private final Map<String, String> urlByArn = new ConcurrentHashMap<>();

    public SqsEventPublisher(SqsClient sqs, Settings settings) {
        this.sqs = sqs;
        this.settings = settings;
        int concurrency = settings.get(CONCURRENCY).map(Integer::parseInt).orElse(DEFAULT_CONCURRENCY);
        if (concurrency < 1) {
            throw new IllegalArgumentException(CONCURRENCY + " must be at least 1");
        }
        this.batchEntries = settings.get(BATCH_ENTRIES).map(Integer::parseInt).orElse(MAX_BATCH_ENTRIES);
        if (batchEntries < 1 || batchEntries > MAX_BATCH_ENTRIES) {
            throw new IllegalArgumentException(BATCH_ENTRIES + " must be 1 to " + MAX_BATCH_ENTRIES);
        }
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "fanout-publisher-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        // Idle threads end after a minute and start again on demand: a context that is never closed leaks none.
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Read at use, not at construction (Lambda's context builds every singleton eagerly). */
    List<String> queueUrls() {
        return Arrays.stream(settings.require(SUBSCRIBER_QUEUE_ARNS).split(","))
                .map(String::trim).filter(arn -> !arn.isEmpty())
                .map(arn -> urlByArn.computeIfAbsent(arn, this::queueUrl))
                .toList();
    }

    private String queueUrl(String arn) {
        // arn:aws:sqs:<region>:<account>:<queue name>
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !"sqs".equals(parts[2])) {
            throw new IllegalArgumentException("not an SQS queue ARN: " + arn);
        }
        return sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(parts[5]).queueOwnerAWSAccountId(parts[4]).build())
                .queueUrl();
    }

    @Override
    public Publication publish(List<CloudEvent> events) {
        return publish(events, null, "");
    }

    /**
     * The same, to one named queue instead of every subscriber: a replay ({@link ReplayHandler}). A FIFO queue drops
     * a message whose deduplication id it saw in the last five minutes, so a replay's are the event id plus
     * {@code ":" + replayId}: the events arrive again, and consumers dedupe on their (unchanged) CloudEvent ids.
     */
    public Publication publishTo(String queueUrl, List<CloudEvent> events, String replayId) {
        return publish(events, List.of(queueUrl), ":" + replayId);
    }

    private Publication publish(List<CloudEvent> events, List<String> onlyTo, String deduplicationSuffix) {
        if (events.isEmpty()) {
            return new Publication(List.of(), 0);
        }
        List<String> queueUrls;
        List<String> bodies;
        int[] bodyBytes;
        try {
            queueUrls = onlyTo != null ? onlyTo : queueUrls();
            bodies = events.stream().map(Json::write).toList();
            bodyBytes = bodies.stream().mapToInt(body -> body.getBytes(StandardCharsets.UTF_8).length).toArray();
        } catch (RuntimeException unavailable) {
            return new Publication(events.stream().map(event -> (Outcome) new Outcome.Unsent(unavailable)).toList(), 0);
        }
        Map<String, List<Integer>> byCustomer = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            byCustomer.computeIfAbsent(events.get(i).subject(), subject -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> lanes = shareRequests(byCustomer.values(), bodyBytes);
        List<AtomicReferenceArray<Outcome>> byQueue = new ArrayList<>();
        List<Future<Integer>> running = new ArrayList<>();
        for (String queueUrl : queueUrls) {
            AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(events.size());
            byQueue.add(outcomes);
            for (List<Integer> lane : lanes) {
                running.add(pool.submit(() -> sendLane(queueUrl, lane, events, bodies, bodyBytes, outcomes,
                        deduplicationSuffix)));
            }
        }
        int requests = 0;
        RuntimeException unconfirmed = null;
        for (Future<Integer> lane : running) {
            try {
                requests += lane.get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                unconfirmed = new IllegalStateException("interrupted while publishing");
                break;
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof Error error) {
                    throw error;
                }
                unconfirmed = new IllegalStateException("a publishing lane failed", failed.getCause());
            }
        }
        return new Publication(combine(events.size(), byQueue, unconfirmed), requests);
    }

    /**
     * Customers with few events share requests: whole lanes that fit in one request together (entries and bytes)
     * become one lane, their events in the given order. A stream batch of many customers with an event or two
     * each (the common case) then goes out in requests of 10 instead of one request per customer. A customer with
     * more than a request's worth keeps a lane of its own. Within a shared lane every customer's events keep their
     * order, and a transient failure leaves the rest of the shared lane unsent (sent again on the retry, dropped as
     * duplicates), so nothing of any of its customers overtakes an unsent event.
     */
    private List<List<Integer>> shareRequests(java.util.Collection<List<Integer>> customerLanes, int[] bodyBytes) {
        List<List<Integer>> lanes = new ArrayList<>();
        List<Integer> shared = new ArrayList<>();
        long sharedBytes = 0;
        for (List<Integer> lane : customerLanes) {
            long bytes = lane.stream().mapToLong(i -> bodyBytes[i]).sum();
            if (lane.size() >= batchEntries || bytes > MAX_BATCH_BYTES) {
                lanes.add(lane);
                continue;
            }
            if (shared.size() + lane.size() > batchEntries || sharedBytes + bytes > MAX_BATCH_BYTES) {
                lanes.add(shared);
                shared = new ArrayList<>();
                sharedBytes = 0;
            }
            shared.addAll(lane);
            sharedBytes += bytes;
        }
        if (!shared.isEmpty()) {
            lanes.add(shared);
        }
        lanes.forEach(java.util.Collections::sort);
        return lanes;
    }

    /** An event is published once every queue has it; unsent if any queue may not have it; else refused. */
    private static List<Outcome> combine(int size, List<AtomicReferenceArray<Outcome>> byQueue,
                                         RuntimeException unconfirmed) {
        List<Outcome> combined = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Outcome result = Outcome.PUBLISHED;
            for (AtomicReferenceArray<Outcome> outcomes : byQueue) {
                Outcome outcome = outcomes.get(i);
                if (outcome == null) {
                    outcome = new Outcome.Unsent(unconfirmed != null ? unconfirmed
                            : new IllegalStateException("publishing did not finish"));
                }
                if (outcome instanceof Outcome.Unsent) {
                    result = outcome;
                    break;
                }
                if (outcome instanceof Outcome.Refused && result instanceof Outcome.Published) {
                    result = outcome;
                }
            }
            combined.add(result);
        }
        return combined;
    }

    /**
     * Sends one customer's events to one queue, in order, request after request; stops at the first transient
     * failure and marks the rest of the lane unsent.
     *
     * @return how many requests the queue answered
     */
    private int sendLane(String queueUrl, List<Integer> lane, List<CloudEvent> events, List<String> bodies,
                         int[] bodyBytes, AtomicReferenceArray<Outcome> outcomes, String deduplicationSuffix) {
        boolean fifo = queueUrl.endsWith(".fifo");
        int requests = 0;
        int position = 0;
        int oneByOneUntil = -1;
        while (position < lane.size()) {
            int size = batchSize(lane, bodyBytes, position, position < oneByOneUntil ? 1 : batchEntries);
            List<Integer> batch = lane.subList(position, position + size);
            SendMessageBatchResponse response;
            try {
                response = sqs.sendMessageBatch(request(queueUrl, fifo, batch, events, bodies, deduplicationSuffix));
            } catch (RuntimeException fault) {
                String refused = refusedContent(fault);
                if (refused != null && size > 1) {
                    oneByOneUntil = position + size; // find the entry at fault: send these again one per request
                    continue;
                }
                if (refused != null) {
                    outcomes.set(batch.get(0), new Outcome.Refused(refused));
                    position++;
                    continue;
                }
                markUnsent(lane, position, outcomes, fault);
                return requests;
            }
            requests++;
            Set<String> successful = new HashSet<>();
            response.successful().forEach(entry -> successful.add(entry.id()));
            Map<String, BatchResultErrorEntry> failed = new HashMap<>();
            response.failed().forEach(entry -> failed.put(entry.id(), entry));
            RuntimeException transientFault = null;
            for (int i = 0; i < size; i++) {
                String id = Integer.toString(i);
                BatchResultErrorEntry failure = failed.get(id);
                Outcome outcome;
                if (failure != null && Boolean.TRUE.equals(failure.senderFault())
                        && REFUSED_CONTENT.contains(failure.code())) {
                    outcome = new Outcome.Refused(failure.code());
                } else if (failure == null && successful.contains(id)) {
                    outcome = Outcome.PUBLISHED;
                } else {
                    // failed for a reason of the moment, or not accounted for in the answer: not known to be in
                    RuntimeException fault = failure != null ? entryFault(failure)
                            : new IllegalStateException("SendMessageBatch did not report entry " + id);
                    outcome = new Outcome.Unsent(fault);
                    transientFault = transientFault == null ? fault : transientFault;
                }
                outcomes.set(batch.get(i), outcome);
            }
            position += size;
            if (transientFault != null) {
                markUnsent(lane, position, outcomes, transientFault);
                return requests;
            }
        }
        return requests;
    }

    /** How many of the lane's next events go in one request: up to {@code maxEntries}, within the byte limit. */
    private static int batchSize(List<Integer> lane, int[] bodyBytes, int from, int maxEntries) {
        int size = 0;
        long bytes = 0;
        while (from + size < lane.size() && size < maxEntries) {
            bytes += bodyBytes[lane.get(from + size)];
            if (size > 0 && bytes > MAX_BATCH_BYTES) {
                break;
            }
            size++;
        }
        return size;
    }

    private static SendMessageBatchRequest request(String queueUrl, boolean fifo, List<Integer> batch,
                                                   List<CloudEvent> events, List<String> bodies,
                                                   String deduplicationSuffix) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            CloudEvent event = events.get(batch.get(i));
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i)).messageBody(bodies.get(batch.get(i)));
            if (fifo) {
                entry.messageGroupId(event.subject()).messageDeduplicationId(event.id() + deduplicationSuffix);
            }
            entries.add(entry.build());
        }
        return SendMessageBatchRequest.builder().queueUrl(queueUrl).entries(entries).build();
    }

    private static void markUnsent(List<Integer> lane, int from, AtomicReferenceArray<Outcome> outcomes,
                                   RuntimeException fault) {
        Outcome unsent = new Outcome.Unsent(fault);
        for (int i = from; i < lane.size(); i++) {
            outcomes.set(lane.get(i), unsent);
        }
    }

    /** The content code of a whole request SQS refused for what it carries, or null when the fault is transient. */
    private static String refusedContent(RuntimeException fault) {
        if (fault instanceof InvalidMessageContentsException) {
            return "InvalidMessageContents";
        }
        if (fault instanceof BatchRequestTooLongException) {
            return "BatchRequestTooLong";
        }
        if (fault instanceof AwsServiceException service && service.awsErrorDetails() != null
                && REFUSED_CONTENT.contains(service.awsErrorDetails().errorCode())) {
            return service.awsErrorDetails().errorCode();
        }
        return null;
    }

    /** A per-entry failure as a fault that logs its code; SQS's message is left out (it can quote the body). */
    private static RuntimeException entryFault(BatchResultErrorEntry failure) {
        boolean senderFault = Boolean.TRUE.equals(failure.senderFault());
        return SqsException.builder().statusCode(senderFault ? 400 : 500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(failure.code()).serviceName("Sqs")
                        .errorMessage("batch entry failed").build())
                .message("batch entry failed: " + failure.code()).build();
    }

    @Override
    @PreDestroy
    public void close() {
        pool.shutdown();
    }
}
