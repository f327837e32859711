package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ingest.Interaction;
import static io.switchboard.core.json.JsonValues.nonBlank;
import static io.switchboard.core.json.JsonValues.requiredText;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.StatusChange;
import io.switchboard.meta.MetaTimes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Statuses of messages the business sent: a delivery step of the message, filed under the recipient, with the
 * first error of a failed one.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
final class StatusMapper {

    /**
     * Delivery statuses we map. Meta also reports others: "played" for voice messages (since March 2026,
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/audio-messages/),
     * "deleted" and "warning" on older API versions. None is a delivery step in {@link DeliveryStatus}, so they
     * are skipped; rejecting the batch for them would lose the messages that travel beside them.
     */
    private static final Map<String, DeliveryStatus> STATUSES = Map.of(
            "sent", DeliveryStatus.SENT,
            "delivered", DeliveryStatus.DELIVERED,
            "read", DeliveryStatus.READ,
            "failed", DeliveryStatus.FAILED);

    private StatusMapper() {
    }

    static void map(JsonNode status, String where, WhatsAppPayloadParser.Change change, Batch batch) {
        if (!status.isObject()) {
            throw new RejectedInputException(where + " is not an object");
        }
        String wamid = requiredText(status, "id", where + ".id");
        String reported = requiredText(status, "status", where + ".status");
        Instant at = MetaTimes.epochSeconds(status.get("timestamp"), where + ".timestamp");
        DeliveryStatus delivery = STATUSES.get(reported);
        if (delivery == null) {
            return; // see STATUSES: not a delivery step we track
        }
        if ("group".equals(status.path("recipient_type").asText(null))) {
            // A message the business sent to a group: recipient_id is the group, not a customer. Not confirmed
            // in Meta's docs for Cloud API groups; kept minimal until Switchboard models groups.
            return;
        }
        WhatsAppIdentities.Party recipient = WhatsAppIdentities.recipient(status, change.contacts(), where);
        Map<String, Object> error = delivery == DeliveryStatus.FAILED ? firstError(status) : Map.of();
        batch.add(new Interaction.UpdateStatus(recipient.customer(),
                new StatusChange(Channel.WHATSAPP, change.source(), wamid, delivery, at, error)));
        if (recipient.phone() != null && recipient.userId() != null) {
            batch.link(recipient.phone(), recipient.userId(), change.source(), at);
        }
    }

    /** The code, title, message and details of {@code errors[0]}, as far as they are given. */
    private static Map<String, Object> firstError(JsonNode status) {
        JsonNode errors = status.get("errors");
        if (errors == null || !errors.isArray() || errors.isEmpty() || !errors.get(0).isObject()) {
            return Map.of();
        }
        JsonNode first = errors.get(0);
        Map<String, Object> error = new LinkedHashMap<>();
        JsonNode code = first.get("code");
        if (code != null && code.isIntegralNumber()) {
            error.put("code", code.longValue());
        } else if (code != null && code.isTextual()) {
            error.put("code", code.asText());
        }
        putText(error, "title", first.get("title"));
        putText(error, "message", first.get("message"));
        putText(error, "details", first.path("error_data").get("details"));
        return error;
    }

    private static void putText(Map<String, Object> map, String key, JsonNode node) {
        if (node != null && !node.isNull() && node.isValueNode()) {
            String text = nonBlank(node.asText());
            if (text != null) {
                map.put(key, text);
            }
        }
    }
}
