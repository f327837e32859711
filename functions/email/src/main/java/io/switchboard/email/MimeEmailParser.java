package io.switchboard.email;

import io.switchboard.core.http.WebhookException;
import io.switchboard.core.model.Attachment;
import jakarta.mail.Address;
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
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.ParsePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Parses an RFC 5322 message with Jakarta Mail (Eclipse Angus): multipart/alternative, mixed and related,
 * quoted-printable and base64, any charset Java knows, RFC 2047 encoded headers, inline images, and
 * delivery-status reports (RFC 3464). Attachments are measured, never kept.
 */
public final class MimeEmailParser {

    /** Parsing only: no transport, no system properties. */
    private static final Session SESSION = Session.getInstance(new Properties());

    private MimeEmailParser() {
    }

    /**
     * @throws WebhookException 400 when the bytes are not a readable message (broken multipart structure,
     *                          no usable From address)
     */
    public static ParsedEmail parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw WebhookException.badRequest("malformed MIME: empty message");
        }
        try {
            MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            MailHeaders headers = headers(message.getAllHeaders());
            ParsedEmail.EmailAddress from = from(message);
            Walk walk = new Walk();
            walk.dsnSender = Bounces.isDaemon(from.address());
            walk.visit(message, false);
            String html = walk.html;
            String text = walk.text != null ? walk.text : HtmlText.of(html);
            ParsedEmail.Bounce bounce = walk.bounce(from, message);
            return new ParsedEmail(from,
                    addresses(message.getHeader("To", ",")),
                    addresses(message.getHeader("Cc", ",")),
                    message.getSubject(),
                    MessageIds.normalize(message.getHeader("Message-ID", null)),
                    MessageIds.normalize(message.getHeader("In-Reply-To", null)),
                    MessageIds.list(message.getHeader("References", " ")),
                    date(message.getHeader("Date", null)),
                    text,
                    null,
                    html != null,
                    walk.attachments,
                    headers,
                    bounce);
        } catch (MessagingException | IOException malformed) {
            throw WebhookException.badRequest("malformed MIME: " + malformed.getMessage());
        }
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
        } catch (MessagingException malformed) {
            throw WebhookException.badRequest("malformed headers: " + malformed.getMessage());
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
        } catch (AddressException e) {
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
        Date parsed = new MailDateFormat().parse(value.trim(), new ParsePosition(0));
        return parsed == null ? null : parsed.toInstant();
    }

    /** Decodes RFC 2047 encoded words (a header value a provider passed on undecoded). */
    public static String decodeText(String value) {
        if (value == null) {
            return null;
        }
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(value));
        } catch (java.io.UnsupportedEncodingException e) {
            return value;
        }
    }

    private static ParsedEmail.EmailAddress from(MimeMessage message) throws MessagingException {
        Address[] from;
        try {
            from = message.getFrom();
        } catch (AddressException bad) {
            throw WebhookException.badRequest("malformed MIME: unreadable From address");
        }
        if (from != null) {
            for (Address address : from) {
                if (address instanceof InternetAddress internet && internet.getAddress() != null
                        && internet.getAddress().contains("@")) {
                    return new ParsedEmail.EmailAddress(internet.getAddress(), blankToNull(internet.getPersonal()));
                }
            }
        }
        throw WebhookException.badRequest("malformed MIME: no From address");
    }

    static MailHeaders headers(Enumeration<Header> all) {
        MailHeaders.Builder builder = MailHeaders.builder();
        while (all.hasMoreElements()) {
            Header header = all.nextElement();
            builder.add(header.getName(), header.getValue());
        }
        return builder.build();
    }

    /** Reads a part's decoded text in its declared charset (UTF-8 when none or unknown to Java). */
    static String text(Part part) throws MessagingException, IOException {
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
        }
        return new String(bytes, charset(part.getContentType()));
    }

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
        String text;
        String html;
        final List<Attachment> attachments = new ArrayList<>();
        boolean report;
        MailHeaders deliveryStatus;
        MailHeaders recipientStatus;
        MailHeaders returnedHeaders;

        void visit(Part part, boolean inReport) throws MessagingException, IOException {
            String disposition = lower(part.getDisposition());
            String filename = filename(part);
            if (part.isMimeType("multipart/*")) {
                MimeMultipart multipart = new MimeMultipart(new MimePartDataSource((MimePart) part));
                boolean isReport = part.isMimeType("multipart/report")
                        && "delivery-status".equalsIgnoreCase(param(part.getContentType(), "report-type"));
                report |= isReport;
                int count = multipart.getCount();
                for (int i = 0; i < count; i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    visit(child, inReport || isReport);
                }
            } else if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")) {
                readDeliveryStatus(part);
            } else if ((part.isMimeType("message/rfc822") || part.isMimeType("text/rfc822-headers")
                    || part.isMimeType("message/global") || part.isMimeType("message/global-headers"))
                    && (inReport || returnedHeaders == null && isDsnSender())) {
                try (InputStream in = part.getInputStream()) {
                    returnedHeaders = headers(new InternetHeaders(in).getAllHeaders());
                }
            } else if (Part.ATTACHMENT.equals(disposition) || filename != null && !part.isMimeType("text/plain")
                    && !part.isMimeType("text/html") || !part.isMimeType("text/*")) {
                attachments.add(attachment(part, filename));
            } else if (part.isMimeType("text/html")) {
                if (html == null) {
                    html = MimeEmailParser.text(part);
                }
            } else if (part.isMimeType("text/plain") || part.isMimeType("text/*") && !part.isMimeType("text/html")) {
                if (text == null && filename == null) {
                    text = MimeEmailParser.text(part);
                } else {
                    attachments.add(attachment(part, filename));
                }
            }
        }

        /** Set by the caller before the walk would matter; a DSN's returned message outside multipart/report. */
        boolean dsnSender;

        boolean isDsnSender() {
            return dsnSender;
        }

        ParsedEmail.Bounce bounce(ParsedEmail.EmailAddress from, MimeMessage message) throws MessagingException {
            boolean fromDaemon = Bounces.isDaemon(from.address());
            if (!report && deliveryStatus == null && !fromDaemon) {
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
        private void readDeliveryStatus(Part part) throws MessagingException, IOException {
            try (InputStream in = part.getInputStream()) {
                deliveryStatus = headers(new InternetHeaders(in).getAllHeaders());
                MailHeaders first = headers(new InternetHeaders(in).getAllHeaders());
                if (first.has("Final-Recipient") || first.has("Status") || first.has("Action")) {
                    recipientStatus = first;
                } else if (deliveryStatus.has("Final-Recipient")) {
                    recipientStatus = deliveryStatus;
                }
            }
        }

        private static Attachment attachment(Part part, String filename) throws MessagingException, IOException {
            long size;
            try (InputStream in = part.getInputStream()) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            String mimeType = baseType(part.getContentType());
            String contentId = part instanceof MimePart mime ? mime.getContentID() : null;
            String cid = contentId == null ? null : "cid:" + MessageIds.normalize(contentId);
            return new Attachment(Attachments.typeOf(mimeType), mimeType, cid, null, filename, null, size);
        }

        private static String filename(Part part) {
            try {
                String name = part.getFileName();
                if (name == null) {
                    String type = part.getContentType();
                    name = type == null ? null : param(type, "name");
                }
                return name == null || name.isBlank() ? null : MimeUtility.decodeText(name);
            } catch (MessagingException | java.io.UnsupportedEncodingException unreadable) {
                return null;
            }
        }
    }

    static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        try {
            return new ContentType(contentType).getBaseType().toLowerCase(Locale.ROOT);
        } catch (ParseException e) {
            int semicolon = contentType.indexOf(';');
            return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        }
    }

    private static String param(String contentType, String name) {
        try {
            return contentType == null ? null : new ContentType(contentType).getParameter(name);
        } catch (ParseException e) {
            return null;
        }
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
