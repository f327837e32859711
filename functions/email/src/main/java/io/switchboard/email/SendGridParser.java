package io.switchboard.email;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.RejectedInputException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SendGrid Inbound Parse (https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/inbound-email), always
 * multipart/form-data. With "POST the raw, full MIME message" on, the field {@code email} holds the whole message
 * and is parsed as MIME. Otherwise the parsed form: {@code headers} (the raw header block), {@code from},
 * {@code to}, {@code cc}, {@code subject}, {@code text}, {@code html}, {@code charsets} (JSON: the charset of
 * each text field), {@code attachments} (a count), {@code attachment-info} (JSON keyed attachment1..n with
 * filename, name, type, content-id) and the files {@code attachment1..n}.
 */
public final class SendGridParser {

    private SendGridParser() {
    }

    public static ParsedEmail parse(FormFields form) {
        var raw = form.field("email");
        if (raw.isPresent()) {
            return MimeEmailParser.parse(raw.get().bytes());
        }
        JsonNode charsets = json(form.get("charsets").orElse(null), "charsets");
        MailHeaders headers = MimeEmailParser.headers(value(form, "headers", charsets));
        // The author, by the one address rule (EmailAddresses): the from field, else the From of the headers field.
        String fromHeader = value(form, "from", charsets);
        ParsedEmail.EmailAddress from = EmailAddresses.fromHeader(fromHeader != null ? fromHeader
                : headers.first("From").orElse(null));
        JsonNode info = json(form.get("attachment-info").orElse(null), "attachment-info");
        List<Attachment> attachments = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (FormFields.Field file : form.files()) {
            if (!file.name().startsWith("attachment")) {
                continue;
            }
            JsonNode meta = info == null ? null : info.get(file.name());
            String type = meta != null && meta.hasNonNull("type") ? meta.get("type").asText()
                    : MimeEmailParser.baseType(file.contentType());
            String contentId = meta != null && meta.hasNonNull("content-id")
                    ? MessageIds.normalize(meta.get("content-id").asText()) : null;
            String filename = meta != null && meta.hasNonNull("filename") ? meta.get("filename").asText() : file.filename();
            attachments.add(new Attachment(Attachments.typeOf(type), type,
                    contentId == null ? null : "cid:" + contentId, null,
                    filename, null, (long) file.bytes().length));
            contents.add(file.bytes());
        }
        String html = value(form, "html", charsets);
        String text = value(form, "text", charsets);
        String subject = value(form, "subject", charsets);
        return new ParsedEmail(from,
                MimeEmailParser.addresses(value(form, "to", charsets)),
                MimeEmailParser.addresses(value(form, "cc", charsets)),
                subject != null ? subject : headers.first("Subject").map(MimeEmailParser::decodeText).orElse(null),
                MessageIds.normalize(headers.first("Message-ID").orElse(null)),
                MessageIds.normalize(headers.first("In-Reply-To").orElse(null)),
                MessageIds.list(headers.first("References").orElse(null)),
                MimeEmailParser.date(headers.first("Date").orElse(null)),
                text != null ? text : HtmlText.of(html),
                null,
                html != null,
                attachments,
                headers,
                Bounces.isReportSender(from) ? ParsedEmail.Bounce.UNKNOWN : null).withAttachmentBytes(contents);
    }

    /** A text field decoded in the charset {@code charsets} names for it (UTF-8 otherwise). */
    private static String value(FormFields form, String name, JsonNode charsets) {
        return form.field(name).filter(field -> !field.isFile()).map(field -> {
            Charset charset = StandardCharsets.UTF_8;
            if (charsets != null && charsets.hasNonNull(name)) {
                charset = MimeEmailParser.charset("text/plain; charset=\"" + charsets.get(name).asText() + "\"");
            } else {
                charset = MimeEmailParser.charset(field.contentType());
            }
            return field.value(charset);
        }).filter(value -> !value.isBlank()).orElse(null);
    }

    private static JsonNode json(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw new RejectedInputException(what + " is not a JSON object");
            }
            return node;
        } catch (IOException malformed) {
            throw new RejectedInputException("malformed " + what + " JSON");
        }
    }
}
