package io.switchboard.email;

import io.switchboard.core.ingest.InputRules;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.StatusChange;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a parsed email into canonical interactions: one {@link Interaction.LogReply} (threaded by In-Reply-To and
 * References), plus, for a bounce whose original message is known, an {@link Interaction.UpdateStatus} that
 * marks that message failed (never inventing an entry the log does not hold).
 *
 * <p>A bounce belongs to the customer the returned message was written to. A bounce from the null sender
 * ({@code <>}) that names no readable recipient belongs to nobody: it yields no interaction at all (accepted,
 * nothing stored), rather than a customer made of the mail system's address.
 */
public final class EmailInteractions {

    /**
     * Text longer than this (in characters) is cut and flagged {@code details.truncated}: a DynamoDB item holds at
     * most 400 KB, and 64 Ki characters are at most 256 KB of UTF-8 with room left for the rest of the entry.
     */
    public static final int MAX_TEXT_CHARS = 64 * 1024;

    /**
     * Recipients (each of To and Cc) and References kept in the entry's details: the core refuses an entry whose
     * details exceed 64 KB, and a message to two thousand visible recipients must still be stored. What is left
     * out is counted ({@code toOmitted}, {@code ccOmitted}, {@code referencesOmitted}).
     */
    static final int MAX_LISTED = 50;
    /** Longer subjects are cut in the details (flagged {@code subjectTruncated}). */
    static final int MAX_SUBJECT_CHARS = 2000;

    private EmailInteractions() {
    }

    /**
     * @param provider postmark, mailgun, sendgrid or mime: the entry's source is {@code /email/<provider>}
     * @param now      arrival time, used when the message has no readable Date header
     * @param rawKey   bytes that identify the message when it has no Message-ID (a retry carries the same bytes)
     */
    public static List<Interaction> of(ParsedEmail email, String provider, Instant now, byte[] rawKey) {
        String source = "/email/" + provider;
        Instant occurredAt = email.date() != null ? email.date() : now;
        String messageId = email.messageId() != null ? email.messageId() : syntheticId(rawKey);
        EntryKind kind = email.bounce() != null ? EntryKind.BOUNCE
                : isAutoReply(email.headers()) ? EntryKind.AUTO_REPLY : EntryKind.MESSAGE;

        // An email's attachments come in the webhook's body, not from a provider that holds them: there is nothing
        // for the media function to fetch (a cid: media id names a MIME part), so until the webhook keeps their
        // bytes they are references (docs/architecture.md, "Media").
        List<Attachment> attachments = email.attachments().stream()
                .map(attachment -> attachment.withStatus(AttachmentStatus.REFERENCE)).toList();
        Integer attachmentsOmitted = null;
        if (attachments.size() > InputRules.MAX_ATTACHMENTS) {
            // The core refuses entries with more; a customer's message must not be lost for its 51st image.
            attachmentsOmitted = attachments.size() - InputRules.MAX_ATTACHMENTS;
            attachments = attachments.subList(0, InputRules.MAX_ATTACHMENTS);
        }

        String reply = email.strippedText() != null && !email.strippedText().isBlank()
                ? email.strippedText().strip() : ReplyText.strip(email.text());
        boolean truncated = reply != null && reply.length() > MAX_TEXT_CHARS;
        if (truncated) {
            reply = reply.substring(0, MAX_TEXT_CHARS);
        }

        String subject = email.subject();
        ConversationEntry.Builder entry = ConversationEntry.builder(Channel.EMAIL, messageId)
                .source(source)
                .kind(kind)
                .occurredAt(occurredAt)
                .text(reply)
                .attachments(attachments)
                .replyTo(email.inReplyTo())
                .detail("from", address(email.from()))
                .detail("to", addresses(first(email.to())))
                .detail("toOmitted", omitted(email.to()))
                .detail("cc", email.cc().isEmpty() ? null : addresses(first(email.cc())))
                .detail("ccOmitted", omitted(email.cc()))
                .detail("subject", subject == null || subject.length() <= MAX_SUBJECT_CHARS ? subject
                        : subject.substring(0, MAX_SUBJECT_CHARS))
                .detail("subjectTruncated", subject != null && subject.length() > MAX_SUBJECT_CHARS ? Boolean.TRUE : null)
                .detail("hasHtml", email.hasHtml())
                .detail("messageId", email.messageId())
                .detail("inReplyTo", email.inReplyTo())
                .detail("references", email.references().isEmpty() ? null : last(email.references()))
                .detail("referencesOmitted", omitted(email.references()))
                .detail("provider", provider)
                .detail("truncated", truncated ? Boolean.TRUE : null)
                .detail("attachmentsOmitted", attachmentsOmitted)
                .detail("mimeDefects", email.mimeDefects().isEmpty() ? null : email.mimeDefects());

        List<String> thread = MessageIds.threadReferences(email.inReplyTo(), email.references(), messageId);
        List<Interaction> interactions = new ArrayList<>();
        ParsedEmail.Bounce bounce = email.bounce();
        if (bounce == null) {
            interactions.add(new Interaction.LogReply(Identity.email(email.from().address()), email.from().name(),
                    entry.build(), thread));
            return interactions;
        }
        entry.detail("bounce", bounceDetails(bounce));
        // A bounce belongs to the person the failed message was written to; it joins that message's conversation.
        String recipient = bounce.originalRecipient() != null && EmailAddresses.isValid(bounce.originalRecipient())
                ? bounce.originalRecipient() : null;
        if (recipient == null && email.from().isNullSender()) {
            return interactions;
        }
        Identity customer = Identity.email(recipient != null ? recipient : email.from().address());
        List<String> bounceThread = new ArrayList<>();
        if (bounce.originalMessageId() != null) {
            bounceThread.add(bounce.originalMessageId());
        }
        bounceThread.addAll(thread);
        interactions.add(new Interaction.LogReply(customer, null, entry.build(), bounceThread));
        if (bounce.originalMessageId() != null) {
            interactions.add(new Interaction.UpdateStatus(customer, new StatusChange(Channel.EMAIL, source,
                    bounce.originalMessageId(), DeliveryStatus.FAILED, occurredAt, bounceDetails(bounce), null)));
        }
        return interactions;
    }

