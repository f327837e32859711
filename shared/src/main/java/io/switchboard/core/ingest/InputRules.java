package io.switchboard.core.ingest;

import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.StatusChange;
import io.switchboard.core.model.Text;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline promises about input, applied to every channel's interactions before anything of a webhook
 * is written (so a refused request creates no customer):
 * <ul>
 *   <li>text everywhere is cleaned ({@link Text#clean}), so every stored change can be published;</li>
 *   <li>provider ids and sources longer than {@value #MAX_ID_CHARS} characters are refused: no provider issues
 *       such ids, and the store would refuse the write (a 5xx the provider retries forever);</li>
 *   <li>texts over {@value #MAX_TEXT_CHARS} characters and long detail values are truncated and flagged, so an
 *       entry stays far below DynamoDB's 400 KB item limit and its event below SQS's 256 KiB;</li>
 *   <li>provider times more than {@link #MAX_CLOCK_SKEW} ahead of arrival (or before 1970) are replaced by the
 *       arrival time and flagged, the provider's value kept in details: a message from the year 5138 must not
 *       hold a conversation open forever, and every event time stays valid RFC 3339.</li>
 * </ul>
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */
public final class InputRules {

    public static final int MAX_ID_CHARS = 1024;
    public static final int MAX_TEXT_CHARS = 32_000;
    /** Longest string inside details (raw JSON of unsupported types, headers...). */
    public static final int MAX_DETAIL_CHARS = 16_000;
    public static final int MAX_DETAILS_BYTES = 64 * 1024;
    public static final int MAX_ATTACHMENTS = 50;
    /** URLs and media ids: a cut one would be useless, so longer ones are refused. */
    public static final int MAX_ATTACHMENT_FIELD_CHARS = 2048;
    /** Captions and file names are kept, cut to these lengths and flagged. */
    public static final int MAX_CAPTION_CHARS = 4096;
    public static final int MAX_FILENAME_CHARS = 1024;
    public static final int MAX_PROFILE_NAME_CHARS = 256;
    public static final int MAX_THREAD_REFERENCES = 50;
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    /** Details flags: the entry's text was cut, and how long it was. */
    public static final String TEXT_TRUNCATED = "textTruncated";
    public static final String ORIGINAL_TEXT_LENGTH = "originalTextLength";
    public static final String DETAILS_TRUNCATED = "detailsTruncated";
    public static final String ATTACHMENTS_TRUNCATED = "attachmentsTruncated";
    /** Details flags: the provider's time was not plausible, arrival time stands in; the provider's value. */
    public static final String TIME_CLAMPED = "timeClamped";
    public static final String PROVIDER_TIME = "providerTime";

    private InputRules() {
    }

    /**
     * The interactions as they may be stored.
     *
     * @throws RejectedInputException when one of them can never be stored (nothing of the batch is written)
     */
    public static List<Interaction> admit(List<? extends Interaction> interactions, Instant arrival) {
        List<Interaction> admitted = new ArrayList<>(interactions.size());
        for (Interaction interaction : interactions) {
            admitted.add(admit(interaction, arrival));
        }
        return admitted;
    }

    static Interaction admit(Interaction interaction, Instant arrival) {
        if (interaction instanceof Interaction.LogEntry log) {
            return new Interaction.LogEntry(log.customer(), name(log.profileName()), entry(log.entry(), arrival));
        }
        if (interaction instanceof Interaction.LogReply reply) {
            List<String> references = reply.threadReferences().stream()
                    .map(Text::clean)
                    .filter(reference -> reference.length() <= MAX_ID_CHARS)
                    .limit(MAX_THREAD_REFERENCES)
                    .toList();
            return new Interaction.LogReply(reply.customer(), name(reply.profileName()), entry(reply.entry(), arrival),
                    references);
        }
        if (interaction instanceof Interaction.UpdateStatus update) {
            StatusChange change = update.change();
            return new Interaction.UpdateStatus(update.customer(), new StatusChange(change.channel(),
                    id(change.source(), "source"), id(change.providerMessageId(), "message id"), change.status(),
                    time(change.at(), arrival), details(change.error(), new LinkedHashMap<>()), change.placeholder()));
        }
        if (interaction instanceof Interaction.Watermark watermark) {
            return new Interaction.Watermark(watermark.customer(), watermark.channel(),
                    id(watermark.source(), "source"), watermark.status(), time(watermark.upTo(), arrival));
        }
        if (interaction instanceof Interaction.AmendEntry amend) {
            Map<String, Object> flags = new LinkedHashMap<>();
            String text = text(amend.text(), flags);
            Map<String, Object> details = new LinkedHashMap<>(details(amend.details(), flags));
            details.putAll(flags);
            return new Interaction.AmendEntry(amend.customer(), amend.channel(),
                    id(amend.providerMessageId(), "message id"), text, details, time(amend.at(), arrival),
                    amend.ifMissing() == null ? null : entry(amend.ifMissing(), arrival));
        }
        if (interaction instanceof Interaction.LinkIdentity link) {
            return new Interaction.LinkIdentity(link.customer(), link.added(), id(link.source(), "source"),
                    time(link.at(), arrival));
        }
        if (interaction instanceof Interaction.ProfileName named) {
            return new Interaction.ProfileName(named.customer(), name(named.name()), id(named.source(), "source"),
                    time(named.at(), arrival));
        }
        throw new IllegalArgumentException("unknown interaction " + interaction.getClass().getSimpleName());
    }

    static ConversationEntry entry(ConversationEntry entry, Instant arrival) {
        Map<String, Object> flags = new LinkedHashMap<>();
        String text = text(entry.text(), flags);
        Map<String, Object> details = details(entry.details(), flags);
        Instant occurredAt = entry.occurredAt();
        if (!plausible(occurredAt, arrival)) {
            flags.put(TIME_CLAMPED, true);
            flags.put(PROVIDER_TIME, describe(occurredAt));
            occurredAt = arrival;
        }
        Instant statusAt = entry.statusAt() == null ? null : time(entry.statusAt(), arrival);
        List<Attachment> attachments = attachments(entry.attachments(), flags);
        if (!flags.isEmpty()) {
            Map<String, Object> merged = new LinkedHashMap<>(details);
            merged.putAll(flags);
            details = merged;
        }
        return new ConversationEntry(entry.id(), entry.channel(), id(entry.source(), "source"), entry.direction(),
                entry.kind(), occurredAt, text, attachments, id(entry.providerMessageId(), "message id"),
                entry.replyTo() == null ? null : id(entry.replyTo(), "reply-to id"), entry.conversationId(),
                entry.opensConversation(), entry.status(), statusAt, details, entry.placeholder());
    }

    private static String id(String value, String what) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_ID_CHARS) {
            throw new RejectedInputException(what + " longer than " + MAX_ID_CHARS + " characters");
        }
        return Text.clean(value);
    }

    private static String name(String profileName) {
        return Text.truncate(Text.clean(profileName), MAX_PROFILE_NAME_CHARS);
    }

    private static String text(String text, Map<String, Object> flags) {
        String cleaned = Text.clean(text);
        if (cleaned != null && cleaned.length() > MAX_TEXT_CHARS) {
            flags.put(TEXT_TRUNCATED, true);
            flags.put(ORIGINAL_TEXT_LENGTH, cleaned.length());
            return Text.truncate(cleaned, MAX_TEXT_CHARS);
        }
        return cleaned;
    }

    private static Map<String, Object> details(Map<String, Object> details, Map<String, Object> flags) {
        if (details.isEmpty()) {
            return details;
        }
        boolean[] truncated = {false};
        @SuppressWarnings("unchecked")
        Map<String, Object> cleaned = (Map<String, Object>) cleanValue(details, truncated);
        if (Json.write(cleaned).getBytes(StandardCharsets.UTF_8).length > MAX_DETAILS_BYTES) {
            throw new RejectedInputException("message details larger than " + MAX_DETAILS_BYTES + " bytes");
        }
        if (truncated[0]) {
            flags.put(DETAILS_TRUNCATED, true);
        }
        return cleaned;
    }

    private static Object cleanValue(Object value, boolean[] truncated) {
        if (value instanceof String text) {
            String cleaned = Text.clean(text);
            if (cleaned.length() > MAX_DETAIL_CHARS) {
                truncated[0] = true;
                return Text.truncate(cleaned, MAX_DETAIL_CHARS);
            }
            return cleaned;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> cleaned = new LinkedHashMap<>();
            map.forEach((key, item) -> cleaned.put(Text.clean(String.valueOf(key)), cleanValue(item, truncated)));
            return cleaned;
        }
        if (value instanceof List<?> list) {
            List<Object> cleaned = new ArrayList<>(list.size());
            list.forEach(item -> cleaned.add(cleanValue(item, truncated)));
            return cleaned;
        }
        return value;
    }

    private static List<Attachment> attachments(List<Attachment> attachments, Map<String, Object> flags) {
        if (attachments.size() > MAX_ATTACHMENTS) {
            throw new RejectedInputException("more than " + MAX_ATTACHMENTS + " attachments");
        }
        List<Attachment> cleaned = new ArrayList<>(attachments.size());
        for (Attachment attachment : attachments) {
            String filename = Text.clean(attachment.filename());
            String caption = Text.clean(attachment.caption());
            if ((filename != null && filename.length() > MAX_FILENAME_CHARS)
                    || (caption != null && caption.length() > MAX_CAPTION_CHARS)) {
                flags.put(ATTACHMENTS_TRUNCATED, true);
            }
            // The state is the channel's (pending, reference, or stored by the webhook itself), kept as it is.
            cleaned.add(new Attachment(field(attachment.type()), field(attachment.mimeType()),
                    field(attachment.mediaId()), field(attachment.url()), Text.truncate(filename, MAX_FILENAME_CHARS),
                    Text.truncate(caption, MAX_CAPTION_CHARS), attachment.sizeBytes(), attachment.status(),
                    field(attachment.contentType()), attachment.sha256(), attachment.reason(), attachment.objectKey(),
                    attachment.settledAt()));
        }
        return cleaned;
    }

    private static String field(String value) {
        if (value != null && value.length() > MAX_ATTACHMENT_FIELD_CHARS) {
            throw new RejectedInputException("attachment field longer than " + MAX_ATTACHMENT_FIELD_CHARS + " characters");
        }
        return Text.clean(value);
    }

    private static Instant time(Instant at, Instant arrival) {
        return at == null || plausible(at, arrival) ? at : arrival;
    }

    private static boolean plausible(Instant at, Instant arrival) {
        return !at.isBefore(Instant.EPOCH) && !at.isAfter(arrival.plus(MAX_CLOCK_SKEW));
    }

    /** The provider's time as ISO-8601 (any year), for details. */
    private static String describe(Instant at) {
        return at.toString();
    }
}
