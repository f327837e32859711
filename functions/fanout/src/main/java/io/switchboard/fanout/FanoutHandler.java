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
 * are not sent again (no duplicates, per-customer order kept). A record that can never become an event
 * (an unreadable image) is logged and skipped, so it does not block the stream.
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

    @Override
    public StreamsEventResponse execute(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        Map<String, Optional<Customer>> customers = new HashMap<>();
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            String sequenceNumber = record.getDynamodb().getSequenceNumber();
            List<CloudEvent> events;
            try {
                events = eventsOf(record, customers);
            } catch (SdkException unavailable) {
                return retryFrom(sequenceNumber, unavailable);
            } catch (RuntimeException unreadable) {
                LOG.error("skipping stream record {} that cannot become an event: {}", sequenceNumber, unreadable.toString());
                continue;
            }
            try {
                for (CloudEvent cloudEvent : events) {
                    publisher.publish(cloudEvent);
                }
            } catch (RuntimeException unavailable) {
                // Events of this record already sent are sent again on the retry with the same ids: FIFO
                // deduplication and consumers drop them.
                return retryFrom(sequenceNumber, unavailable);
            }
        }
        return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
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
        LOG.warn("publishing paused at stream record {}, Lambda will retry from it: {}", sequenceNumber, cause.toString());
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequenceNumber).build());
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}
