package io.switchboard.fanout;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.events.CloudEvent;
import io.switchboard.core.events.EventPublisher;
import io.switchboard.core.events.UnpublishableEventException;
import io.switchboard.core.json.Json;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends each event to every subscriber queue, named by ARN in {@code SUBSCRIBER_QUEUE_ARNS} (comma-separated;
 * template.yaml feeds it and the fan-out's IAM policy from the same parameter). Each ARN is turned into its
 * queue URL once per container with GetQueueUrl. FIFO queues get MessageGroupId = customer id, for per-customer
 * order, and MessageDeduplicationId = event id, so a re-sent event within SQS's five-minute window is dropped
 * by SQS itself.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 *
 * <p>A queue that refuses the event's content (characters outside SQS's allowed set, a size over its limit)
 * will refuse it on every retry: that is an {@link UnpublishableEventException}, which the fan-out parks.
 * Everything else (throttling, a queue unreachable, access denied) is transient and retried.
 */
@Singleton
@Secondary
public class SqsEventPublisher implements EventPublisher {

    public static final String SUBSCRIBER_QUEUE_ARNS = "SUBSCRIBER_QUEUE_ARNS";

    /** Error codes of a message SQS will never take. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html#API_SendMessage_Errors */
    private static final Set<String> REFUSED_CONTENT = Set.of("InvalidMessageContents",
            "AWS.SimpleQueueService.InvalidMessageContents", "InvalidParameterValue", "MessageTooLong");

    private final SqsClient sqs;
    private final Settings settings;
    private final Map<String, String> urlByArn = new ConcurrentHashMap<>();

    public SqsEventPublisher(SqsClient sqs, Settings settings) {
        this.sqs = sqs;
        this.settings = settings;
    }

    /** Read at use, not at construction (Lambda's context builds every singleton eagerly). */
    List<String> queueUrls() {
        return Arrays.stream(settings.require(SUBSCRIBER_QUEUE_ARNS).split(","))
                .map(String::trim).filter(arn -> !arn.isEmpty())
                .map(arn -> urlByArn.computeIfAbsent(arn, this::queueUrl))
                .toList();
    }

    private String queueUrl(String arn) {
        // arn:aws:sqs:<region>:<account>:<queue name>
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !"sqs".equals(parts[2])) {
            throw new IllegalArgumentException("not an SQS queue ARN: " + arn);
        }
        return sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(parts[5]).queueOwnerAWSAccountId(parts[4]).build())
                .queueUrl();
    }

    @Override
    public void publish(CloudEvent event) {
        String body = Json.write(event);
        for (String queueUrl : queueUrls()) {
            SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body);
            if (queueUrl.endsWith(".fifo")) {
                request.messageGroupId(event.subject()).messageDeduplicationId(event.id());
            }
            try {
                sqs.sendMessage(request.build());
            } catch (InvalidMessageContentsException refused) {
                throw new UnpublishableEventException("InvalidMessageContents");
            } catch (AwsServiceException refused) {
                String code = refused.awsErrorDetails() == null ? null : refused.awsErrorDetails().errorCode();
                if (code != null && REFUSED_CONTENT.contains(code)) {
                    throw new UnpublishableEventException(code);
                }
                throw refused;
            }
        }
    }
}
