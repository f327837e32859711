package io.switchboard.fanout;

import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.LambdaFunction;
import io.switchboard.core.config.Settings;
import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.events.ChangeEvents;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher;
import io.switchboard.core.events.EventSizes;
import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.log.LogChange;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.ops.Telemetry;
import io.switchboard.core.store.LogItems;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The admin entry point that announces stored changes again to one subscriber queue: a helpdesk that lost events or
 * subscribed late. Invoked with {@code {"subscriberQueueUrl": ..., "customerId": ...}} (that customer's history) or
 * {@code {"subscriberQueueUrl": ..., "from": ..., "to": ...}} (every customer's entries that occurred in the range,
 * ISO-8601 instants; a scan of the log table), or both (one customer's range). {@code replayId} (optional, default
 * random) goes into the messages' FIFO deduplication ids, so the queue does not drop the replay as a repeat.
 *
 * <p>Each stored item is mapped the way the fan-out maps the stream record that wrote it ({@link ChangeEvents}):
 * the customer's creation, each entry's arrival, and its current status and latest amendment, and each of its
 * attachments that was stored or failed, with the same event ids the fan-out gave them, so a consumer that has them
 * already drops them (an attachment stored with its entry, which the fan-out announced in the entry's arrival alone,
 * is announced on its own too: a consumer that has the arrival would drop it and miss the state). Order: per customer, its creation, then its
 * entries in provider-time order (the FIFO group is the customer). Earlier statuses of an entry (sent before
 * delivered) are not replayed: the log keeps only the latest. docs/runbook.md, "Replay".
 */
public class ReplayHandler extends LambdaFunction<Map<String, Object>, Map<String, Object>> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayHandler.class);
    /** Entries read per page of a customer's timeline. */
    private static final int PAGE = 200;

    @Inject
    CustomerDirectory directory;

    @Inject
    ConversationLog log;

    @Inject
    SqsEventPublisher publisher;

    @Inject
    DynamoDbClient dynamoDb;

    @Inject
    Settings settings;

    public ReplayHandler() {
        super();
    }

    public ReplayHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    protected Map<String, Object> execute(Map<String, Object> request) {
        String queueUrl = text(request, "subscriberQueueUrl");
        if (queueUrl == null) {
            throw new IllegalArgumentException("subscriberQueueUrl is required");
        }
        requireSubscriber(queueUrl);
        String customerId = text(request, "customerId");
        Instant from = instant(request, "from");
        Instant to = instant(request, "to");
        if (customerId == null && from == null && to == null) {
            throw new IllegalArgumentException("name a customerId, or a time range (from, to), or both");
        }
        // Part of each message's FIFO deduplication id: a replay is not swallowed by SQS as a repeat of the original.
        String replayId = text(request, "replayId") != null ? text(request, "replayId") : java.util.UUID.randomUUID().toString();
        List<String> customers = customerId != null ? List.of(customerId) : allCustomers();
        int published = 0;
        List<String> unsentCustomers = new ArrayList<>();
        for (String id : customers) {
            List<CloudEvent> events = eventsOf(id, from, to);
            EventPublisher.Publication publication = publisher.publishTo(queueUrl, events, replayId);
            int sent = 0;
            for (EventPublisher.Outcome outcome : publication.outcomes()) {
                sent += outcome instanceof EventPublisher.Outcome.Published ? 1 : 0;
            }
            published += sent;
            Telemetry.tag(Telemetry.CUSTOMER_ID, id);
            FanoutHandler.logPublished(events, publication);
            if (sent < events.size()) {
                unsentCustomers.add(id);
                LOG.warn("replay of customer {}: {} of {} events not published; replay this customer again", id,
                        events.size() - sent, events.size());
            }
        }
        Telemetry.tag(Telemetry.EVENT_IDS, null);
        LOG.info("replayed {} customers: {} events published, {} customers incomplete", customers.size(), published,
                unsentCustomers.size());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("replayId", replayId);
        answer.put("customers", customers.size());
        answer.put("eventsPublished", published);
        answer.put("incompleteCustomers", unsentCustomers);
        return answer;
    }

    /**
     * A replay sends a customer's whole history: only to a queue the fan-out publishes to, never to another account's
     * queue or to the commands queue (which would read the history as commands). When {@code SUBSCRIBER_QUEUE_ARNS}
     * is set (the local replay command sets it from the template), the queue must be one of them; on AWS the
     * function's IAM policy allows SendMessage to those queues only (template.yaml, ReplayFunction).
     * A queue URL's path is /ACCOUNT/NAME and its ARN ends :ACCOUNT:NAME
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html).
     */
    private void requireSubscriber(String queueUrl) {
        Optional<String> configured = settings.get(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS);
        if (configured.isEmpty()) {
            return;
        }
        List<String> subscribers = Arrays.stream(configured.get().split(",")).map(String::trim)
                .filter(arn -> !arn.isEmpty()).toList();
        String path;
        try {
            path = java.net.URI.create(queueUrl).getPath();
        } catch (IllegalArgumentException e) {
            path = null;
        }
        String[] parts = path == null ? new String[0] : path.split("/");
        boolean subscriber = parts.length == 3 && parts[0].isEmpty() && subscribers.stream()
                .anyMatch(arn -> arn.endsWith(":" + parts[1] + ":" + parts[2]) && arn.startsWith("arn:aws:sqs:"));
        if (!subscriber) {
            throw new IllegalArgumentException(queueUrl + " is not a subscriber queue; replay only to one of "
                    + String.join(", ", subscribers));
        }
    }

    /** The customer's changes as events, in order: its creation, then its entries oldest first (within the range). */
    List<CloudEvent> eventsOf(String customerId, Instant from, Instant to) {
        Customer customer = directory.get(customerId).orElse(null);
        if (customer == null) {
            throw new IllegalArgumentException("no customer " + customerId);
        }
        Map<String, CloudEvent> events = new LinkedHashMap<>();
        // A merged customer's id resolves to its survivor: its own creation is the survivor's to announce.
        if (customer.id().equals(customerId) && from == null && to == null) {
            add(events, ChangeEvents.of(new LogChange.CustomerCreated(customer), customer));
        }
        int recent = settings.get(FanoutHandler.RECENT_ENTRIES_IN_CALL_EVENTS).map(Integer::parseInt).orElse(10);
        for (LogChange.LoggedEntry entry : entriesOldestFirst(customerId)) {
            Instant at = entry.entry().occurredAt();
            if ((from != null && at.isBefore(from)) || (to != null && !at.isBefore(to))) {
                continue;
            }
            // As the fan-out saw it: inserted (arrival, and a placeholder's or ended call's status) ...
            add(events, ChangeEvents.of(new LogChange.EntryChanged(customerId, null, entry), customer,
                    id -> log.history(id, recent + 1)));
            // ... then changed to what it is now from a state with no status, no amendment and its kept attachments
            // pending: the current status, the latest amendment and each attachment's outcome, with the ids their own
            // stream records gave them.
            LogChange.LoggedEntry bare = new LogChange.LoggedEntry(withAttachmentsPending(entry.entry()), null, Map.of(), 0);
            add(events, ChangeEvents.of(new LogChange.EntryChanged(customerId, bare, entry), customer));
        }
        return List.copyOf(events.values());
    }

    /** The entry as it was before the media function fetched its attachments: stored and failed ones pending. */
    private static ConversationEntry withAttachmentsPending(ConversationEntry entry) {
        List<Attachment> attachments = entry.attachments().stream()
                .map(attachment -> attachment.status().settled() ? attachment.withStatus(AttachmentStatus.PENDING) : attachment)
                .toList();
        return new ConversationEntry(entry.id(), entry.channel(), entry.source(), entry.direction(), entry.kind(),
                entry.occurredAt(), entry.text(), attachments, entry.providerMessageId(), entry.replyTo(),
                entry.conversationId(), entry.opensConversation(), entry.status(), entry.statusAt(), entry.details(),
                entry.placeholder());
    }

    private static void add(Map<String, CloudEvent> events, List<CloudEvent> more) {
        for (CloudEvent event : more) {
            events.putIfAbsent(event.id(), EventSizes.fit(event));
        }
    }

    private List<LogChange.LoggedEntry> entriesOldestFirst(String customerId) {
        List<LogChange.LoggedEntry> entries = new ArrayList<>();
        String after = null;
        do {
            ConversationLog.TimelinePage page = log.timeline(customerId, null, PAGE, after);
            entries.addAll(page.entries());
            after = page.next();
        } while (after != null);
        Collections.reverse(entries);
        return entries;
    }

    /** Every customer record of the log table (a scan: a time range over all customers is a rare admin task). */
    private List<String> allCustomers() {
        List<String> ids = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = dynamoDb.scan(ScanRequest.builder().tableName(settings.require(Settings.CONVERSATION_LOG_TABLE))
                    .filterExpression("#type = :customer AND attribute_not_exists(#merged)")
                    .expressionAttributeNames(Map.of("#type", LogItems.RECORD_TYPE, "#merged", LogItems.MERGED_INTO))
                    .expressionAttributeValues(Map.of(":customer", AttributeValue.fromS(LogItems.TYPE_CUSTOMER)))
                    .projectionExpression(LogItems.CUSTOMER_ID)
                    .exclusiveStartKey(start).consistentRead(true).build());
            page.items().forEach(item -> ids.add(item.get(LogItems.CUSTOMER_ID).s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return ids;
    }

    private static String text(Map<String, Object> request, String name) {
        Object value = request == null ? null : request.get(name);
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    private static Instant instant(Map<String, Object> request, String name) {
        String value = text(request, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " is not an ISO-8601 instant (2026-11-23T09:00:00Z): " + value);
        }
    }
}
