package io.switchboard.email;

import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.RejectedInputException;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.ParsePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Parses an RFC 5322 message with Jakarta Mail (Eclipse Angus): multipart/alternative, mixed and related,
 * quoted-printable and base64, any charset Java knows, RFC 2047 encoded headers, inline images, and
 * delivery-status reports (RFC 3464). Attachments' decoded bytes are carried to the function, which keeps them.
 *
 * <p>Real mail is often malformed. What a lenient reader recovers is recovered ({@link LenientMime}): a multipart
 * without its start boundary is read as text, a cut-off Content-Type parameter is read as far as it goes, and
 * each such repair is listed in {@link ParsedEmail#mimeDefects()}. Only bytes that are no message at all (no
 * header fields, no From) are refused.
 */
public final class MimeEmailParser {

    /** Parsing only: no transport, no system properties. */
    private static final Session SESSION = Session.getInstance(new Properties());

    /** Deeper multipart nesting is not read (real mail nests a handful of levels; each level copies its body). */
    static final int MAX_DEPTH = 16;
    /** Parts beyond this many are not read (the entry keeps 50 attachments at most anyway). */
    static final int MAX_PARTS = 500;

    private MimeEmailParser() {
    }

    /**
     * @throws RejectedInputException (400) when the bytes are not a message (no header fields, no From address) or the
     *                          From address is malformed ({@link EmailAddresses})
     */
    public static ParsedEmail parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw new RejectedInputException("malformed MIME: empty message");
        }
        MimeMessage message;
        MailHeaders headers;
        String fromValue;
        try {
            message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            headers = headers(message.getAllHeaders());
            fromValue = message.getHeader("From", ",");
        } catch (MessagingException | RuntimeException unreadable) {
            throw new RejectedInputException("malformed MIME: unreadable header block");
        }
        if (fromValue == null || fromValue.isBlank()) {
            throw new RejectedInputException(hasHeaderFields(message)
                    ? "malformed MIME: no From address" : "malformed MIME: not a message (no header fields)");
        }
        ParsedEmail.EmailAddress from = EmailAddresses.fromHeader(fromValue);

        LenientMime.Defects defects = new LenientMime.Defects();
        Walk walk = new Walk(defects);
        walk.dsnSender = Bounces.isReportSender(from);
        try {
            walk.visit(message, false, 0);
        } catch (MessagingException | IOException | RuntimeException unreadable) {
            if (unreadable instanceof RejectedInputException refused) {
                throw refused;
            }
            defects.add("body unreadable, read as text");
            walk.fallbackText(LenientMime.content(message, defects), new LenientMime.HeaderValue("text/plain", Map.of()),
                    null, false, MAX_DEPTH);
        }
        String html = walk.html;
        String text = walk.text != null && !walk.text.isBlank() ? walk.text : html != null ? HtmlText.of(html) : walk.text;
        return new ParsedEmail(from,
                addresses(header(message, "To", ",")),
                addresses(header(message, "Cc", ",")),
                subject(message),
                MessageIds.normalize(header(message, "Message-ID", null)),
                MessageIds.normalize(header(message, "In-Reply-To", null)),
                MessageIds.list(header(message, "References", " ")),
                date(header(message, "Date", null)),
                text,
                null,
                html != null,
                walk.attachments,
                headers,
                walk.bounce(from),
                defects.list(),
                walk.contents);
    }

    /** A header block (e.g. SendGrid's {@code headers} field) as parsed headers. */
    public static MailHeaders headers(String block) {
        if (block == null || block.isBlank()) {
            return MailHeaders.empty();
        }
        try {
            InternetHeaders parsed = new InternetHeaders(
                    new ByteArrayInputStream((block.strip() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)));
            return headers(parsed.getAllHeaders());
        } catch (MessagingException | RuntimeException malformed) {
            throw new RejectedInputException("malformed headers");
        }
    }

    /** Addresses of an address-list header value (RFC 2047 names decoded); unparseable entries are skipped. */
    public static List<ParsedEmail.EmailAddress> addresses(String value) {
        List<ParsedEmail.EmailAddress> result = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return result;
        }
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(value, false);
        } catch (AddressException | RuntimeException e) {
            return result;
        }
        for (InternetAddress address : parsed) {
            if (address.getAddress() != null && address.getAddress().contains("@")) {
                result.add(new ParsedEmail.EmailAddress(address.getAddress(), blankToNull(address.getPersonal())));
            }
        }
        return result;
    }

    /** One address (e.g. a From value); null when there is none. */
    public static ParsedEmail.EmailAddress address(String value) {
        List<ParsedEmail.EmailAddress> all = addresses(value);
        return all.isEmpty() ? null : all.get(0);
    }

    /** An RFC 5322 date, leniently (Angus's MailDateFormat); null when absent or unreadable. */
    public static Instant date(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Date parsed = new MailDateFormat().parse(value.trim(), new ParsePosition(0));
            return parsed == null ? null : parsed.toInstant();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Decodes RFC 2047 encoded words (a header value a provider passed on undecoded). */
    public static String decodeText(String value) {
        if (value == null) {
            return null;
        }
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(value));
        } catch (java.io.UnsupportedEncodingException | RuntimeException e) {
            return value;
        }
    }

    static MailHeaders headers(Enumeration<Header> all) {
        MailHeaders.Builder builder = MailHeaders.builder();
        while (all.hasMoreElements()) {
            Header header = all.nextElement();
            builder.add(header.getName(), header.getValue());
        }
        return builder.build();
    }

    /** At least one line of the header block is a field ({@code Name: value}), not stray text. */
    private static boolean hasHeaderFields(MimeMessage message) {
        try {
            Enumeration<String> lines = message.getAllHeaderLines();
            while (lines.hasMoreElements()) {
                String line = lines.nextElement();
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().chars().allMatch(c -> c > 32 && c < 127)) {
                    return true;
                }
            }
        } catch (MessagingException | RuntimeException unreadable) {
            return false;
        }
        return false;
    }

    private static String header(MimeMessage message, String name, String delimiter) {
        try {
            return message.getHeader(name, delimiter);
        } catch (MessagingException | RuntimeException unreadable) {
            return null;
        }
    }

    private static String subject(MimeMessage message) {
        String raw = header(message, "Subject", null);
        return raw == null ? null : decodeText(raw);
    }

    /** The charset a Content-Type names (UTF-8 when none or unknown to Java). */
    static Charset charset(String contentType) {
        try {
            String name = contentType == null ? null : new ContentType(contentType).getParameter("charset");
            if (name != null && !name.isBlank()) {
                return Charset.forName(MimeUtility.javaCharset(name.trim()));
            }
        } catch (ParseException | IllegalArgumentException unknown) {
            // fall through to UTF-8
        }
        return StandardCharsets.UTF_8;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A walk over the MIME tree collecting the first text and HTML bodies, attachments and report parts. */
    private static final class Walk {
        final LenientMime.Defects defects;
        String text;
        String html;
        final List<Attachment> attachments = new ArrayList<>();
        /** Each attachment's decoded bytes, one for one with {@link #attachments}. */
        final List<byte[]> contents = new ArrayList<>();
        boolean report;
        MailHeaders deliveryStatus;
        MailHeaders recipientStatus;
        MailHeaders returnedHeaders;
        /** The message comes from a mail system (or the null sender): a returned message outside a report counts. */
        boolean dsnSender;
        int parts;

        Walk(LenientMime.Defects defects) {
            this.defects = defects;
        }

        void visit(Part part, boolean inReport, int depth) throws MessagingException, IOException {
            LenientMime.HeaderValue type = LenientMime.contentType(LenientMime.header(part, "Content-Type"), defects);
            String base = type.value();
            LenientMime.HeaderValue disposition = LenientMime.disposition(
                    LenientMime.header(part, "Content-Disposition"), defects);
            String filename = filename(type, disposition);
            boolean isText = base.startsWith("text/");
            if (base.startsWith("multipart/")) {
                multipart(part, type, inReport, depth);
            } else if (base.equals("message/delivery-status") || base.equals("message/global-delivery-status")) {
                readDeliveryStatus(LenientMime.content(part, defects));
            } else if ((base.equals("message/rfc822") || base.equals("text/rfc822-headers")
                    || base.equals("message/global") || base.equals("message/global-headers"))
                    && (inReport || returnedHeaders == null && dsnSender)) {
                try (InputStream in = new ByteArrayInputStream(LenientMime.content(part, defects))) {
                    returnedHeaders = headers(new InternetHeaders(in).getAllHeaders());
                }
            } else if (disposition != null && disposition.value().equals(Part.ATTACHMENT)
                    || filename != null && !base.equals("text/plain") && !base.equals("text/html") || !isText) {
                attachments.add(attachment(part, type, filename));
            } else if (base.equals("text/html")) {
                if (html == null) {
                    html = decoded(LenientMime.content(part, defects), type);
                }
            } else if ((text == null || text.isBlank()) && filename == null) {
                text = decoded(LenientMime.content(part, defects), type);
            } else {
                attachments.add(attachment(part, type, filename));
            }
        }

        /**
         * A multipart split at its delimiter lines: the declared boundary when the body uses it, else the one the
         * body does use; read as text when it has none.
         */
        private void multipart(Part part, LenientMime.HeaderValue type, boolean inReport, int depth)
                throws MessagingException {
            if (depth >= MAX_DEPTH) {
                defects.add("multipart nested too deep, inner parts skipped");
                return;
            }
            byte[] body = LenientMime.content(part, defects);
            LenientMime.DelimiterLines delimiters = LenientMime.DelimiterLines.of(body);
            String declared = type.parameter("boundary");
            String boundary = declared != null && !declared.isEmpty() && delimiters.opens(declared) ? declared : null;
            if (boundary == null) {
                boundary = delimiters.sniff();
                if (boundary != null) {
                    defects.add(declared == null || declared.isEmpty()
                            ? "multipart without boundary parameter, split at the body's delimiter lines"
                            : "multipart boundary not in the body, split at the body's delimiter lines");
                }
            }
            if (boundary == null) {
                defects.add(declared == null || declared.isEmpty()
                        ? "multipart without boundary, read as text"
                        : "multipart start boundary not found, read as text");
                fallbackText(body, type, declared, inReport, depth);
                return;
            }
            int cut = LenientMime.delimiterOffset(body, boundary, Math.max(1, MAX_PARTS - parts) + 1);
            if (cut >= 0) {
                defects.add("more than " + MAX_PARTS + " parts, the rest skipped");
                body = LenientMime.closedAt(body, cut, boundary);
            }
            boolean isReport = type.value().equals("multipart/report")
                    && "delivery-status".equalsIgnoreCase(type.parameter("report-type"));
            report |= isReport;
            LenientMime.Multipart multipart = new LenientMime.Multipart(
                    new ByteArrayDataSource(body, LenientMime.multipartType(type.value(), boundary)));
            int count;
            try {
                count = multipart.getCount();
            } catch (MessagingException | RuntimeException unreadable) {
                defects.add("multipart unreadable, read as text");
                fallbackText(body, type, boundary, inReport, depth);
                return;
            }
            if (!multipart.isComplete()) {
                defects.add("multipart end boundary missing");
            }
            if (count == 0) {
                defects.add("multipart without parts, read as text");
                fallbackText(body, type, boundary, inReport, depth);
                return;
            }
            for (int i = 0; i < count; i++) {
                if (++parts > MAX_PARTS) {
                    defects.add("more than " + MAX_PARTS + " parts, the rest skipped");
                    return;
                }
                try {
                    BodyPart child = multipart.getBodyPart(i);
                    visit(child, inReport || isReport, depth + 1);
                } catch (MessagingException | IOException | RuntimeException unreadable) {
                    if (unreadable instanceof RejectedInputException refused) {
                        throw refused;
                    }
                    defects.add("a body part is unreadable, skipped");
                }
            }
        }

        /**
         * Structure that cannot be recovered: its readable text becomes the message's text. A body that begins with
         * a part's header fields is read as that part (its transfer encoding and charset applied).
         */
        void fallbackText(byte[] body, LenientMime.HeaderValue type, String boundary, boolean inReport, int depth) {
            byte[] kept = LenientMime.withoutDelimiters(body, boundary);
            if (depth + 1 < MAX_DEPTH && LenientMime.startsWithPartHeaders(kept)) {
                try {
                    visit(new MimeBodyPart(new ByteArrayInputStream(kept)), inReport, depth + 1);
                    return;
                } catch (MessagingException | IOException | RuntimeException unreadable) {
                    if (unreadable instanceof RejectedInputException refused) {
                        throw refused;
                    }
                    // read as text below
                }
            }
            String content = decoded(kept, type).strip();
            if (!content.isEmpty() && (text == null || text.isBlank())) {
                text = content;
            }
        }

        private String decoded(byte[] bytes, LenientMime.HeaderValue type) {
            return new String(bytes, LenientMime.charset(type, defects));
        }

        ParsedEmail.Bounce bounce(ParsedEmail.EmailAddress from) {
            if (!report && deliveryStatus == null && !Bounces.isReportSender(from)) {
                return null;
            }
            String originalId = returnedHeaders == null ? null
                    : MessageIds.normalize(returnedHeaders.first("Message-ID").orElse(null));
            String recipient = null;
            if (recipientStatus != null) {
                recipient = Bounces.addressOfTypedField(recipientStatus.first("Final-Recipient")
                        .or(() -> recipientStatus.first("Original-Recipient")).orElse(null));
            }
            if (recipient == null && returnedHeaders != null) {
                ParsedEmail.EmailAddress to = address(returnedHeaders.first("To").orElse(null));
                recipient = to == null ? null : to.address();
            }
            return new ParsedEmail.Bounce(originalId, recipient,
                    recipientStatus == null ? null : recipientStatus.first("Action").orElse(null),
                    recipientStatus == null ? null : recipientStatus.first("Status").orElse(null),
                    recipientStatus == null ? null : Bounces.valueOfTypedField(recipientStatus.first("Diagnostic-Code").orElse(null)),
                    deliveryStatus == null ? null : Bounces.valueOfTypedField(deliveryStatus.first("Reporting-MTA").orElse(null)));
        }

        /** RFC 3464: per-message fields, a blank line, then one block of fields per recipient (the first is kept). */
        private void readDeliveryStatus(byte[] content) throws MessagingException, IOException {
            try (InputStream in = new ByteArrayInputStream(content)) {
                deliveryStatus = headers(new InternetHeaders(in).getAllHeaders());
                MailHeaders first = headers(new InternetHeaders(in).getAllHeaders());
                if (first.has("Final-Recipient") || first.has("Status") || first.has("Action")) {
                    recipientStatus = first;
                } else if (deliveryStatus.has("Final-Recipient")) {
                    recipientStatus = deliveryStatus;
                }
            }
        }

        private Attachment attachment(Part part, LenientMime.HeaderValue type, String filename) {
            byte[] content = LenientMime.content(part, defects);
            contents.add(content);
            long size = content.length;
            String contentId = LenientMime.header(part, "Content-ID");
            String id = contentId == null ? null : MessageIds.normalize(contentId);
            return new Attachment(Attachments.typeOf(type.value()), type.value(), id == null ? null : "cid:" + id, null,
                    filename, null, size);
        }

        private static String filename(LenientMime.HeaderValue type, LenientMime.HeaderValue disposition) {
            String name = disposition == null ? null : disposition.parameter("filename");
            if (name == null || name.isBlank()) {
                name = type.parameter("name");
            }
            return name == null || name.isBlank() ? null : decodeText(name);
        }
    }

    static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        try {
            return new ContentType(contentType).getBaseType().toLowerCase(Locale.ROOT);
        } catch (ParseException | RuntimeException e) {
            int semicolon = contentType.indexOf(';');
            return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        }
    }
}
