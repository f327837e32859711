package io.switchboard.local.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Looks for the events of the smoke's samples on a queue that others read, and takes none of them away: a received
 * message is kept out of sight only while the watch looks (its visibility timeout covers the wait) and is then made
 * visible again with ChangeMessageVisibility 0, never deleted, so a helpdesk reading the queue still gets every event.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 *
 * <p>The events queue is FIFO, grouped by customer: while one of a customer's messages is in flight, SQS hands out none
 * of its later ones, and a receive returns as many of one group's messages as it can, up to ten in all
 * (https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned). So the watch waits for the fan-out to have
 * published before it receives, keeps what it received out of sight (each receive then shows messages it has not
 * seen), and gives a group back early when its later messages may be waiting behind it: the last group of a full
 * receive (cut at ten), and everything it holds when a receive finds nothing while events are still missing. Every
 * receive counts towards a message's maxReceiveCount (5 on the events queue): one run receives a message at most
 * {@link #MAX_RECEIVES} times.
 */
final class EventWatch implements AutoCloseable {

    static final int MAX_RECEIVES = 3;
    /** A receive's long poll: short enough to notice the deadline and to give back early. */
    private static final int LONG_POLL_SECONDS = 5;
    /** Any smoke run's marker in an id (SmokeCommand#marker). */
    static final Pattern ANY_MARKER = Pattern.compile("smoke[0-9a-f]{10}");

    /** One event read off the queue: its type and every string of its entry (ids sit in several fields). */
    record Seen(String messageId, String type, Set<String> strings) {
        boolean names(String id) {
            return strings.stream().anyMatch(s -> s.contains(id));
        }
    }

    private record Held(String receiptHandle, String groupId) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final Supplier<Instant> clock;
    /**
     * The messages in flight for this watch, by SQS message id: given back on close (also from a shutdown hook, while
     * the watch may still be receiving).
     */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** How often this watch received each message. */
    private final Map<String, Integer> receives = new HashMap<>();
    /** Every event read, in the order received (a message received again is not added twice). */
    private final List<Seen> seen = new ArrayList<>();
    private int notReturned;

    EventWatch(SqsClient sqs, String queueUrl, Supplier<Instant> clock) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.clock = clock;
    }

    /** Messages on the queue now (ApproximateNumberOfMessages: visible, not in flight). */
    long visibleMessages() {
        String count = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return count == null ? 0 : Long.parseLong(count);
    }

    /**
     * Waits until the fan-out has had time to publish: the queue shows at least {@code expected} more messages than
     * {@code before} and its count stayed the same for two seconds, or its count stayed the same for five seconds (a
     * helpdesk reading the queue keeps the count down), or twenty seconds passed, or the deadline came.
     */
    void settle(long before, int expected, Instant deadline) throws InterruptedException {
        Instant end = min(deadline, clock.get().plusSeconds(20));
        long last = -1;
        Instant steadySince = clock.get();
        while (clock.get().isBefore(end)) {
            long now = visibleMessages();
            if (now != last) {
                last = now;
                steadySince = clock.get();
            } else {
                Duration steady = Duration.between(steadySince, clock.get());
                if (steady.toSeconds() >= 5 || steady.toSeconds() >= 2 && now >= before + expected) {
                    return;
                }
            }
            Thread.sleep(500);
        }
    }

    /**
     * Receives until {@code done} says every event it needs has been seen, or the deadline passes.
     *
     * @param done looks at every event seen so far (in the order received)
     */
    void watch(java.util.function.Predicate<List<Seen>> done, Instant deadline) {
        while (!done.test(seen)) {
            long left = Duration.between(clock.get(), deadline).toSeconds();
            if (left < 1) {
                return;
            }
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds((int) Math.min(LONG_POLL_SECONDS, left))
                    // Out of sight until this watch gives them back, so that no receive shows one twice.
                    .visibilityTimeout((int) Math.min(43_200, left + 30))
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            for (Message message : messages) {
                held.put(message.messageId(), new Held(message.receiptHandle(),
                        message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)));
                if (receives.merge(message.messageId(), 1, Integer::sum) == 1) {
                    seen.add(parse(message));
                }
            }
            if (done.test(seen)) {
                return;
            }
            if (messages.size() == 10) {
                // A full receive may have cut its last group short: give that group back, unless it filled the
                // receive alone (the same ten would come again).
                String lastGroup = held.get(messages.get(9).messageId()).groupId();
                if (lastGroup != null && !messages.stream().allMatch(m -> lastGroup.equals(held.get(m.messageId()).groupId()))) {
                    giveBack(messages.stream().map(Message::messageId)
                            .filter(id -> lastGroup.equals(held.get(id).groupId())).toList());
                }
            } else if (messages.isEmpty()) {
                // Nothing more comes while events are missing: their customers' first events may be held here.
                giveBack(List.copyOf(held.keySet()));
            }
        }
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Events seen that carry another smoke run's marker: a queue nobody reads still holds them. */
    long earlierRuns(String marker) {
        return seen.stream().filter(event -> event.strings().stream().anyMatch(s -> {
            var matcher = ANY_MARKER.matcher(s);
            while (matcher.find()) {
                if (!matcher.group().equals(marker)) {
                    return true;
                }
            }
            return false;
        })).count();
    }

    /** Messages this watch could not give back (they reappear when their visibility timeout ends). */
    int notReturned() {
        return notReturned;
    }

    /** Gives back everything still held. */
    @Override
    public synchronized void close() {
        List<String> all = List.copyOf(held.keySet());
        List<String> failed = changeVisibility(all);
        all.forEach(held::remove);
        notReturned += failed.size();
    }

    /**
     * Gives these messages back early, except those received {@link #MAX_RECEIVES} times already (they stay held
     * until the end, so that this run does not bring them nearer the dead-letter queue).
     */
    private synchronized void giveBack(List<String> messageIds) {
        List<String> returnable = messageIds.stream().filter(id -> receives.getOrDefault(id, 0) < MAX_RECEIVES).toList();
        List<String> failed = changeVisibility(returnable);
        returnable.stream().filter(id -> !failed.contains(id)).forEach(held::remove);
    }

    /** ChangeMessageVisibility 0 for these held messages, ten to a request; the ids it failed for. */
    private List<String> changeVisibility(List<String> messageIds) {
        List<String> failed = new ArrayList<>();
        for (int from = 0; from < messageIds.size(); from += 10) {
            List<String> batch = messageIds.subList(from, Math.min(messageIds.size(), from + 10));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Held message = held.get(batch.get(i));
                if (message != null) {
                    entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                            .receiptHandle(message.receiptHandle()).visibilityTimeout(0).build());
                }
            }
            if (entries.isEmpty()) {
                continue;
            }
            try {
                for (BatchResultErrorEntry error : sqs.changeMessageVisibilityBatch(request -> request
                        .queueUrl(queueUrl).entries(entries)).failed()) {
                    failed.add(batch.get(Integer.parseInt(error.id())));
                }
            } catch (RuntimeException e) {
                failed.addAll(batch);
            }
        }
        return failed;
    }

    private static Seen parse(Message message) {
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(message.body());
        } catch (IOException notJson) {
            return new Seen(message.messageId(), "", Set.of());
        }
        // The entry the event is about, not the history a call.started carries (data.recentEntries): its provider
        // id and its details (a voicemail's callSid...). docs/events/switchboard-event.v1.schema.json
        Set<String> strings = new HashSet<>();
        collect(event.path("data").path("entry"), strings);
        return new Seen(message.messageId(), event.path("type").asText(""), strings);
    }

    private static void collect(JsonNode node, Set<String> strings) {
        if (node.isTextual()) {
            strings.add(node.asText());
        } else {
            node.forEach(child -> collect(child, strings));
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
