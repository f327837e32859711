package io.switchboard.local.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.MicronautRequestHandler;
import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A miniature fan-out: sends each new item's id to FORWARD_QUEUE_URL and, when SQS fails, reports that record
 * and every later one as failed (so that order is kept and nothing is lost).
 */
public class ForwardingStreamHandler extends MicronautRequestHandler<DynamodbEvent, StreamsEventResponse> {

    /** Invocations that reported failures, across instances (the tests look at it). */
    public static final AtomicInteger FAILED_BATCHES = new AtomicInteger();

    @Inject
    Settings settings;

    private volatile SqsClient sqs;

    public ForwardingStreamHandler() {
    }

    public ForwardingStreamHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    public StreamsEventResponse execute(DynamodbEvent event) {
        if (sqs == null) {
            sqs = AwsClientFactory.configure(SqsClient.builder(), "SQS", settings, List.of()).build();
        }
        String queueUrl = settings.require("FORWARD_QUEUE_URL");
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            if (failures.isEmpty()) {
                try {
                    String id = record.getDynamodb().getKeys().get("id").getS();
                    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(id));
                    continue;
                } catch (RuntimeException e) {
                    FAILED_BATCHES.incrementAndGet();
                }
            }
            failures.add(StreamsEventResponse.BatchItemFailure.builder()
                    .withItemIdentifier(record.getDynamodb().getSequenceNumber()).build());
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}
