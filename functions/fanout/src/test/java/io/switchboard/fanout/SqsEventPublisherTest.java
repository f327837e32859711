package io.switchboard.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.config.Settings;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher.Outcome;
import io.switchboard.core.events.EventPublisher.Publication;
import io.switchboard.core.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;

class SqsEventPublisherTest {

    private static final String FIFO_ARN = "arn:aws:sqs:us-east-1:000000000000:events.fifo";
    private static final String FIFO_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/events.fifo";
    private static final String STANDARD_ARN = "arn:aws:sqs:us-east-1:000000000000:events";
    private static final String STANDARD_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/events";

    private final RecordingSqs sqs = new RecordingSqs();
    private final List<SqsEventPublisher> publishers = new ArrayList<>();

    @AfterEach
    void closePublishers() {
        publishers.forEach(SqsEventPublisher::close);
    }

    @Test
    void givenTwentyFiveEventsOfThreeCustomers_whenPublished_thenBatchesOfAtMostTenKeepEachCustomersOrder() {
        // given 25 events of customers A (12), B (8) and C (5), interleaved as a stream delivers them
        List<CloudEvent> events = interleaved(Map.of("A", 12, "B", 8, "C", 5));

        // when they are published to a FIFO queue
        Publication publication = publisher(Map.of()).publish(events);

        // then every event is published, in 4 requests (A needs two), none with more than 10 entries
        assertTrue(publication.outcomes().stream().allMatch(Outcome.PUBLISHED::equals));
        assertEquals(25, publication.outcomes().size());
        List<RecordingSqs.Call> calls = sqs.calls();
        assertEquals(4, calls.size());
        assertEquals(4, publication.requests());
        assertTrue(calls.stream().allMatch(call -> call.messages().size() <= 10));
        // and each request carries one customer's events, grouped by customer and deduplicated by event id
        for (RecordingSqs.Call call : calls) {
            assertEquals(1, call.messages().stream().map(RecordingSqs.Message::groupId).distinct().count());
            call.messages().forEach(m -> assertEquals(idOf(m.body()), m.deduplicationId()));
        }
        // and the queue holds each customer's events in the order they were given, each once
        assertEquals(25, sqs.queue(FIFO_URL).size());
        for (String customer : List.of("A", "B", "C")) {
            assertEquals(idsOf(events, customer), sqs.queue(FIFO_URL).stream()
                    .filter(m -> customer.equals(m.groupId())).map(m -> idOf(m.body())).toList());
        }
    }

    @Test
    void givenEventsOverTheBatchPayloadLimit_whenPublished_thenTheBatchIsSplitWithinIt() {
        // given three events of one customer, each about 100 KB: together more than one request may carry
        List<CloudEvent> events = List.of(event("e1", "A", "x".repeat(100_000)), event("e2", "A", "y".repeat(100_000)),
                event("e3", "A", "z".repeat(100_000)));

        // when they are published
        Publication publication = publisher(Map.of()).publish(events);

        // then two requests go out, each within 262,144 bytes, and the order is kept
        assertTrue(publication.outcomes().stream().allMatch(Outcome.PUBLISHED::equals));
        List<RecordingSqs.Call> calls = sqs.calls();
        assertEquals(List.of(2, 1), calls.stream().map(call -> call.messages().size()).toList());
        assertTrue(calls.stream().allMatch(call -> call.bytes() <= 262_144));
        assertEquals(List.of("e1", "e2", "e3"), sqs.queue(FIFO_URL).stream().map(m -> idOf(m.body())).toList());
    }

