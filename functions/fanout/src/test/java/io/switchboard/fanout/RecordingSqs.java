package io.switchboard.fanout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * An SQS stand-in for SendMessageBatch: records every request, keeps what each queue holds (a FIFO queue drops
 * a message whose deduplication id it already has, as SQS does within five minutes), and fails on cue: per entry
 * (a body containing a marker gets a {@code Failed} entry), or for a whole request (a request carrying a marker
 * throws). It can also hold each request until a number of them are in flight at once.
 */
final class RecordingSqs implements SqsClient {

    record Message(String body, String groupId, String deduplicationId) {
    }

    record Call(String queueUrl, List<Message> messages) {

        int bytes() {
            return messages.stream().mapToInt(m -> m.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        }
    }

    private record EntryFault(String queueUrl, boolean senderFault, String code) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final Map<String, List<Message>> queues = new LinkedHashMap<>();
    private final Map<String, Set<String>> deduplicationIds = new LinkedHashMap<>();
    private final Map<String, EntryFault> entryFaults = new ConcurrentHashMap<>();
    private final Map<String, Supplier<RuntimeException>> callFaults = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile CyclicBarrier rendezvous;
    private int accepted;

    /** Entries whose body contains {@code marker} fail with this code. */
    RecordingSqs failEntries(String marker, boolean senderFault, String code) {
        entryFaults.put(marker, new EntryFault(null, senderFault, code));
        return this;
    }

    /** Entries whose body contains {@code marker} fail with this code, on that queue only. */
    RecordingSqs failEntriesIn(String queueUrl, String marker, boolean senderFault, String code) {
        entryFaults.put(marker, new EntryFault(queueUrl, senderFault, code));
        return this;
    }

    /** Requests carrying an entry whose body contains {@code marker} throw. */
    RecordingSqs failRequests(String marker, Supplier<RuntimeException> fault) {
        callFaults.put(marker, fault);
        return this;
    }

    /** SQS is well again. */
    void heal() {
        entryFaults.clear();
        callFaults.clear();
    }

    /** Each request waits until {@code parties} requests are in flight together (a guard ends a wait that never would). */
    void meetInGroupsOf(int parties) {
        rendezvous = new CyclicBarrier(parties);
    }

    static SqsException throttled() {
        return (SqsException) SqsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("RequestThrottled").errorMessage("Request is throttled.").build()).build();
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        return GetQueueUrlResponse.builder().queueUrl("https://sqs.us-east-1.amazonaws.com/"
                + request.queueOwnerAWSAccountId() + "/" + request.queueName()).build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
        try {
            CyclicBarrier barrier = rendezvous;
            if (barrier != null) {
                try {
                    barrier.await(60, TimeUnit.SECONDS);
                } catch (Exception neverMet) {
                    throw new IllegalStateException("requests never met", neverMet);
                }
            }
            return record(request);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private synchronized SendMessageBatchResponse record(SendMessageBatchRequest request) {
        if (request.entries().isEmpty() || request.entries().size() > 10) {
            throw new IllegalArgumentException("SQS takes 1 to 10 entries, not " + request.entries().size());
        }
        List<Message> messages = request.entries().stream()
                .map(e -> new Message(e.messageBody(), e.messageGroupId(), e.messageDeduplicationId())).toList();
        calls.add(new Call(request.queueUrl(), messages));
        for (var fault : callFaults.entrySet()) {
            if (request.entries().stream().anyMatch(e -> e.messageBody().contains(fault.getKey()))) {
                throw fault.getValue().get();
            }
        }
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        List<SendMessageBatchResultEntry> successful = new ArrayList<>();
        for (SendMessageBatchRequestEntry entry : request.entries()) {
            EntryFault fault = entryFaults.entrySet().stream().filter(f -> entry.messageBody().contains(f.getKey()))
                    .map(Map.Entry::getValue)
                    .filter(f -> f.queueUrl() == null || f.queueUrl().equals(request.queueUrl()))
                    .findFirst().orElse(null);
            if (fault != null) {
                failed.add(BatchResultErrorEntry.builder().id(entry.id()).senderFault(fault.senderFault())
                        .code(fault.code()).message("failed: " + entry.messageBody()).build());
                continue;
            }
            accepted++;
            boolean fifo = request.queueUrl().endsWith(".fifo");
            if (!fifo || deduplicationIds.computeIfAbsent(request.queueUrl(), q -> new HashSet<>())
                    .add(entry.messageDeduplicationId())) {
                queues.computeIfAbsent(request.queueUrl(), q -> new ArrayList<>())
                        .add(new Message(entry.messageBody(), entry.messageGroupId(), entry.messageDeduplicationId()));
            }
            successful.add(SendMessageBatchResultEntry.builder().id(entry.id()).messageId("m" + accepted).build());
        }
        return SendMessageBatchResponse.builder().successful(successful).failed(failed).build();
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** What the queue holds, in the order it took it. */
    synchronized List<Message> queue(String queueUrl) {
        return List.copyOf(queues.getOrDefault(queueUrl, List.of()));
    }

    /** How many entries SQS accepted, duplicates included. */
    synchronized int accepted() {
        return accepted;
    }

    int mostInFlight() {
        return mostInFlight.get();
    }

    @Override
    public String serviceName() {
        return "sqs";
    }

    @Override
    public void close() {
    }
}
