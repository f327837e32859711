package io.switchboard.core.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A provider's report that an (outbound) message reached a new delivery status.
 *
 * @param channel           the message's channel
 * @param source            channel account, e.g. {@code /<channel>/<account id>}
 * @param providerMessageId the message the status is about
 * @param status            the reported status
 * @param at                the provider's time of the status
 * @param error             provider error details for failures (code, title...), may be empty
 * @param placeholder       what the log keeps when it has never seen the entry: its kind and direction
 *                          (an outbound message unless the channel says otherwise), or null to keep nothing
 *                          (a bounce for a message this log never sent)
 */
public record StatusChange(Channel channel, String source, String providerMessageId, DeliveryStatus status,
                           Instant at, Map<String, Object> error, Placeholder placeholder) {

    /** The kind and direction of an entry only known from its statuses so far. */
    public record Placeholder(EntryKind kind, Direction direction) {
        public static final Placeholder OUTBOUND_MESSAGE = new Placeholder(EntryKind.MESSAGE, Direction.OUTBOUND);
    }

    /** A status of an outbound message: unknown messages are kept as outbound placeholders. */
    public StatusChange(Channel channel, String source, String providerMessageId, DeliveryStatus status, Instant at,
                        Map<String, Object> error) {
        this(channel, source, providerMessageId, status, at, error, Placeholder.OUTBOUND_MESSAGE);
    }

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
