package io.switchboard.fanout;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.LambdaFunction;
import io.switchboard.core.config.Settings;
import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.log.LogChange;
import io.switchboard.core.events.ChangeEvents;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher;
import io.switchboard.core.events.EventSizes;
import io.switchboard.core.http.Faults;
import io.switchboard.core.model.Text;
import io.switchboard.core.ops.MetricNames;
import io.switchboard.core.ops.Telemetry;
import io.switchboard.core.store.StoreFault;
import io.switchboard.core.model.Customer;
import io.switchboard.core.store.LogItems;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Triggered by the conversation log's DynamoDB Stream (a transactional outbox): every stored change becomes
 * CloudEvents on each subscriber queue, so a stored entry is announced even if its webhook function died
 * right after the write.
 *
 * <p>The events of a whole stream batch are published together: each customer's events in stream order,
 * different customers in parallel (see {@link SqsEventPublisher}). When an event could not be published for a
 * reason of the moment (SQS throttling or unavailable, the store unavailable while reading a change, parking
 * itself failing), the handler reports the earliest stream record with an event not yet published as the
 * batch item failure: Lambda retries from it, so nothing before it is left unsent. Events after it that were
 * already sent (another customer's, say) are sent again on the retry with the same ids: FIFO deduplication
 * and consumers drop them. A change that can never be announced (an unreadable image, an event a queue
 * refuses for its content, a read of it the store rejects as malformed) is parked on the fan-out failure queue
 * with its reason, and the stream goes on: one poisoned change must not hold back every later event of the shard.
 * Exception texts never reach the logs (a queue's error can quote the message: a customer's name or text).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
public class FanoutHandler extends LambdaFunction<DynamodbEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(FanoutHandler.class);

    @Inject
    CustomerDirectory directory;

    @Inject
    EventPublisher publisher;

    @Inject
    ConversationLog log;

    @Inject
    Settings settings;

    /** How many of the caller's latest entries switchboard.call.started carries. */
    static final String RECENT_ENTRIES_IN_CALL_EVENTS = "RECENT_ENTRIES_IN_CALL_EVENTS";

    public FanoutHandler() {
        super();
    }

    public FanoutHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Inject
    ParkedChanges parked;

    @Override
    protected StreamsEventResponse execute(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        Map<String, Optional<Customer>> customers = prefetchCustomers(records);

        // 1. The events of each record, in stream order, up to the first record that cannot be read just now.
        int retryFrom = records.size();
        RuntimeException pause = null;
        List<CloudEvent> events = new ArrayList<>();
        List<Integer> recordOf = new ArrayList<>();
        Map<Integer, String> unreadable = new HashMap<>(); // record index -> why (Faults.describe)
        for (int i = 0; i < records.size(); i++) {
            try {
                for (CloudEvent cloudEvent : eventsOf(records.get(i), customers)) {
                    events.add(cloudEvent);
                    recordOf.add(i);
                }
            } catch (SdkException | StoreFault unavailable) {
                if (rejectedAsMalformed(unavailable)) {
                    unreadable.put(i, Faults.describe(unavailable));
                    continue;
                }
                retryFrom = i;
                pause = unavailable;
                break;
            } catch (RuntimeException unreadableChange) {
                unreadable.put(i, Faults.describe(unreadableChange));
            }
        }

        // 2. Publish them all; the earliest record with an event not published is where Lambda retries from.
        EventPublisher.Publication publication = publish(events);
        int published = 0;
        for (int k = 0; k < events.size(); k++) {
            EventPublisher.Outcome outcome = publication.outcomes().get(k);
            if (outcome instanceof EventPublisher.Outcome.Unsent unsent && recordOf.get(k) < retryFrom) {
                retryFrom = recordOf.get(k);
                pause = unsent.fault();
            } else if (outcome instanceof EventPublisher.Outcome.Published) {
                published++;
            }
        }

        // 3. Park what can never be announced, for the records before that one (the rest are retried anyway).
        int parkedCount = 0;
        int k = 0;
        for (int i = 0; i < retryFrom; i++) {
            try {
                if (unreadable.containsKey(i)) {
                    LOG.error("parking stream record {} that cannot become an event: {}", sequenceNumber(records.get(i)),
                            unreadable.get(i));
                    park(records.get(i), "unreadable_change", null);
                    Telemetry.count("none", MetricNames.CHANGES_PARKED, 1);
                    parkedCount++;
                }
                for (; k < events.size() && recordOf.get(k) == i; k++) {
                    if (publication.outcomes().get(k) instanceof EventPublisher.Outcome.Refused refused) {
                        CloudEvent cloudEvent = events.get(k);
                        LOG.error("parking event {} ({}) of stream record {}: {}", cloudEvent.id(), cloudEvent.type(),
                                sequenceNumber(records.get(i)), refused.reason());
                        park(records.get(i), refused.reason(), cloudEvent);
                        Telemetry.count(MetricNames.channelOfSource(cloudEvent.source()), MetricNames.CHANGES_PARKED, 1);
                        parkedCount++;
                    }
                }
            } catch (RuntimeException parkingUnavailable) {
                retryFrom = i;
                pause = parkingUnavailable;
                break;
            }
        }

        logPublished(events, publication);
        if (retryFrom < records.size()) {
            String sequenceNumber = sequenceNumber(records.get(retryFrom));
            LOG.warn("fan-out of {} stream records: {} events published in {} batches, {} parked; paused at stream "
                            + "record {}, Lambda will retry from it: {}", records.size(), published,
                    publication.requests(), parkedCount, sequenceNumber, Faults.describe(pause));
            return StreamsEventResponse.builder().withBatchItemFailures(List.of(StreamsEventResponse.BatchItemFailure
                    .builder().withItemIdentifier(sequenceNumber).build())).build();
        }
        LOG.info("fan-out of {} stream records: {} events published in {} batches, {} parked", records.size(),
                published, publication.requests(), parkedCount);
        return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
    }

    /**
     * One line per published stream batch: how many events of which types, for which customers (ids), their event ids
     * in the line's event_ids field; and the EventsPublished metric by channel.
     */
    static void logPublished(List<CloudEvent> events, EventPublisher.Publication publication) {
        Map<String, Integer> types = new java.util.TreeMap<>();
        java.util.Set<String> customers = new java.util.LinkedHashSet<>();
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < events.size(); k++) {
            if (publication.outcomes().get(k) instanceof EventPublisher.Outcome.Published) {
                CloudEvent event = events.get(k);
                types.merge(event.type(), 1, Integer::sum);
                customers.add(event.subject());
                ids.add(event.id());
                Telemetry.count(MetricNames.channelOfSource(event.source()), MetricNames.EVENTS_PUBLISHED, 1);
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Telemetry.tag(Telemetry.EVENT_IDS, String.join(",", ids));
        Telemetry.tag(Telemetry.CUSTOMER_ID, String.join(",", customers));
        LOG.info("published {} events {} for {} customers in {} SendMessageBatch requests", ids.size(), types,
                customers.size(), publication.requests());
    }

    /**
     * The customers of the batch's entries, read together (one request per 100 customers instead of one per
     * customer, one after another). Best effort: a customer this read misses, or all of them if the store fails
     * it, is read again by its record, so a fault lands on that record and Lambda retries from there.
     */
    private Map<String, Optional<Customer>> prefetchCustomers(List<DynamodbEvent.DynamodbStreamRecord> records) {
        Map<String, Optional<Customer>> customers = new HashMap<>();
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            var image = record.getDynamodb() == null ? null : record.getDynamodb().getNewImage();
            if (image != null && image.get(LogItems.RECORD_TYPE) != null
                    && LogItems.TYPE_ENTRY.equals(image.get(LogItems.RECORD_TYPE).getS())
                    && image.get(LogItems.CUSTOMER_ID) != null && image.get(LogItems.CUSTOMER_ID).getS() != null) {
                ids.add(image.get(LogItems.CUSTOMER_ID).getS());
            }
        }
        if (ids.size() < 2) {
            return customers;
        }
        try {
            directory.getAll(ids).forEach((id, customer) -> customers.put(id, Optional.of(customer)));
        } catch (RuntimeException unavailable) {
            LOG.debug("batched customer read failed; reading per record: {}", Faults.describe(unavailable));
        }
        return customers;
    }

    /**
     * True when the store refused the read a change needs as malformed (a 400 ValidationException: a key
     * over its limits, say), which every retry would meet again: such a change is parked, not retried forever.
     * Everything else (no answer, throttling, a 5xx, a table or permission missing until someone fixes the
     * deployment, a store still settling) pauses the shard and is retried.
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
     */
    static boolean rejectedAsMalformed(RuntimeException fault) {
        return fault instanceof AwsServiceException service && service.statusCode() == 400
                && !service.isThrottlingException() && service.awsErrorDetails() != null
                && "ValidationException".equals(service.awsErrorDetails().errorCode());
    }

    /** Publishers report faults per event; one that throws anyway has published nothing we can count on. */
    private EventPublisher.Publication publish(List<CloudEvent> events) {
        if (events.isEmpty()) {
            return new EventPublisher.Publication(List.of(), 0);
        }
        try {
            return publisher.publish(events);
        } catch (RuntimeException unavailable) {
            EventPublisher.Outcome unsent = new EventPublisher.Outcome.Unsent(unavailable);
            return new EventPublisher.Publication(events.stream().map(event -> unsent).toList(), 0);
        }
    }

    private static String sequenceNumber(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb().getSequenceNumber();
    }

    private void park(DynamodbEvent.DynamodbStreamRecord record, String reason, CloudEvent refused) {
        var change = record.getDynamodb();
        parked.park(reason, change.getSequenceNumber(), keyOf(change, LogItems.CUSTOMER_ID), keyOf(change, LogItems.SK),
                refused == null ? null : refused.id(), refused == null ? null : refused.type());
    }

    /** A key attribute of the change: from its keys, else from its images. */
    private static String keyOf(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord change,
                                String name) {
        for (var image : java.util.Arrays.asList(change.getKeys(), change.getNewImage(), change.getOldImage())) {
            if (image != null && image.get(name) != null && image.get(name).getS() != null) {
                return Text.clean(image.get(name).getS());
            }
        }
        return null;
    }

    private List<CloudEvent> eventsOf(DynamodbEvent.DynamodbStreamRecord record, Map<String, Optional<Customer>> customers) {
        LogChange change = LogItems.changeOf(StreamImages.toSdk(record.getDynamodb().getOldImage()),
                StreamImages.toSdk(record.getDynamodb().getNewImage()));
        if (change instanceof LogChange.CustomerMerged merged) {
            // Read fresh, not from the batch's cache: the survivor's record of this very merge is what it announces.
            Customer survivor = directory.get(merged.survivorId()).orElseThrow(() ->
                    new IllegalStateException("merge into unknown customer " + merged.survivorId()));
            return ChangeEvents.of(change, survivor).stream().map(EventSizes::fit).toList();
        }
        if (!(change instanceof LogChange.EntryChanged entry)) {
            return ChangeEvents.of(change, null).stream().map(EventSizes::fit).toList();
        }
        Optional<Customer> customer = customers.computeIfAbsent(entry.customerId(), directory::get);
        if (customer.isEmpty()) {
            throw new IllegalStateException("entry of unknown customer " + entry.customerId());
        }
        int recent = settings.get(RECENT_ENTRIES_IN_CALL_EVENTS).map(Integer::parseInt).orElse(10);
        return ChangeEvents.of(change, customer.get(), id -> log.history(id, recent + 1)).stream()
                .map(EventSizes::fit).toList();
    }
}
