package io.switchboard.fanout;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Parks changes on the fan-out failure queue ({@code FANOUT_FAILURES_QUEUE_URL}), the same queue Lambda's
 * on-failure destination uses for stream batches it gives up on. The message names the change by its keys and
 * sequence number and says why; it never carries the content (which is what could not be sent).
 */
@Singleton
@Secondary
public class SqsParkedChanges implements ParkedChanges {

    public static final String FANOUT_FAILURES_QUEUE_URL = "FANOUT_FAILURES_QUEUE_URL";

    private final SqsClient sqs;
    private final Settings settings;
    private final Clock clock;

    public SqsParkedChanges(SqsClient sqs, Settings settings, Clock clock) {
        this.sqs = sqs;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void park(String reason, String sequenceNumber, String customerId, String sortKey, String eventId,
                     String eventType) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("parked", "switchboard.change.unpublishable");
        body.put("reason", reason);
        body.put("parkedAt", clock.instant().toString());
        body.put("sequenceNumber", sequenceNumber);
        body.put("key", Map.of("customerId", String.valueOf(customerId), "sk", String.valueOf(sortKey)));
        if (eventId != null) {
            body.put("eventId", eventId);
            body.put("eventType", eventType);
        }
        sqs.sendMessage(SendMessageRequest.builder().queueUrl(settings.require(FANOUT_FAILURES_QUEUE_URL))
                .messageBody(Json.write(body)).build());
    }
}
