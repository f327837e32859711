package io.switchboard.email;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.RejectedInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Postmark's inbound webhook JSON (https://postmarkapp.com/developer/webhooks/inbound-webhook): FromFull {Email,
 * Name}, ToFull/CcFull [{Email, Name, MailboxHash}], Subject, Date, TextBody, HtmlBody, StrippedTextReply,
 * Headers [{Name, Value}], Attachments [{Name, Content, ContentType, ContentLength, ContentID}]. Postmark's own
 * {@code MessageID} is its id for the inbound message; the email's Message-ID (needed for threading) is in
 * Headers, and Postmark's id is only the fallback.
 */
public final class PostmarkParser {

    private PostmarkParser() {
    }

    public static ParsedEmail parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException malformed) {
            throw new RejectedInputException("malformed JSON");
        }
        if (root == null || !root.isObject()) {
            throw new RejectedInputException("payload is not a JSON object");
        }
        MailHeaders.Builder builder = MailHeaders.builder();
        for (JsonNode header : root.path("Headers")) {
            builder.add(text(header, "Name"), text(header, "Value"));
        }
        MailHeaders headers = builder.build();

        ParsedEmail.EmailAddress from = sender(root);
        List<ParsedEmail.EmailAddress> to = addresses(root.path("ToFull"));
        if (to.isEmpty()) {
            to = MimeEmailParser.addresses(text(root, "To"));
        }
        List<ParsedEmail.EmailAddress> cc = addresses(root.path("CcFull"));
        if (cc.isEmpty()) {
            cc = MimeEmailParser.addresses(text(root, "Cc"));
        }
        String messageId = MessageIds.normalize(headers.first("Message-ID").orElse(null));
        if (messageId == null) {
            messageId = MessageIds.normalize(text(root, "MessageID"));
        }
        List<Attachment> attachments = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (JsonNode attachment : root.path("Attachments")) {
            String type = text(attachment, "ContentType");
            String contentId = MessageIds.normalize(text(attachment, "ContentID"));
            attachments.add(new Attachment(Attachments.typeOf(type), type,
                    contentId == null ? null : "cid:" + contentId, null,
                    text(attachment, "Name"), null,
                    attachment.hasNonNull("ContentLength") ? attachment.get("ContentLength").asLong() : null));
            contents.add(content(text(attachment, "Content")));
        }
        String html = text(root, "HtmlBody");
        String textBody = text(root, "TextBody");
        return new ParsedEmail(from, to, cc, text(root, "Subject"), messageId,
                MessageIds.normalize(headers.first("In-Reply-To").orElse(null)),
                MessageIds.list(String.join(" ", headers.all("References"))),
                MimeEmailParser.date(text(root, "Date")),
                textBody != null ? textBody : HtmlText.of(html),
                text(root, "StrippedTextReply"),
                html != null,
                attachments,
                headers,
                Bounces.isReportSender(from) ? ParsedEmail.Bounce.UNKNOWN : null).withAttachmentBytes(contents);
    }

    /**
     * An attachment's {@code Content}: its bytes in base64
     * (https://postmarkapp.com/developer/user-guide/inbound/parse-an-email); null when absent or not base64.
     */
    static byte[] content(String base64) {
        if (base64 == null) {
            return null;
        }
        try {
            return java.util.Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /**
     * The author, by the one address rule ({@link EmailAddresses}): {@code FromFull.Email} (with
     * {@code FromFull.Name}), else the {@code From} header text. A {@code FromFull} whose Email is empty while
     * From is empty too is the null sender ({@code <>}) of a delivery report.
     *
     * @throws RejectedInputException (400) when there is no From or it is malformed
     */
    private static ParsedEmail.EmailAddress sender(JsonNode root) {
        JsonNode full = root.path("FromFull");
        JsonNode email = full.isObject() ? full.get("Email") : null;
        String name = full.isObject() ? text(full, "Name") : null;
        if (email != null && email.isTextual() && !email.asText().isBlank()) {
            return EmailAddresses.bare(email.asText(), name);
        }
        String header = text(root, "From");
        if (header != null) {
            return EmailAddresses.fromHeader(header);
        }
        if (email != null && email.isTextual()) {
            return ParsedEmail.EmailAddress.nullSender(name);
        }
        throw new RejectedInputException("no From address");
    }

    private static ParsedEmail.EmailAddress address(JsonNode node) {
        String email = text(node, "Email");
        if (email == null || !email.contains("@")) {
            return null;
        }
        return new ParsedEmail.EmailAddress(email.trim(), text(node, "Name"));
    }

    private static List<ParsedEmail.EmailAddress> addresses(JsonNode array) {
        List<ParsedEmail.EmailAddress> result = new ArrayList<>();
        for (JsonNode node : array) {
            ParsedEmail.EmailAddress address = address(node);
            if (address != null) {
                result.add(address);
            }
        }
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}
