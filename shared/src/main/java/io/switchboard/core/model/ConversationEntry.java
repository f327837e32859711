package io.switchboard.core.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One interaction in a customer's timeline.
 *
 * <p>The id is derived from channel + provider message id, so a retried delivery always maps to the same
 * entry (that is what makes appends idempotent), and a status or reaction that arrives before its message
 * can name the entry it refers to.
 *
 * @param id                stable across retries, see {@link #idFor(Channel, String)}
 * @param channel           where it happened
 * @param source            channel account, e.g. {@code /<channel>/<account id>}: the CloudEvent source
 * @param direction         inbound (customer to company) or outbound
 * @param kind              message, reaction, call...
 * @param occurredAt        the provider's time, not arrival time
 * @param text              body, caption-less text, transcription...; may be null
 * @param attachments       media references, never bytes
 * @param providerMessageId the provider's own id (wamid, mid, CallSid, Message-ID)
 * @param replyTo           provider message id this entry answers or reacts to; may be null
 * @param conversationId    assigned by the conversation log
 * @param opensConversation true for the entry that started its conversation
 * @param status            delivery status where the channel reports one; may be null
 * @param statusAt          when the provider reported that status; may be null
 * @param details           kind-specific data (location, button payload, raw JSON of unsupported types...)
 * @param placeholder       true while only a status has been seen for this message (content unknown)
 */
public record ConversationEntry(
        String id,
        Channel channel,
        String source,
        Direction direction,
        EntryKind kind,
        Instant occurredAt,
        String text,
        List<Attachment> attachments,
        String providerMessageId,
        String replyTo,
        String conversationId,
        boolean opensConversation,
        DeliveryStatus status,
        Instant statusAt,
        Map<String, Object> details,
        boolean placeholder) {

    public ConversationEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(providerMessageId, "providerMessageId");
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** The entry id for a provider message: the same input always gives the same id. */
    public static String idFor(Channel channel, String providerMessageId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((channel.wireName() + "\n" + providerMessageId).getBytes(StandardCharsets.UTF_8));
            return "e" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** The entry id of the message this one replies or reacts to, or null. */
    public String replyToEntryId() {
        return replyTo == null ? null : idFor(channel, replyTo);
    }

    public ConversationEntry inConversation(String conversation, boolean opens) {
        return new ConversationEntry(id, channel, source, direction, kind, occurredAt, text, attachments,
                providerMessageId, replyTo, conversation, opens, status, statusAt, details, placeholder);
    }

    public static Builder builder(Channel channel, String providerMessageId) {
        return new Builder(channel, providerMessageId);
    }

    /** Builds entries for parsers: id is derived, the conversation is left to the log. */
    public static final class Builder {
        private final Channel channel;
        private final String providerMessageId;
        private String source;
        private Direction direction = Direction.INBOUND;
        private EntryKind kind = EntryKind.MESSAGE;
        private Instant occurredAt;
        private String text;
        private List<Attachment> attachments = List.of();
        private String replyTo;
        private DeliveryStatus status;
        private Instant statusAt;
        private final Map<String, Object> details = new LinkedHashMap<>();
        private boolean placeholder;

        private Builder(Channel channel, String providerMessageId) {
            this.channel = channel;
            this.providerMessageId = providerMessageId;
        }

        public Builder source(String value) { this.source = value; return this; }
        public Builder direction(Direction value) { this.direction = value; return this; }
        public Builder kind(EntryKind value) { this.kind = value; return this; }
        public Builder occurredAt(Instant value) { this.occurredAt = value; return this; }
        public Builder text(String value) { this.text = value; return this; }
        public Builder attachments(List<Attachment> value) { this.attachments = value; return this; }
        public Builder replyTo(String value) { this.replyTo = value; return this; }
        public Builder status(DeliveryStatus value, Instant at) { this.status = value; this.statusAt = at; return this; }
        public Builder placeholder(boolean value) { this.placeholder = value; return this; }

        /** Adds a kind-specific detail; null values are left out. */
        public Builder detail(String key, Object value) {
            if (value != null) {
                details.put(key, value);
            }
            return this;
        }

        public ConversationEntry build() {
            return new ConversationEntry(idFor(channel, providerMessageId), channel, source, direction, kind,
                    occurredAt, text, attachments, providerMessageId, replyTo, null, false, status, statusAt,
                    details, placeholder);
        }
    }
}
