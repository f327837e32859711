package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.json.Json;
import static io.switchboard.core.json.JsonValues.nonBlank;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.StatusChange;
import static io.switchboard.meta.MetaPayload.text;
import io.switchboard.meta.MetaTimes;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Delivery and read receipts of what the account sent: a watermark (everything sent up to it) and/or the
 * messages named one by one.
 */
final class ReceiptMapper {

    private ReceiptMapper() {
    }

    /**
     * Delivery receipt: everything sent before {@code watermark} (always present) was delivered; {@code mids},
     * when present, name messages one by one. The documented example has no timestamp: the watermark is the time.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-deliveries
     */
    static void delivery(JsonNode delivery, Event event, List<Interaction> out) {
        Instant watermark = MetaTimes.optionalEpoch(delivery.get("watermark"), event.where() + ".delivery.watermark");
        Instant at = watermark != null ? watermark : event.requireTime();
        receipt(DeliveryStatus.DELIVERED, watermark, at, delivery.get("mids"), event, out);
    }

    /**
     * Read receipt. Messenger: {@code read.watermark}, everything sent up to it was read.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reads
     * Instagram ({@code messaging_seen}) names the message seen in {@code read.mid} instead; the webhooks page lists
     * the field but its example is not in the reference we could read, so both shapes are accepted.
     * https://developers.facebook.com/documentation/business-messaging/instagram-messaging/webhooks
     */
    static void read(JsonNode read, Event event, List<Interaction> out) {
        Instant watermark = MetaTimes.optionalEpoch(read.get("watermark"), event.where() + ".read.watermark");
        Instant at = event.time() != null ? event.time() : watermark;
        if (at == null) {
            throw new RejectedInputException(event.where() + " has no timestamp");
        }
        String mid = text(read, "mid");
        receipt(DeliveryStatus.READ, watermark, at, mid == null ? null : Json.MAPPER.createArrayNode().add(mid),
                event, out);
    }

    private static void receipt(DeliveryStatus status, Instant watermark, Instant at, JsonNode mids, Event event,
                                List<Interaction> out) {
        Channel channel = event.account().platform().channel();
        String source = event.account().source();
        if (watermark != null) {
            out.add(new Interaction.Watermark(event.party().customer(), channel, source, status, watermark));
        }
        if (mids != null && mids.isArray()) {
            for (JsonNode mid : mids) {
                String id = nonBlank(mid.asText(null));
                if (id != null) {
                    out.add(new Interaction.UpdateStatus(event.party().customer(),
                            new StatusChange(channel, source, id, status, at, Map.of())));
                }
            }
        }
        if (watermark == null && (mids == null || mids.isEmpty())) {
            throw new RejectedInputException(event.where() + " receipt has neither watermark nor mids");
        }
    }
}
