package io.switchboard.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source, locally: long-polls the queue, invokes the function with batches of messages
 * (an {@link SQSEvent}), deletes what it took, and leaves the rest on the queue, as the event source mapping does
 * with {@code ReportBatchItemFailures}. A message left on the queue comes back when its visibility ends; on AWS
 * that is the queue's VisibilityTimeout (minutes), here it is shortened to a backoff that doubles with each
 * receive (1 s, 2 s, 4 s... at most 30 s), so a local retry does not keep a developer waiting. The queue's
 * redrive policy still moves a message to its DLQ after maxReceiveCount receives.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
public final class QueuePoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueuePoller.class);
    private static final int MAX_RETRY_VISIBILITY_SECONDS = 30;

    private final LocalFunction function;
    private final TemplateModel.QueueEvent event;
    private final String queueUrl;
    private final String queueArn;
    private final SqsClient sqs;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private Thread thread;

    public QueuePoller(LocalFunction function, TemplateModel.QueueEvent event, String queueUrl, String queueArn, SqsClient sqs) {
        this.function = function;
        this.event = event;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.sqs = sqs;
    }

    public QueuePoller start() {
        thread = new Thread(this::run, "queue-poller-" + function.logicalId() + "-" + event.eventId());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public String functionId() {
        return function.logicalId();
    }

    /** Batches handed to the function so far. */
    public long invocations() {
        return invocations.get();
    }

    /** Batches in which at least one message failed (and was left on the queue). */
    public long failedBatches() {
        return failedBatches.get();
    }

    private void run() {
        Duration pause = Duration.ofMillis(100);
        while (running.get()) {
            try {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                        .maxNumberOfMessages(Math.min(10, Math.max(1, event.batchSize())))
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All")).messages();
                pause = Duration.ofMillis(100);
                if (!messages.isEmpty()) {
                    deliver(messages);
                }
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                // The queue is down (a test stopped ElasticMQ) or the function failed outside its contract: wait.
                LOG.debug("{}: polling {} failed: {}", function.logicalId(), queueUrl, e.toString());
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : pause.multipliedBy(2);
            }
        }
    }

    private void deliver(List<Message> messages) {
        invocations.incrementAndGet();
        Set<String> failed = new HashSet<>();
        try {
            Object response = function.invoke(event(messages));
            if (event.reportsBatchItemFailures() && response instanceof SQSBatchResponse batch
                    && batch.getBatchItemFailures() != null) {
                batch.getBatchItemFailures().forEach(failure -> failed.add(failure.getItemIdentifier()));
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("{}: batch of {} messages from {} failed; all of them come back: {}", function.logicalId(),
                    messages.size(), queueUrl, e.toString());
            messages.forEach(message -> failed.add(message.messageId()));
        }
        if (!failed.isEmpty()) {
            failedBatches.incrementAndGet();
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message message : messages) {
            if (failed.contains(message.messageId())) {
                int receives = Integer.parseInt(message.attributes().getOrDefault(
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
                int seconds = (int) Math.min(MAX_RETRY_VISIBILITY_SECONDS, 1L << Math.min(receives - 1, 10));
                try {
                    sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                            .visibilityTimeout(seconds));
                } catch (RuntimeException e) {
                    LOG.debug("{}: could not shorten the visibility of a failed message: {}", function.logicalId(), e.toString());
                }
            } else {
                done.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(done.size()))
                        .receiptHandle(message.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
    }

    /** The event Lambda's SQS event source builds. */
    private SQSEvent event(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            Map<String, String> attributes = new HashMap<>();
            message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            record.setAttributes(attributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion(TemplateModel.REGION);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
