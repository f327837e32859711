package io.switchboard.email;

import io.switchboard.core.model.Attachment;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One inbound email, whatever provider delivered it: what the entry is built from. Message ids are already
 * normalized ({@link MessageIds}); text is the full plain-text body (or a text rendering of the HTML body).
 *
 * @param from          the author (From header)
 * @param to            To recipients, may be empty
 * @param cc            Cc recipients, may be empty
 * @param subject       decoded subject, may be null
 * @param messageId     normalized Message-ID, may be null when the message carries none
 * @param inReplyTo     normalized In-Reply-To, may be null
 * @param references    normalized References, oldest first as in the header
 * @param date          the Date header, may be null
 * @param text          the plain-text body, may be null
 * @param strippedText  the reply without quoted history as the provider computed it, may be null
 * @param hasHtml       an HTML body exists
 * @param attachments   attachment metadata (the entry's attachments, in order)
 * @param headers       every header, for classification (auto-replies)
 * @param bounce        what a delivery-status report says, or null when this is no bounce
 * @param mimeDefects   what was wrong with the message's structure and how it was read anyway (a missing start
 *                      boundary, a cut-off Content-Type parameter...), in a few words each; empty when nothing
 * @param attachmentBytes each attachment's bytes as the webhook carried them, in the order of {@code attachments}
 *                      (an entry null when they could not be read), or empty when the parser kept none: what the
 *                      email function stores before the entry is written (docs/architecture.md, "Media")
 */
public record ParsedEmail(EmailAddress from, List<EmailAddress> to, List<EmailAddress> cc, String subject,
                          String messageId, String inReplyTo, List<String> references, Instant date, String text,
                          String strippedText, boolean hasHtml, List<Attachment> attachments, MailHeaders headers,
                          Bounce bounce, List<String> mimeDefects, List<byte[]> attachmentBytes) {

    public ParsedEmail {
        Objects.requireNonNull(from, "from");
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        references = references == null ? List.of() : List.copyOf(references);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        headers = headers == null ? MailHeaders.empty() : headers;
        mimeDefects = mimeDefects == null ? List.of() : List.copyOf(mimeDefects);
        // Nulls are allowed (unreadable content), so no List.copyOf.
        attachmentBytes = attachmentBytes == null ? List.of()
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(attachmentBytes));
        if (!attachmentBytes.isEmpty() && attachmentBytes.size() != attachments.size()) {
            throw new IllegalArgumentException("attachment bytes must match the attachments one for one");
        }
        if (from.isNullSender() && bounce == null) {
            // The null sender (<>) is reserved for reports about earlier mail (RFC 5321 §4.5.5): a bounce.
            bounce = Bounce.UNKNOWN;
        }
    }

    /** A message whose attachments' bytes are not carried. */
    public ParsedEmail(EmailAddress from, List<EmailAddress> to, List<EmailAddress> cc, String subject,
                       String messageId, String inReplyTo, List<String> references, Instant date, String text,
                       String strippedText, boolean hasHtml, List<Attachment> attachments, MailHeaders headers,
                       Bounce bounce, List<String> mimeDefects) {
        this(from, to, cc, subject, messageId, inReplyTo, references, date, text, strippedText, hasHtml, attachments,
                headers, bounce, mimeDefects, List.of());
    }

    /** A message read without structural defects (providers that deliver parsed fields). */
    public ParsedEmail(EmailAddress from, List<EmailAddress> to, List<EmailAddress> cc, String subject,
                       String messageId, String inReplyTo, List<String> references, Instant date, String text,
                       String strippedText, boolean hasHtml, List<Attachment> attachments, MailHeaders headers,
                       Bounce bounce) {
        this(from, to, cc, subject, messageId, inReplyTo, references, date, text, strippedText, hasHtml, attachments,
                headers, bounce, List.of());
    }

    /** The same message carrying its attachments' bytes, one for one with {@link #attachments()}. */
    public ParsedEmail withAttachmentBytes(List<byte[]> bytes) {
        return new ParsedEmail(from, to, cc, subject, messageId, inReplyTo, references, date, text, strippedText,
                hasHtml, attachments, headers, bounce, mimeDefects, bytes);
    }

    /**
     * An address and its (decoded) display name; the name may be null. The address is empty for the null sender
     * ({@code <>}) of delivery-status reports.
     */
    public record EmailAddress(String address, String name) {
        public EmailAddress {
            Objects.requireNonNull(address, "address");
        }

        /** {@code MAILER DAEMON <>}: the null reverse-path (RFC 5321 §4.5.5) that reports are sent from. */
        public static EmailAddress nullSender(String name) {
            return new EmailAddress("", name);
        }

        public boolean isNullSender() {
            return address.isEmpty();
        }
    }

    /**
     * A delivery-status report (RFC 3464) about a message sent earlier.
     *
     * @param originalMessageId normalized Message-ID of the returned message, null when the report does not say
     * @param originalRecipient the address the failed message was sent to (Final-Recipient or the returned To)
     * @param action            e.g. failed, delayed
     * @param status            RFC 3463 status code, e.g. 5.1.1
     * @param diagnostic        the remote server's Diagnostic-Code
     * @param reportingMta      Reporting-MTA
     */
    public record Bounce(String originalMessageId, String originalRecipient, String action, String status,
                         String diagnostic, String reportingMta) {

        /** A report that says nothing readable about the message it returns. */
        public static final Bounce UNKNOWN = new Bounce(null, null, null, null, null, null);
    }
}
