package io.switchboard.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher;
import io.switchboard.core.events.EventPublisher.Outcome;
import io.switchboard.core.events.EventPublisher.Publication;
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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class FanoutHandlerTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final Customer customer = directory.resolve(Identity.phone("14155550100"), "Ann", "/whatsapp/1", AT).customer();

    @Test
    void batchOfNewEntries_publishesEveryEventOnce_inStreamOrder() {
        // given a batch: the customer record, then two entries
        var publisher = new ScriptedPublisher(Integer.MAX_VALUE);
        var event = batch(customerRecord("1"), entryRecord("2", "wamid.A", true), entryRecord("3", "wamid.B", false));

        // when the fan-out handles it
        StreamsEventResponse response = handler(publisher).handleRequest(event, null);

        // then nothing is reported failed and each change is announced once, in order
        assertTrue(response.getBatchItemFailures().isEmpty());
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened",
                "switchboard.message.received", "switchboard.message.received"), publisher.types());
    }

    @Test
    void aPublishedBatch_isOneJsonLogLineWithRequestIdCustomerAndEventIds_andNoPhoneNumber() {
        // given a batch announcing a new customer (identity phone:+14155550100) and two messages
        var publisher = new ScriptedPublisher(Integer.MAX_VALUE);
        var event = batch(customerRecord("1"), entryRecord("2", "wamid.A", true), entryRecord("3", "wamid.B", false));
        var context = new io.switchboard.core.config.InvocationContext("fanout");
        List<com.fasterxml.jackson.databind.JsonNode> lines;

        // when the fan-out publishes it
        try (var logs = new io.switchboard.core.testing.CapturedLogs()) {
            handler(publisher).handleRequest(event, context);
            lines = logs.json();
            for (String line : logs.lines()) {
                assertTrue(!io.switchboard.core.testing.CapturedLogs.PERSONAL_DATA.matcher(line).find(), line);
            }
        }

        // then one line names the batch: request id, the customer, every event id, in publishing order
        var published = lines.stream().filter(line -> line.path("message").asText().startsWith("published "))
                .toList();
        assertEquals(1, published.size(), lines.toString());
        var line = published.get(0);
        assertEquals(context.getAwsRequestId(), line.path("function_request_id").asText());
        assertEquals(customer.id(), line.path("customer_id").asText());
        assertEquals(String.join(",", publisher.ids()), line.path("event_ids").asText());
        assertEquals("published 4 events {switchboard.conversation.opened=1, switchboard.customer.created=1, "
                + "switchboard.message.received=2} for 1 customers in 4 SendMessageBatch requests",
                line.path("message").asText());
        // and every line of the invocation carries its request id
        lines.forEach(each -> assertEquals(context.getAwsRequestId(), each.path("function_request_id").asText(),
                each.toString()));
    }

    @Test
    void queueFailingMidBatch_reportsThatRecord_andSendsNothingAfterIt() {
        // given SQS fails from the third publish on
        var publisher = new ScriptedPublisher(2);
        var event = batch(customerRecord("1"), entryRecord("2", "wamid.A", true), entryRecord("3", "wamid.B", false));

        // when the fan-out handles the batch
        StreamsEventResponse response = handler(publisher).handleRequest(event, null);

        // then Lambda is told to retry from the record that failed, and the record after it was not sent ahead of it
        assertEquals(List.of("2"), response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList());
        assertEquals(List.of("switchboard.customer.created", "switchboard.conversation.opened"), publisher.types());
    }

    @Test
    void unreadableRecord_isSkipped_andDoesNotBlockTheRest() {
        // given a record whose image cannot become an event (a channel that is no wire name: a well-formed one is a
        // channel of a module this function does not carry, announced as stored), between two good ones
        var publisher = new ScriptedPublisher(Integer.MAX_VALUE);
        var poison = entryRecord("2", "wamid.X", false);
        poison.getDynamodb().getNewImage().put(LogItems.CHANNEL, new AttributeValue().withS("Carrier Pigeon"));
        var event = batch(customerRecord("1"), poison, entryRecord("3", "wamid.B", false));

        // when the fan-out handles it
        StreamsEventResponse response = handler(publisher).handleRequest(event, null);

        // then the good records are announced and nothing is reported for retry
        assertTrue(response.getBatchItemFailures().isEmpty());
        assertEquals(List.of("switchboard.customer.created", "switchboard.message.received"), publisher.types());
        // and the poisoned one is parked with its reason
        assertEquals(List.of("unreadable_change 2 " + customer.id()), parked.lines());
    }

    @Test
    void sqsRefusingOneEventsContent_parksThatChangeWithItsReason_andPublishesTheRecordsAfterIt() {
        // given SQS answers InvalidMessageContents for any message carrying "poison", as it does for U+FFFE
        var sqs = new StubSqs("poison");
        var publisher = new SqsEventPublisher(sqs, Settings.of(Map.of(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS,
                "arn:aws:sqs:us-east-1:000000000000:events.fifo")));
        var poison = entryRecord("2", "wamid.P", true);
        poison.getDynamodb().getNewImage().put(LogItems.TEXT, new AttributeValue().withS("poison"));
        var event = batch(customerRecord("1"), poison, entryRecord("3", "wamid.B", false));

        // when the fan-out handles the batch
        StreamsEventResponse response = handler(publisher).handleRequest(event, null);

        // then nothing is retried: the refused events are parked with SQS's reason, and record 3 is published
        assertTrue(response.getBatchItemFailures().isEmpty());
        assertEquals(List.of("InvalidMessageContents 2 " + customer.id() + " switchboard.conversation.opened",
                "InvalidMessageContents 2 " + customer.id() + " switchboard.message.received"), parked.lines());
        assertEquals(2, sqs.sent.size());
        assertTrue(sqs.sent.get(0).contains("switchboard.customer.created"));
        assertTrue(sqs.sent.get(1).contains("wamid.B"));
        assertTrue(sqs.sent.stream().noneMatch(body -> body.contains("poison")));
    }

    @Test
    void sqsThrottling_isNotParked_butRetriedFromThatRecord() {
        // given SQS throttles every send
        var sqs = new StubSqs(null);
        sqs.throttle = true;
        var publisher = new SqsEventPublisher(sqs, Settings.of(Map.of(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS,
                "arn:aws:sqs:us-east-1:000000000000:events.fifo")));

        // when the fan-out handles a batch
        StreamsEventResponse response = handler(publisher).handleRequest(batch(customerRecord("1")), null);

        // then Lambda retries from the first record and nothing is parked
        assertEquals(List.of("1"), response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList());
        assertTrue(parked.lines().isEmpty());
    }

    @Test
    void storeRejectingTheReadOfAChangeAsMalformed_parksThatChange_andTheRestIsPublished() {
        // given the store answers ValidationException for the customer of one entry (it would on every retry)
        var publisher = new ScriptedPublisher(Integer.MAX_VALUE);
        Customer rejected = directory.resolve(Identity.phone("14155550111"), "Bo", "/whatsapp/1", AT).customer();
        var failing = new InMemoryCustomerDirectory() {
            @Override
            public java.util.Optional<Customer> get(String customerId) {
                if (customerId.equals(rejected.id())) {
                    throw software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(400)
                            .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                    .errorCode("ValidationException").errorMessage("key too large").build()).build();
                }
                return directory.get(customerId);
            }
        };
        var malformed = entryRecord("2", "wamid.M", false);
        malformed.getDynamodb().getNewImage().put(LogItems.CUSTOMER_ID, new AttributeValue().withS(rejected.id()));
        var event = batch(entryRecord("1", "wamid.A", false), malformed, entryRecord("3", "wamid.B", false));

        // when the fan-out handles the batch
        StreamsEventResponse response = new FanoutHandler(Contexts.with(Settings.of(Map.of()), failing, publisher, parked))
                .handleRequest(event, null);

        // then nothing is retried: the change is parked and the others are announced
        assertTrue(response.getBatchItemFailures().isEmpty());
        assertEquals(List.of("unreadable_change 2 " + rejected.id()), parked.lines());
        assertEquals(List.of("switchboard.message.received", "switchboard.message.received"), publisher.types());
    }

    @Test
    void storeThrottlingTheReadOfAChange_isNotParked_butRetriedFromThatRecord() {
        // given the store throttles every read of a customer
        var publisher = new ScriptedPublisher(Integer.MAX_VALUE);
        var throttled = new InMemoryCustomerDirectory() {
            @Override
            public java.util.Optional<Customer> get(String customerId) {
                throw software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException").errorMessage("slow down").build())
                        .build();
            }
        };

        // when the fan-out handles a batch of one entry
        StreamsEventResponse response = new FanoutHandler(Contexts.with(Settings.of(Map.of()), throttled, publisher, parked))
                .handleRequest(batch(entryRecord("1", "wamid.A", false)), null);

        // then Lambda retries from it and nothing is parked
        assertEquals(List.of("1"), response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList());
        assertTrue(parked.lines().isEmpty());
    }

    @Test
    void eventOverTheSqsLimit_isCutDownAndFlagged_notParked() {
        // given an entry whose text alone is larger than an SQS message may be
        var publisher = new ScriptedPublisher(Integer.MAX_VALUE);
        var big = entryRecord("2", "wamid.L", false);
        big.getDynamodb().getNewImage().put(LogItems.TEXT, new AttributeValue().withS("\u00e9".repeat(300_000)));

        // when the fan-out handles it
        handler(publisher).handleRequest(batch(big), null);

        // then the event fits in an SQS message and says it was truncated
        CloudEvent published = publisher.published.get(0);
        assertTrue(io.switchboard.core.events.EventSizes.size(published) <= 256 * 1024);
        assertEquals(true, published.data().get("truncated"));
        assertTrue(parked.lines().isEmpty());
    }

    private final RecordingParkedChanges parked = new RecordingParkedChanges();

    private FanoutHandler handler(EventPublisher publisher) {
        return new FanoutHandler(Contexts.with(Settings.of(Map.of()), directory, publisher, parked));
    }

    private static DynamodbEvent batch(DynamodbEvent.DynamodbStreamRecord... records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(records));
        return event;
    }

    private DynamodbEvent.DynamodbStreamRecord customerRecord(String sequenceNumber) {
        return record(sequenceNumber, LogItems.customerItem(customer));
    }

    private DynamodbEvent.DynamodbStreamRecord entryRecord(String sequenceNumber, String wamid, boolean opens) {
        ConversationEntry entry = ConversationEntry.builder(Channel.WHATSAPP, wamid).source("/whatsapp/1")
                .occurredAt(AT).text("hello").build().inConversation("conv-1", opens);
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item =
                new LinkedHashMap<>(LogItems.key(customer.id(), LogItems.entrySk(entry.id())));
        item.putAll(LogItems.entryAttributes(entry));
        return record(sequenceNumber, item);
    }

    private static DynamodbEvent.DynamodbStreamRecord record(String sequenceNumber,
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> image) {
        Map<String, AttributeValue> converted = new LinkedHashMap<>();
        image.forEach((name, value) -> {
            AttributeValue lambdaValue = new AttributeValue();
            if (value.s() != null) {
                lambdaValue.setS(value.s());
            } else if (value.n() != null) {
                lambdaValue.setN(value.n());
            } else if (value.bool() != null) {
                lambdaValue.setBOOL(value.bool());
            } else if (value.hasL()) {
                lambdaValue.setL(value.l().stream().map(v -> new AttributeValue().withS(v.s())).toList());
            }
            converted.put(name, lambdaValue);
        });
        StreamRecord streamRecord = new StreamRecord();
        streamRecord.setSequenceNumber(sequenceNumber);
        streamRecord.setNewImage(converted);
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("INSERT");
        record.setDynamodb(streamRecord);
        return record;
    }

    /** Parks into a list: "reason sequenceNumber customerId [eventType]". */
    private static final class RecordingParkedChanges implements ParkedChanges {
        private final List<String> parked = new ArrayList<>();

        @Override
        public void park(String reason, String sequenceNumber, String customerId, String sortKey, String eventId,
                         String eventType) {
            parked.add(reason + " " + sequenceNumber + " " + customerId + (eventType == null ? "" : " " + eventType));
        }

        List<String> lines() {
            return parked;
        }
    }

    /** An SQS client that refuses bodies containing a marker the way SQS refuses U+FFFE, or throttles. */
    private static final class StubSqs implements software.amazon.awssdk.services.sqs.SqsClient {
        private final String refusedMarker;
        private final List<String> sent = new ArrayList<>();
        private boolean throttle;

        StubSqs(String refusedMarker) {
            this.refusedMarker = refusedMarker;
        }

        @Override
        public software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse getQueueUrl(
                software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest request) {
            return software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse.builder()
                    .queueUrl("https://sqs.us-east-1.amazonaws.com/" + request.queueOwnerAWSAccountId() + "/"
                            + request.queueName()).build();
        }

        @Override
        public software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse sendMessageBatch(
                software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest request) {
            if (throttle) {
                throw software.amazon.awssdk.services.sqs.model.SqsException.builder().statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("RequestThrottled").errorMessage("Request is throttled.").build()).build();
            }
            var response = software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse.builder();
            List<software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry> failed = new ArrayList<>();
            List<software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry> successful = new ArrayList<>();
            for (var entry : request.entries()) {
                if (refusedMarker != null && entry.messageBody().contains(refusedMarker)) {
                    failed.add(software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry.builder().id(entry.id())
                            .senderFault(true).code("InvalidMessageContents").message("Invalid characters found.").build());
                } else {
                    sent.add(entry.messageBody());
                    successful.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry.builder()
                            .id(entry.id()).messageId("m" + sent.size()).build());
                }
            }
            return response.failed(failed).successful(successful).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    /** Publishes into a list, one event at a time; from the n-th event on it fails like an unreachable queue. */
    private static final class ScriptedPublisher implements EventPublisher {
        private final int succeedingCalls;
        private final List<CloudEvent> published = new ArrayList<>();

        ScriptedPublisher(int succeedingCalls) {
            this.succeedingCalls = succeedingCalls;
        }

        @Override
        public Publication publish(List<CloudEvent> events) {
            List<Outcome> outcomes = new ArrayList<>();
            for (CloudEvent event : events) {
                if (published.size() >= succeedingCalls) {
                    outcomes.add(new Outcome.Unsent(SdkClientException.create("Unable to execute HTTP request: Connection refused")));
                } else {
                    published.add(event);
                    outcomes.add(Outcome.PUBLISHED);
                }
            }
            return new Publication(outcomes, outcomes.size());
        }

        List<String> ids() {
            return published.stream().map(CloudEvent::id).toList();
        }

        List<String> types() {
            return published.stream().map(CloudEvent::type).toList();
        }
    }
}
