package io.switchboard.outbound;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.LambdaFunction;
import io.switchboard.core.http.Faults;
import io.switchboard.core.ops.MetricNames;
import io.switchboard.core.ops.Telemetry;
import io.switchboard.core.outbound.ReplyEngine;
import io.switchboard.core.outbound.StoreRefusals;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the commands queue ({@code switchboard-commands.fifo}): each message is one send command, carried
 * out by the core's {@link ReplyEngine} through the channel's sender.
 *
 * <p>Partial batch failures: a message whose command hit a fault (the store down, say) is reported as failed and
 * comes back after the queue's visibility timeout; the engine's ledger makes the retry send nothing twice. On a
 * FIFO queue, the messages after a failed one are reported failed too, unprocessed, so one customer's commands are
 * never carried out out of order.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 *
 * <p>A store's refusal of one command as written (a ValidationException the engine could not turn into a rejection)
 * is no outage: only that command and the later ones of its customer (its message group) are reported failed; the
 * other customers' commands in the batch are carried out now, not retried with it.
 */
public class OutboundHandler extends LambdaFunction<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundHandler.class);

    @Inject
    ReplyEngine engine;

    public OutboundHandler() {
        super();
    }

    public OutboundHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    protected SQSBatchResponse execute(SQSEvent event) {
        return carryOut(event.getRecords() == null ? List.of() : event.getRecords(), engine::handle);
    }

    /**
     * Each message in turn; from the first that hits a fault on, every message is reported failed, unprocessed (FIFO
     * order per customer is kept: the retry starts with the failed message). After a refusal, only the refused
     * message's group is.
     */
    static SQSBatchResponse carryOut(List<SQSEvent.SQSMessage> messages,
                                     BiFunction<String, String, ReplyEngine.Outcome> engine) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<ReplyEngine.Outcome, Integer> outcomes = new EnumMap<>(ReplyEngine.Outcome.class);
        Set<String> refusedGroups = new HashSet<>();
        String fault = null;
        for (SQSEvent.SQSMessage message : messages) {
            String group = groupOf(message);
            if (fault != null || refusedGroups.contains(group)) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                continue;
            }
            try {
                outcomes.merge(engine.apply(message.getBody(), message.getMessageId()), 1, Integer::sum);
            } catch (RuntimeException failed) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                if (StoreRefusals.isRefusal(failed)) {
                    refusedGroups.add(group);
                } else {
                    fault = Faults.describe(failed);
                }
            }
        }
        // The engine answers the outcome only, not the channel: the Sends metric's channel is "all".
        outcomes.forEach((outcome, count) -> Telemetry.count("all", "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT),
                MetricNames.SENDS, count));
        LOG.info("commands={} outcomes={} retried={}{}{}", messages.size(), outcomes, failures.size(),
                fault == null ? "" : " fault=" + fault, refusedGroups.isEmpty() ? "" : " refusedGroups=" + refusedGroups.size());
        return new SQSBatchResponse(failures);
    }

    /** The message's FIFO group (a customer id, as helpdesks send commands); its own id on a queue without groups. */
    private static String groupOf(SQSEvent.SQSMessage message) {
        Map<String, String> attributes = message.getAttributes();
        String group = attributes == null ? null : attributes.get("MessageGroupId");
        return group != null ? group : message.getMessageId();
    }
}
