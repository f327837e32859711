package io.switchboard.fanout;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher;
import io.switchboard.core.json.Json;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends each event to every subscriber queue ({@code SUBSCRIBER_QUEUE_URLS}, comma-separated). FIFO queues
 * (URL ends in .fifo) get MessageGroupId = customer id, for per-customer order, and MessageDeduplicationId =
 * event id, so a re-sent event within SQS's five-minute window is dropped by SQS itself.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 */
@Singleton
@Secondary
public class SqsEventPublisher implements EventPublisher {

    public static final String SUBSCRIBER_QUEUE_URLS = "SUBSCRIBER_QUEUE_URLS";

    private final SqsClient sqs;
    private final Settings settings;

    public SqsEventPublisher(SqsClient sqs, Settings settings) {
        this.sqs = sqs;
        this.settings = settings;
    }

    /** Read at use, not at construction (Lambda's context builds every singleton eagerly). */
    private List<String> queueUrls() {
        return Arrays.stream(settings.require(SUBSCRIBER_QUEUE_URLS).split(","))
                .map(String::trim).filter(url -> !url.isEmpty()).toList();
    }

    @Override
    public void publish(CloudEvent event) {
        String body = Json.write(event);
        for (String queueUrl : queueUrls()) {
            SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body);
            if (queueUrl.endsWith(".fifo")) {
                request.messageGroupId(event.subject()).messageDeduplicationId(event.id());
            }
            sqs.sendMessage(request.build());
        }
    }
}
