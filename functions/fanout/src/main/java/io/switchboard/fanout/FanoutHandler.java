package io.switchboard.fanout;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.MicronautRequestHandler;
import io.switchboard.core.config.Settings;
import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.events.ChangeEvents;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher;
import io.switchboard.core.events.EventSizes;
import io.switchboard.core.events.UnpublishableEventException;
import io.switchboard.core.http.Faults;
import io.switchboard.core.model.Text;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Triggered by the conversation log's DynamoDB Stream (a transactional outbox): every stored change becomes
 * CloudEvents on each subscriber queue, so a stored entry is announced even if its webhook function died
 * right after the write.
 *
 * <p>Records are announced in stream order. When publishing fails (SQS or DynamoDB unavailable) the handler
 * stops and reports that record as the batch item failure: Lambda retries from it, and the records before it
 * are not sent again (no duplicates, per-customer order kept). A change that can never be announced (an
 * unreadable image, an event every queue refuses for its content) is parked on the fan-out failure queue with
 * its reason, and the stream goes on: one poisoned change must not hold back every later event of the shard.
 * Exception texts never reach the logs (a queue's error can quote the message: a customer's name or text).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
public class FanoutHandler extends MicronautRequestHandler<DynamodbEvent, StreamsEventResponse> {

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
    public StreamsEventResponse execute(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        Map<String, Optional<Customer>> customers = new HashMap<>();
        int published = 0;
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            String sequenceNumber = record.getDynamodb().getSequenceNumber();
            try {
                published += announce(record, customers);
            } catch (RuntimeException unavailable) {
                // A queue, the store or the parking queue is unavailable. Events of this record already sent
                // are sent again on the retry with the same ids: FIFO deduplication and consumers drop them.
                return retryFrom(sequenceNumber, unavailable);
            }
        }
        if (published > 0) {
            LOG.info("published {} events from {} stream records", published, records.size());
        }
        return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
    }

    /**
     * Announces one stored change; a change that can never be announced is parked with its reason and the shard
     * goes on. Transient faults (the store or a queue unavailable, parking itself failing) propagate.
     */
    private int announce(DynamodbEvent.DynamodbStreamRecord record, Map<String, Optional<Customer>> customers) {
        String sequenceNumber = record.getDynamodb().getSequenceNumber();
        List<CloudEvent> events;
        try {
            events = eventsOf(record, customers);
        } catch (SdkException | StoreFault unavailable) {
            throw unavailable;
        } catch (RuntimeException unreadable) {
            LOG.error("parking stream record {} that cannot become an event: {}", sequenceNumber, Faults.describe(unreadable));
            park(record, "unreadable_change", null);
            return 0;
        }
        int published = 0;
        for (CloudEvent cloudEvent : events) {
            try {
                publisher.publish(EventSizes.fit(cloudEvent));
                published++;
            } catch (UnpublishableEventException refused) {
                LOG.error("parking event {} ({}) of stream record {}: {}", cloudEvent.id(), cloudEvent.type(),
                        sequenceNumber, refused.reason());
                park(record, refused.reason(), cloudEvent);
            }
        }
        return published;
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
        Map<String, AttributeValue> oldImage = StreamImages.toSdk(record.getDynamodb().getOldImage());
        Map<String, AttributeValue> newImage = StreamImages.toSdk(record.getDynamodb().getNewImage());
        if (!LogItems.isEntry(newImage)) {
            return ChangeEvents.of(oldImage, newImage, null);
        }
        String customerId = LogItems.string(newImage, LogItems.CUSTOMER_ID);
        Optional<Customer> customer = customers.computeIfAbsent(customerId, directory::get);
        if (customer.isEmpty()) {
            throw new IllegalStateException("entry of unknown customer " + customerId);
        }
        int recent = settings.get(RECENT_ENTRIES_IN_CALL_EVENTS).map(Integer::parseInt).orElse(10);
        return ChangeEvents.of(oldImage, newImage, customer.get(), id -> log.history(id, recent + 1));
    }

    private static StreamsEventResponse retryFrom(String sequenceNumber, RuntimeException cause) {
        LOG.warn("publishing paused at stream record {}, Lambda will retry from it: {}", sequenceNumber, Faults.describe(cause));
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequenceNumber).build());
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}