    @Test
    void givenOneEntryRefusedForItsContent_whenPublished_thenThatEventIsRefusedWithTheCode_andTheRestArePublished() {
        // given SQS refuses, per entry and as the sender's fault, a body carrying "poison"
        sqs.failEntries("poison", true, "InvalidMessageContents");
        List<CloudEvent> events = List.of(event("e1", "A", "hi"), event("e2", "A", "poison"), event("e3", "A", "hey"),
                event("e4", "B", "hello"));

        // when they are published
        Publication publication = publisher(Map.of()).publish(events);

        // then only the poisoned event is refused, with SQS's code, and the others (after it too) are published
        assertEquals(List.of(Outcome.PUBLISHED, new Outcome.Refused("InvalidMessageContents"), Outcome.PUBLISHED,
                Outcome.PUBLISHED), publication.outcomes());
        assertEquals(List.of("e1", "e3", "e4"), sqs.queue(FIFO_URL).stream().map(m -> idOf(m.body())).sorted().toList());
    }

    @Test
    void givenAWholeRequestRefusedForContent_whenPublished_thenItsEntriesAreSentOneByOne_andOnlyTheCulpritIsRefused() {
        // given SQS refuses a whole request that carries "poison" (as SendMessage would)
        sqs.failRequests("poison", () -> InvalidMessageContentsException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidMessageContents").build()).build());
        List<CloudEvent> events = List.of(event("e1", "A", "hi"), event("e2", "A", "poison"), event("e3", "A", "hey"));

        // when they are published
        Publication publication = publisher(Map.of()).publish(events);

        // then the request is retried entry by entry: the poisoned one is refused, the others published in order
        assertEquals(List.of(Outcome.PUBLISHED, new Outcome.Refused("InvalidMessageContents"), Outcome.PUBLISHED),
                publication.outcomes());
        assertEquals(List.of(3, 1, 1, 1), sqs.calls().stream().map(call -> call.messages().size()).toList());
        assertEquals(List.of("e1", "e3"), sqs.queue(FIFO_URL).stream().map(m -> idOf(m.body())).toList());
    }

    @Test
    void givenAThrottledEntryOfCustomerB_whenPublished_thenItAndBsNextRequestAreUnsent_andOtherCustomersGoOn() {
        // given SQS throttles (per entry, not the sender's fault) B's second event
        sqs.failEntries("b2", false, "RequestThrottled");
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            events.add(event("a" + i, "A", "a" + i + "-text"));
            events.add(event("b" + i, "B", "b" + i + "-text"));
        }

        // when they are published
        Publication publication = publisher(Map.of()).publish(events);

        // then A's events are all published; of B's, the throttled one is unsent, and so is B's next request,
        // which is not sent (the other entries of the throttled one's request are in the queue already)
        Map<String, Outcome> byId = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            byId.put(events.get(i).id(), publication.outcomes().get(i));
        }
        for (int i = 1; i <= 12; i++) {
            assertEquals(Outcome.PUBLISHED, byId.get("a" + i));
        }
        assertInstanceOf(Outcome.Unsent.class, byId.get("b2"));
        for (int i = 3; i <= 10; i++) {
            assertEquals(Outcome.PUBLISHED, byId.get("b" + i), "b" + i);
        }
        assertInstanceOf(Outcome.Unsent.class, byId.get("b11"));
        assertInstanceOf(Outcome.Unsent.class, byId.get("b12"));
        assertEquals(List.of("b1", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10"), sqs.queue(FIFO_URL).stream()
                .filter(m -> "B".equals(m.groupId())).map(m -> idOf(m.body())).toList());
        assertTrue(sqs.calls().stream().noneMatch(call -> call.messages().stream().anyMatch(m -> "b11".equals(idOf(m.body())))));
        // and the fault names SQS's code but never quotes the message
        RuntimeException fault = ((Outcome.Unsent) byId.get("b2")).fault();
        assertFalse(String.valueOf(fault.getMessage()).contains("b2-text"));
        assertTrue(io.switchboard.core.http.Faults.describe(fault).contains("RequestThrottled"));
    }

    @Test
    void givenAnEntryFailingForTheSenderWithoutAContentCode_whenPublished_thenItIsUnsent_notRefused() {
        // given SQS fails an entry as the sender's fault, for something other than its content
        sqs.failEntries("e1", true, "AccessDenied");

        // when it is published
        Publication publication = publisher(Map.of()).publish(List.of(event("e1", "A", "hi")));

        // then it is retried later, never set aside
        assertInstanceOf(Outcome.Unsent.class, publication.outcomes().get(0));
    }

