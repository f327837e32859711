package io.switchboard.email;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.RejectedInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Mailgun route's forward() post, fully parsed form
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/receive-http):
 * urlencoded, or multipart/form-data when the email has attachments. Fields used: {@code from},
 * {@code sender} (MAIL FROM, a fallback), {@code recipient}, {@code subject}, {@code body-plain},
 * {@code stripped-text}, {@code body-html}, {@code message-headers} (a JSON list of [name, value] pairs, in
 * order), {@code Message-Id}, {@code In-Reply-To}, {@code References}, {@code attachment-count} and the files
 * {@code attachment-1..n}. Authentication ({@code timestamp}, {@code token}, {@code signature}) is checked by
 * {@link MailgunSignature} before this runs.
 */
public final class MailgunParser {

    private MailgunParser() {
    }

    public static ParsedEmail parse(FormFields form) {
        MailHeaders headers = headers(form.get("message-headers").orElse(null));
        ParsedEmail.EmailAddress from = sender(form, headers);
        List<ParsedEmail.EmailAddress> to = MimeEmailParser.addresses(headers.first("To").orElse(form.get("To").orElse(null)));
        if (to.isEmpty()) {
            to = MimeEmailParser.addresses(form.get("recipient").orElse(null));
        }
        List<Attachment> attachments = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (FormFields.Field file : form.files()) {
            if (file.name().startsWith("attachment-")) {
                String type = MimeEmailParser.baseType(file.contentType());
                attachments.add(new Attachment(Attachments.typeOf(type), type, null, null, file.filename(), null,
                        (long) file.bytes().length));
                contents.add(file.bytes());
            }
        }
        String html = form.get("body-html").orElse(null);
        String text = form.get("body-plain").orElse(null);
        return new ParsedEmail(from, to,
                MimeEmailParser.addresses(headers.first("Cc").orElse(form.get("Cc").orElse(null))),
                form.get("subject").orElse(headers.first("Subject").map(MimeEmailParser::decodeText).orElse(null)),
                MessageIds.normalize(form.first("Message-Id", "Message-ID").orElse(headers.first("Message-Id").orElse(null))),
                MessageIds.normalize(form.get("In-Reply-To").orElse(headers.first("In-Reply-To").orElse(null))),
                MessageIds.list(form.get("References").orElse(headers.first("References").orElse(null))),
                MimeEmailParser.date(headers.first("Date").orElse(form.get("Date").orElse(null))),
                text != null ? text : HtmlText.of(html),
                form.get("stripped-text").orElse(null),
                html != null,
                attachments,
                headers,
                Bounces.isReportSender(from) ? ParsedEmail.Bounce.UNKNOWN : null).withAttachmentBytes(contents);
    }

    /**
     * The author, by the one address rule ({@link EmailAddresses}): the {@code from} field (the From header),
     * else the From of {@code message-headers}, else the envelope {@code sender}. A From that is present but
     * malformed is refused, not replaced by the envelope: raw MIME has no envelope to fall back on.
     *
     * @throws RejectedInputException (400) when there is no From or it is malformed
     */
    private static ParsedEmail.EmailAddress sender(FormFields form, MailHeaders headers) {
        String header = form.get("from").orElse(headers.first("From").orElse(null));
        if (header != null) {
            return EmailAddresses.fromHeader(header);
        }
        String envelope = form.get("sender").orElse(null);
        if (envelope != null) {
            return EmailAddresses.bare(envelope, null);
        }
        throw new RejectedInputException("no From address");
    }

    /** {@code message-headers}: [["Received", "..."], ["From", "..."], ...]. */
    static MailHeaders headers(String json) {
        MailHeaders.Builder builder = MailHeaders.builder();
        if (json == null) {
            return builder.build();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException malformed) {
            throw new RejectedInputException("malformed message-headers JSON");
        }
        if (root == null || !root.isArray()) {
            throw new RejectedInputException("message-headers is not a JSON list");
        }
        for (JsonNode pair : root) {
            if (pair.isArray() && pair.size() >= 2) {
                builder.add(pair.get(0).asText(), pair.get(1).asText());
            }
        }
        return builder.build();
    }
}
