package io.switchboard.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import io.switchboard.core.store.LogItems;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The fan-out handler publishing a stream batch's events in batches, per customer, in parallel. */
class BatchedFanoutTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/events.fifo";

    /** A directory that can be down for one customer. */
    private static final class FlakyDirectory extends InMemoryCustomerDirectory {
        private volatile String unavailableFor;

        @Override
        public Optional<Customer> get(String customerId) {
            if (customerId.equals(unavailableFor)) {
                throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
            }
            return super.get(customerId);
        }
    }

    private final FlakyDirectory directory = new FlakyDirectory();
    private final Map<String, Customer> customers = Map.of(
            "A", directory.resolve(Identity.phone("14155550101"), "Ann", "/whatsapp/1", AT).customer(),
            "B", directory.resolve(Identity.phone("14155550102"), "Bob", "/whatsapp/1", AT).customer(),
            "C", directory.resolve(Identity.phone("14155550103"), "Cy", "/whatsapp/1", AT).customer());
    private final RecordingSqs sqs = new RecordingSqs();
    private final SqsEventPublisher publisher = new SqsEventPublisher(sqs, Settings.of(Map.of(
            SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS, "arn:aws:sqs:us-east-1:000000000000:events.fifo")));
    private final List<String> parked = new ArrayList<>();
    private ParkedChanges parking = (reason, sequenceNumber, customerId, sortKey, eventId, eventType) ->
            parked.add(reason + " " + sequenceNumber + " " + eventType);

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    @Test
    void givenTwentyFiveEntriesOfThreeCustomers_whenHandled_thenEachIsPublishedOnce_inBatchesOfAtMostTen_inEachCustomersOrder() {
        // given a stream batch of 25 new entries of customers A, B and C, interleaved
        List<DynamodbEvent.DynamodbStreamRecord> records = interleavedEntries(25);

        // when the fan-out handles it
        StreamsEventResponse response = handle(records);

        // then nothing is retried, and SQS took 25 messages, no event twice
        assertTrue(response.getBatchItemFailures().isEmpty());
        assertEquals(25, sqs.accepted());
        assertEquals(25, sqs.queue(QUEUE_URL).stream().map(RecordingSqs.Message::deduplicationId).distinct().count());
        // in requests of at most ten entries, each of one customer
        assertTrue(sqs.calls().stream().allMatch(call -> call.messages().size() <= 10
                && call.messages().stream().map(RecordingSqs.Message::groupId).distinct().count() == 1));
        assertTrue(sqs.calls().size() < 25);
        // and each customer's events are in the queue in stream order
        assertEachCustomersOrder(records);
        assertTrue(parked.isEmpty());
    }

    @Test
    void givenOneEntryRefusedForItsContent_whenHandled_thenItIsParkedWithItsReason_andTheRestArePublished() {
        // given SQS refuses (per entry, the sender's fault) the text of B's second entry
        sqs.failEntries("text of B #2.", true, "InvalidMessageContents");
        List<DynamodbEvent.DynamodbStreamRecord> records = interleavedEntries(9);

        // when the fan-out handles the batch
        StreamsEventResponse response = handle(records);

        // then nothing is retried; the refused event is parked with SQS's code and every other event is published
        assertTrue(response.getBatchItemFailures().isEmpty());
        assertEquals(List.of("InvalidMessageContents 5 switchboard.message.received"), parked);
        assertEquals(8, sqs.queue(QUEUE_URL).size());
        assertTrue(sqs.queue(QUEUE_URL).stream().noneMatch(m -> m.body().contains("text of B #2.")));
    }

    @Test
    void givenAThrottledEntryOfCustomerB_whenHandled_thenBsEarliestUnsentRecordIsReported_andTheRetryLosesNothing() {
        // given 25 entries (A, B, C in turn: record 5 is B's second) and SQS throttling the entry of record 5
        sqs.failEntries("text of B #2.", false, "RequestThrottled");
        List<DynamodbEvent.DynamodbStreamRecord> records = interleavedEntries(25);

        // when the fan-out handles the batch
        StreamsEventResponse response = handle(records);

        // then Lambda is told to retry from record 5, and nothing is parked
        assertEquals(List.of("5"), failures(response));
        assertTrue(parked.isEmpty());
        // and every event of the records before it is in the queue
        for (DynamodbEvent.DynamodbStreamRecord record : records.subList(0, 4)) {
            assertTrue(inQueue(textOf(record)), textOf(record));
        }
        // and A's and C's later records are in already (sent again on the retry, and dropped by deduplication)
        assertTrue(inQueue("text of A #8."));
        assertTrue(inQueue("text of C #8."));

        // when SQS is well again and Lambda retries from record 5
        sqs.heal();
        StreamsEventResponse retried = handle(records.subList(4, records.size()));

        // then nothing is lost or doubled: the queue holds each of the 25 events once
        assertTrue(retried.getBatchItemFailures().isEmpty());
        assertEquals(25, sqs.queue(QUEUE_URL).size());
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            assertEquals(1, sqs.queue(QUEUE_URL).stream().filter(m -> m.body().contains(textOf(record))).count());
        }
    }

    @Test
    void givenAThrottledRequestOfCustomerB_whenHandledAndRetried_thenEachCustomersOrderIsKept_andNothingIsDoubled() {
        // given SQS throttles a whole request carrying B's second entry
        sqs.failRequests("text of B #2.", RecordingSqs::throttled);
        List<DynamodbEvent.DynamodbStreamRecord> records = interleavedEntries(25);

        // when the fan-out handles the batch, and, SQS well again, Lambda retries from the record reported
        StreamsEventResponse response = handle(records);
        sqs.heal();
        int retryFrom = Integer.parseInt(failures(response).get(0)) - 1;
        StreamsEventResponse retried = handle(records.subList(retryFrom, records.size()));

        // then the retry started at B's first record (B's eight events went out in that one request)
        assertEquals(List.of("2"), failures(response));
        assertTrue(retried.getBatchItemFailures().isEmpty());
        // and the queue holds the 25 events once each, every customer's in stream order
        assertEquals(25, sqs.queue(QUEUE_URL).size());
        assertEachCustomersOrder(records);
    }

    @Test
    void givenTheStoreUnavailableForOneCustomer_whenHandled_thenEarlierRecordsArePublished_andThatRecordIsReported() {
        // given the directory cannot be read for C just now (its first entry is record 3)
        directory.unavailableFor = customers.get("C").id();
        List<DynamodbEvent.DynamodbStreamRecord> records = interleavedEntries(6);

        // when the fan-out handles the batch
        StreamsEventResponse response = handle(records);

        // then Lambda retries from record 3, and the records before it are published
        assertEquals(List.of("3"), failures(response));
        assertTrue(inQueue("text of A #1."));
        assertTrue(inQueue("text of B #1."));
        assertEquals(2, sqs.queue(QUEUE_URL).size());
    }

    @Test
    void givenTheParkingQueueUnavailable_whenAnEventIsRefused_thenItsRecordIsRetried_andNothingBeforeItIsLost() {
        // given SQS refuses record 5's event for its content, and parking fails
        sqs.failEntries("text of B #2.", true, "InvalidMessageContents");
        parking = (reason, sequenceNumber, customerId, sortKey, eventId, eventType) -> {
            throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
        };
        List<DynamodbEvent.DynamodbStreamRecord> records = interleavedEntries(9);

        // when the fan-out handles the batch
        StreamsEventResponse response = handle(records);

        // then Lambda retries from record 5, and the records before it are in the queue
        assertEquals(List.of("5"), failures(response));
        for (DynamodbEvent.DynamodbStreamRecord record : records.subList(0, 4)) {
            assertTrue(inQueue(textOf(record)), textOf(record));
        }
    }

    private StreamsEventResponse handle(List<DynamodbEvent.DynamodbStreamRecord> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        ParkedChanges parkedChanges = (reason, sequenceNumber, customerId, sortKey, eventId, eventType) ->
                parking.park(reason, sequenceNumber, customerId, sortKey, eventId, eventType);
        FanoutHandler handler = new FanoutHandler(Contexts.with(Settings.of(Map.of()), directory, publisher, parkedChanges));
        return handler.handleRequest(event, null);
    }

    private static List<String> failures(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    private boolean inQueue(String text) {
        return sqs.queue(QUEUE_URL).stream().anyMatch(m -> m.body().contains(text));
    }

    private void assertEachCustomersOrder(List<DynamodbEvent.DynamodbStreamRecord> records) {
        Function<String, String> customerOf = text -> text.substring("text of ".length(), "text of ".length() + 1);
        Map<String, List<String>> streamOrder = records.stream().map(BatchedFanoutTest::textOf)
                .collect(Collectors.groupingBy(customerOf, LinkedHashMap::new, Collectors.toList()));
        for (var customer : streamOrder.entrySet()) {
            String groupId = customers.get(customer.getKey()).id();
            List<String> queued = sqs.queue(QUEUE_URL).stream().filter(m -> groupId.equals(m.groupId()))
                    .map(m -> textIn(m.body())).toList();
            assertEquals(customer.getValue(), queued, "order of " + customer.getKey());
        }
    }

    private static String textIn(String body) {
        try {
            return Json.MAPPER.readTree(body).at("/data/entry/text").asText();
        } catch (java.io.IOException unreadable) {
            throw new java.io.UncheckedIOException(unreadable);
        }
    }

    private static String textOf(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb().getNewImage().get(LogItems.TEXT).getS();
    }

    /** {@code count} new entries (one event each), of A, B and C in turn; sequence numbers 1, 2, 3... */
    private List<DynamodbEvent.DynamodbStreamRecord> interleavedEntries(int count) {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        List<String> names = List.of("A", "B", "C");
        for (int i = 0; i < count; i++) {
            String name = names.get(i % 3);
            int n = i / 3 + 1;
            records.add(entryRecord(String.valueOf(i + 1), customers.get(name), "wamid." + name + n,
                    "text of " + name + " #" + n + "."));
        }
        return records;
    }

    private static DynamodbEvent.DynamodbStreamRecord entryRecord(String sequenceNumber, Customer customer,
                                                                  String wamid, String text) {
        ConversationEntry entry = ConversationEntry.builder(Channel.WHATSAPP, wamid).source("/whatsapp/1")
                .occurredAt(AT).text(text).build().inConversation("conv-" + customer.id(), false);
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item =
                new LinkedHashMap<>(LogItems.key(customer.id(), LogItems.entrySk(entry.id())));
        item.putAll(LogItems.entryAttributes(entry));
        Map<String, AttributeValue> image = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            AttributeValue converted = new AttributeValue();
            if (value.s() != null) {
                converted.setS(value.s());
            } else if (value.n() != null) {
                converted.setN(value.n());
            } else if (value.bool() != null) {
                converted.setBOOL(value.bool());
            } else if (value.hasL()) {
                converted.setL(value.l().stream().map(v -> new AttributeValue().withS(v.s())).toList());
            }
            image.put(name, converted);
        });
        StreamRecord streamRecord = new StreamRecord();
        streamRecord.setSequenceNumber(sequenceNumber);
        streamRecord.setNewImage(image);
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("INSERT");
        record.setDynamodb(streamRecord);
        return record;
    }
}