    @Test
    void givenAQueueThatCannotBeReached_whenPublished_thenTheLaneIsUnsentFromTheFailedRequestOn() {
        // given a request of A's second batch fails as a whole (SQS throttles it)
        sqs.failRequests("a11", RecordingSqs::throttled);
        List<CloudEvent> events = interleaved(Map.of("A", 15));

        // when they are published
        Publication publication = publisher(Map.of()).publish(events);

        // then the first ten are published and the five of the failed request are unsent
        assertTrue(publication.outcomes().subList(0, 10).stream().allMatch(Outcome.PUBLISHED::equals));
        assertTrue(publication.outcomes().subList(10, 15).stream().allMatch(Outcome.Unsent.class::isInstance));
        assertEquals(1, publication.requests());
    }

    @Test
    void givenAStandardQueue_whenPublished_thenEventsAreBatchedTheSameWay_withoutGroupOrDeduplicationIds() {
        // given a standard (non-FIFO) subscriber queue
        List<CloudEvent> events = interleaved(Map.of("A", 12, "B", 3));

        // when events are published to it
        Publication publication = publisher(Map.of(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS, STANDARD_ARN)).publish(events);

        // then they go out in batches of at most ten, with neither group nor deduplication id
        assertTrue(publication.outcomes().stream().allMatch(Outcome.PUBLISHED::equals));
        assertEquals(3, sqs.calls().size());
        assertTrue(sqs.calls().stream().allMatch(call -> call.messages().size() <= 10));
        assertEquals(15, sqs.queue(STANDARD_URL).size());
        assertTrue(sqs.queue(STANDARD_URL).stream().allMatch(m -> m.groupId() == null && m.deduplicationId() == null));
    }

    @Test
    void givenTwoQueues_whenOneThrottlesAnEvent_thenThatEventIsUnsent_evenThoughTheOtherQueueTookIt() {
        // given two subscriber queues, and the standard one throttles an entry
        sqs.failEntriesIn(STANDARD_URL, "e2", false, "RequestThrottled");
        var publisher = publisher(Map.of(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS, FIFO_ARN + ", " + STANDARD_ARN));
        List<CloudEvent> events = List.of(event("e1", "A", "hi"), event("e2", "A", "hey"));

        // when events are published
        Publication publication = publisher.publish(events);

        // then an event is published only when every queue has it
        assertEquals(Outcome.PUBLISHED, publication.outcomes().get(0));
        assertInstanceOf(Outcome.Unsent.class, publication.outcomes().get(1));
        assertEquals(2, sqs.queue(FIFO_URL).size());
        assertEquals(1, sqs.queue(STANDARD_URL).size());
    }

    @Test
    void givenMoreCustomersThanThreads_whenPublished_thenNoMoreThanTheConfiguredNumberOfRequestsRunAtOnce() {
        // given a pool of 3 and six customers with a full request each, and SQS holding each request until three
        // are in flight together
        sqs.meetInGroupsOf(3);
        List<CloudEvent> events = interleaved(Map.of("A", 10, "B", 10, "C", 10, "D", 10, "E", 10, "F", 10));

        // when they are published
        Publication publication = publisher(Map.of(SqsEventPublisher.CONCURRENCY, "3")).publish(events);

        // then all are published, three requests at a time and never more
        assertTrue(publication.outcomes().stream().allMatch(Outcome.PUBLISHED::equals));
        assertEquals(3, sqs.mostInFlight());
        assertEquals(6, sqs.calls().size());
    }

    @Test
    void givenManyCustomersWithAnEventEach_whenPublished_thenTheyShareRequestsOfTen_eachCustomerInOrder() {
        // given 25 customers with one event each (a stream batch of many customers) and one customer with 12
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            String id = String.format("c%02d", i);
            events.add(event(id, "C" + i, id + "-text"));
        }
        for (int i = 1; i <= 12; i++) {
            events.add(event("z" + i, "Z", "z" + i + "-text"));
        }
        // and SQS throttles the entry of customer C3
        sqs.failEntries("c03-text", false, "RequestThrottled");