    /**
     * Auto-Submitted other than "no" (RFC 3834), X-Autoreply / X-Autorespond (common autoresponders), Precedence
     * auto_reply, bulk or junk.
     */
    static boolean isAutoReply(MailHeaders headers) {
        String autoSubmitted = headers.first("Auto-Submitted").map(EmailInteractions::token).orElse(null);
        if (autoSubmitted != null && !autoSubmitted.equals("no")) {
            return true;
        }
        if (headers.first("X-Autoreply").isPresent() || headers.first("X-Autorespond").isPresent()) {
            return true;
        }
        String precedence = headers.first("Precedence").map(EmailInteractions::token).orElse("");
        return precedence.equals("auto_reply") || precedence.equals("bulk") || precedence.equals("junk");
    }

    private static String token(String value) {
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Object> bounceDetails(ParsedEmail.Bounce bounce) {
        Map<String, Object> details = new LinkedHashMap<>();
        putIfPresent(details, "originalMessageId", bounce.originalMessageId());
        putIfPresent(details, "recipient", bounce.originalRecipient());
        putIfPresent(details, "action", bounce.action());
        putIfPresent(details, "status", bounce.status());
        putIfPresent(details, "diagnostic", bounce.diagnostic());
        putIfPresent(details, "reportingMta", bounce.reportingMta());
        return details;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Map<String, Object> address(ParsedEmail.EmailAddress address) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("address", address.address());
        putIfPresent(map, "name", address.name());
        return map;
    }

    private static List<Map<String, Object>> addresses(List<ParsedEmail.EmailAddress> addresses) {
        return addresses.stream().map(EmailInteractions::address).toList();
    }

    private static <T> List<T> first(List<T> all) {
        return all.size() <= MAX_LISTED ? all : all.subList(0, MAX_LISTED);
    }

    /** The newest references (the header lists them oldest first). */
    private static <T> List<T> last(List<T> all) {
        return all.size() <= MAX_LISTED ? all : all.subList(all.size() - MAX_LISTED, all.size());
    }

    private static Integer omitted(List<?> all) {
        return all.size() <= MAX_LISTED ? null : all.size() - MAX_LISTED;
    }

    /** A key for a message without Message-ID: the same delivered bytes give the same id. */
    static String syntheticId(byte[] rawKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(rawKey == null ? new byte[0] : rawKey);
            return "sha256-" + HexFormat.of().formatHex(digest, 0, 16) + "@switchboard.invalid";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
