package io.switchboard.core.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.json.JsonValues;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.CustomerIds;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.Text;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A helpdesk's {@code switchboard.message.send} command (docs/architecture.md, "Replies"): a CloudEvent whose id is the
 * idempotency key.
 *
 * @param id             the command id
 * @param source         the helpdesk, e.g. {@code /helpdesk/zendesk}
 * @param customerId     the customer to answer, or null when {@code to} names them
 * @param to             an identity of the customer, or null
 * @param channel        the channel asked for, or null for the channel of the customer's latest inbound message
 * @param text           may be null when attachments or a template carry the message
 * @param attachments    media by URL
 * @param replyToEntryId the entry this message quotes or answers, or null
 * @param subject        email only, or null
 * @param template       a template object (for channels that send templates), or null
 */
public record SendCommand(String id, String source, String customerId, Identity to, Channel channel, String text,
                          List<Attachment> attachments, String replyToEntryId, String subject,
                          Map<String, Object> template) {

    public static final String TYPE = "switchboard.message.send";
    static final int MAX_ID_CHARS = 128;
    static final int MAX_ATTACHMENTS = 10;
    static final int MAX_URL_CHARS = 2048;
    /** An entry id as the log derives it ({@code ConversationEntry.idFor}): "e" and 32 hex digits. */
    private static final java.util.regex.Pattern ENTRY_ID = java.util.regex.Pattern.compile("e[0-9a-f]{32}");
    /** Map keys in order, so that one command's data always serializes to the same bytes. */
    private static final com.fasterxml.jackson.databind.ObjectWriter CANONICAL = Json.MAPPER.writer()
            .with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** The id to use when a command cannot even be read: its id if it has one, else {@code fallbackId}. */
    public static String idOf(String body, String fallbackId) {
        try {
            JsonNode id = Json.MAPPER.readTree(body).path("id");
            String text = id.isTextual() ? JsonValues.nonBlank(id.asText()) : null;
            return text != null && text.length() <= MAX_ID_CHARS ? Text.clean(text) : fallbackId;
        } catch (IOException | RuntimeException unreadable) {
            return fallbackId;
        }
    }

    /** The fingerprint of a command that cannot be read: its whole body, as a SHA-256 digest (hex). */
    public static String bodyFingerprint(String body) {
        return sha256(body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** The command's subject (a customer id) when it can be read, else null: where a rejection is announced. */
    public static String subjectOf(String body) {
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            String customer = root.path("data").path("customerId").asText(null);
            String subject = customer != null ? customer : root.path("subject").asText(null);
            return subject == null || subject.isBlank() || subject.length() > MAX_ID_CHARS ? null : Text.clean(subject);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** The command's source when it can be read, else null. */
    public static String sourceOf(String body) {
        try {
            String source = Json.MAPPER.readTree(body).path("source").asText(null);
            return source == null || source.isBlank() || source.length() > 1024 ? null : Text.clean(source);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * Reads a command from an SQS message body.
     *
     * @throws CommandRejection when the body is not a send command this system can carry out as written
     */
    public static SendCommand parse(String body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new CommandRejection("malformed_json", "the message body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new CommandRejection("malformed_json", "the message body is not a JSON object");
        }
        if (root.has("specversion") && !"1.0".equals(root.path("specversion").asText())) {
            throw new CommandRejection("invalid_command", "specversion must be \"1.0\" (CloudEvents 1.0)");
        }
        String id = text(root, "id");
        if (id == null) {
            throw new CommandRejection("invalid_command", "the command has no id (the CloudEvent id is its idempotency key)");
        }
        if (id.length() > MAX_ID_CHARS) {
            throw new CommandRejection("invalid_command", "the command id is longer than " + MAX_ID_CHARS + " characters");
        }
        String type = text(root, "type");
        if (!TYPE.equals(type)) {
            throw new CommandRejection("unknown_type", "the command type must be " + TYPE + ", not " + (type == null ? "missing" : type));
        }
        JsonNode data = root.path("data");
        if (!data.isObject()) {
            throw new CommandRejection("invalid_command", "the command has no data object");
        }
        // Every value that becomes part of a store key is checked here, before any store call: a value the store
        // refuses (a 10,000-character id) would otherwise fail the command again on every delivery.
        String customerId = text(data, "customerId");
        if (customerId != null) {
            String normalized = CustomerIds.normalize(customerId);
            if (normalized == null) {
                throw new CommandRejection("unknown_customer", "data.customerId is not a customer id (a UUID)");
            }
            customerId = normalized;
        }
        String replyToEntryId = text(data, "replyToEntryId");
        if (replyToEntryId != null && !ENTRY_ID.matcher(replyToEntryId).matches()) {
            throw new CommandRejection("unknown_reply_to", "data.replyToEntryId is not an entry id (e and 32 hex digits)");
        }
        Identity to = null;
        String toKey = text(data, "to");
        if (toKey != null) {
            try {
                to = Identity.parse(toKey);
            } catch (IllegalArgumentException invalid) {
                throw new CommandRejection("invalid_command", "data.to is not an identity key: " + invalid.getMessage());
            }
        }
        if (customerId == null && to == null) {
            throw new CommandRejection("invalid_command", "data needs customerId or to (an identity key)");
        }
        Channel channel = null;
        String channelName = text(data, "channel");
        if (channelName != null) {
            try {
                channel = Channel.fromWire(channelName.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                channel = null;
            }
            if (channel == null || channel.replyChannel() != channel) {
                throw new CommandRejection("unknown_channel", "channel must be one of " + String.join(", ",
                        Channel.values().stream().filter(c -> c.replyChannel() == c).map(Channel::wireName).toList()));
            }
        }
        String text = data.has("text") && !data.get("text").isNull() ? Text.clean(data.get("text").asText()) : null;
        if (text != null && text.isBlank()) {
            text = null;
        }
        Map<String, Object> template = null;
        if (data.has("template") && !data.get("template").isNull()) {
            JsonNode node = data.get("template");
            if (!node.isObject() || text(node, "name") == null) {
                throw new CommandRejection("invalid_command", "template must be an object with a name");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> plain = (Map<String, Object>) JsonValues.plain(node);
            template = plain;
        }
        return new SendCommand(Text.clean(id), sourceOf(body) == null ? "/unknown" : sourceOf(body), customerId, to,
                channel, text, attachments(data.path("attachments")), replyToEntryId,
                text(data, "subject"), template);
    }

    private static List<Attachment> attachments(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new CommandRejection("invalid_command", "attachments must be an array");
        }
        if (node.size() > MAX_ATTACHMENTS) {
            throw new CommandRejection("invalid_command", "at most " + MAX_ATTACHMENTS + " attachments per message");
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode item : node) {
            String url = text(item, "url");
            if (url == null || url.length() > MAX_URL_CHARS || !isHttpUrl(url)) {
                throw new CommandRejection("invalid_command", "every attachment needs an http(s) url of at most "
                        + MAX_URL_CHARS + " characters");
            }
            String mimeType = text(item, "mimeType");
            // The helpdesk's own URL: the provider fetches it to send it; a reference, never fetched by us.
            attachments.add(new Attachment(typeOf(mimeType), mimeType, null, url, text(item, "filename"),
                    text(item, "caption"), null).withStatus(AttachmentStatus.REFERENCE));
        }
        return attachments;
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (IllegalArgumentException invalid) {
            return false;
        }
    }

    /** image, video, audio or document, from the mime type. */
    static String typeOf(String mimeType) {
        if (mimeType == null) {
            return "document";
        }
        String major = mimeType.toLowerCase(Locale.ROOT);
        if (major.startsWith("image/")) {
            return "image";
        }
        if (major.startsWith("video/")) {
            return "video";
        }
        if (major.startsWith("audio/")) {
            return "audio";
        }
        return "document";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : JsonValues.nonBlank(Text.clean(value.asText()));
    }

    /**
     * What this command asks for, as a SHA-256 digest (hex) of its data in a canonical form: the customer (or
     * {@code to}), channel, text, attachments, quoted entry, subject and template, not the id, source or time. Two
     * commands with one id and the same fingerprint are one command delivered twice; with different fingerprints,
     * a command id reused for another request (refused, as the IETF Idempotency-Key draft asks: draft-ietf-httpapi-idempotency-key-header).
     */
    public String fingerprint() {
        Map<String, Object> canonical = new java.util.TreeMap<>();
        canonical.put("customerId", customerId);
        canonical.put("to", to == null ? null : to.key());
        canonical.put("channel", channel == null ? null : channel.wireName());
        canonical.put("text", text);
        canonical.put("attachments", attachments.stream().map(attachment -> {
            Map<String, Object> fields = new java.util.TreeMap<>();
            fields.put("url", attachment.url());
            fields.put("mimeType", attachment.mimeType());
            fields.put("filename", attachment.filename());
            fields.put("caption", attachment.caption());
            return fields;
        }).toList());
        canonical.put("replyToEntryId", replyToEntryId);
        canonical.put("subject", subject);
        canonical.put("template", template);
        try {
            return sha256(CANONICAL.writeValueAsBytes(canonical));
        } catch (IOException e) {
            throw new IllegalStateException("a command's data always serializes", e);
        }
    }

    /** Something to send: text, an attachment or a template. */
    public boolean hasContent() {
        return text != null || !attachments.isEmpty() || template != null;
    }
}