        // when they are published
        Publication publication = publisher(Map.of()).publish(events);

        // then the one-event customers went out 10 to a request (3 requests), Z in its own 2
        assertEquals(5, sqs.calls().size());
        assertEquals(List.of(10, 10, 5), sqs.calls().stream().filter(call -> call.messages().stream()
                .map(RecordingSqs.Message::groupId).distinct().count() > 1).map(call -> call.messages().size()).sorted(
                java.util.Comparator.reverseOrder()).toList());
        // and only the throttled event is unsent: it is the last of C3's, nothing of C3 comes after it
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).id().equals("c03")) {
                assertInstanceOf(Outcome.Unsent.class, publication.outcomes().get(i));
            } else {
                assertEquals(Outcome.PUBLISHED, publication.outcomes().get(i), events.get(i).id());
            }
        }
        assertEquals(idsOf(events, "Z"), sqs.queue(FIFO_URL).stream().filter(m -> "Z".equals(m.groupId()))
                .map(m -> idOf(m.body())).toList());
    }

    @Test
    void givenOneEntryPerRequestAndOneThread_whenPublished_thenEventsGoOutOneAtATime() {
        // given the one-at-a-time setting (the baseline a benchmark compares against)
        List<CloudEvent> events = interleaved(Map.of("A", 3, "B", 2));

        // when they are published
        Publication publication = publisher(Map.of(SqsEventPublisher.BATCH_ENTRIES, "1",
                SqsEventPublisher.CONCURRENCY, "1")).publish(events);

        // then each event is its own request, one request at a time
        assertTrue(publication.outcomes().stream().allMatch(Outcome.PUBLISHED::equals));
        assertEquals(5, sqs.calls().size());
        assertEquals(1, sqs.mostInFlight());
    }

    @Test
    void givenNoEvents_whenPublished_thenNothingIsSent() {
        // when nothing is published
        Publication publication = publisher(Map.of()).publish(List.of());

        // then no request goes out
        assertTrue(publication.outcomes().isEmpty());
        assertTrue(sqs.calls().isEmpty());
    }

    private SqsEventPublisher publisher(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS, FIFO_ARN));
        all.putAll(settings);
        SqsEventPublisher publisher = new SqsEventPublisher(sqs, Settings.of(all));
        publishers.add(publisher);
        return publisher;
    }

    /** Events of several customers, interleaved one by one, each customer's numbered in order: A1, B1, A2... */
    private static List<CloudEvent> interleaved(Map<String, Integer> countByCustomer) {
        Map<String, Integer> remaining = new LinkedHashMap<>();
        countByCustomer.keySet().stream().sorted().forEach(c -> remaining.put(c, countByCustomer.get(c)));
        List<CloudEvent> events = new ArrayList<>();
        Map<String, Integer> made = new HashMap<>();
        while (remaining.values().stream().anyMatch(n -> n > 0)) {
            for (var customer : remaining.entrySet()) {
                if (customer.getValue() > 0) {
                    int n = made.merge(customer.getKey(), 1, Integer::sum);
                    String id = customer.getKey().toLowerCase() + n;
                    events.add(event(id, customer.getKey(), id + "-text"));
                    customer.setValue(customer.getValue() - 1);
                }
            }
        }
        return events;
    }

    private static CloudEvent event(String id, String customer, String text) {
        return CloudEvent.of(id, "/whatsapp/1", "switchboard.message.received", customer, "2026-11-22T10:00:00Z",
                new LinkedHashMap<>(Map.of("entry", Map.of("text", text))));
    }

    private static List<String> idsOf(List<CloudEvent> events, String customer) {
        return events.stream().filter(e -> customer.equals(e.subject())).map(CloudEvent::id).toList();
    }

    private static String idOf(String body) {
        try {
            return Json.MAPPER.readTree(body).get("id").asText();
        } catch (java.io.IOException unreadable) {
            throw new java.io.UncheckedIOException(unreadable);
        }
    }
}
