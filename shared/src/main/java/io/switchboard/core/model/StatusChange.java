package io.switchboard.core.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A provider's report that an (outbound) message reached a new delivery status.
 *
 * @param channel           the message's channel
 * @param source            channel account, e.g. {@code /whatsapp/<phone_number_id>}
 * @param providerMessageId the message the status is about
 * @param status            the reported status
 * @param at                the provider's time of the status
 * @param error             provider error details for failures (code, title...), may be empty
 */
public record StatusChange(Channel channel, String source, String providerMessageId, DeliveryStatus status,
                           Instant at, Map<String, Object> error) {

    public StatusChange {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(providerMessageId, "providerMessageId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        error = error == null ? Map.of() : Map.copyOf(error);
    }

    public String entryId() {
        return ConversationEntry.idFor(channel, providerMessageId);
    }
}
