package io.switchboard.email;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Webhook bodies as the email providers post them, built in tests. */
final class Requests {

    static final String URLENCODED = "application/x-www-form-urlencoded";

    private Requests() {
    }

    /** One form field: text when {@code filename} is null, else a file. */
    record Field(String name, String filename, String contentType, byte[] bytes) {

        static Field text(String name, String value) {
            return new Field(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        static Field file(String name, String filename, String contentType, byte[] bytes) {
            return new Field(name, filename, contentType, bytes);
        }
    }

    static String multipartType(String boundary) {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** multipart/form-data (RFC 7578). */
    static byte[] multipart(String boundary, List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(field.name()).append('"');
            if (field.filename() != null) {
                head.append("; filename=\"").append(field.filename()).append('"');
            }
            head.append("\r\n");
            if (field.contentType() != null) {
                head.append("Content-Type: ").append(field.contentType()).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(field.bytes());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** application/x-www-form-urlencoded; text fields only. */
    static byte[] urlencoded(List<Field> fields) {
        List<String> pairs = new ArrayList<>();
        for (Field field : fields) {
            pairs.add(URLEncoder.encode(field.name(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(new String(field.bytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
        return String.join("&", pairs).getBytes(StandardCharsets.UTF_8);
    }

    /** The fields plus Mailgun's timestamp, token and signature (signed with the fixtures' key). */
    static List<Field> signedMailgun(List<Field> fields, long timestamp, String token) {
        List<Field> signed = new ArrayList<>(fields);
        String ts = Long.toString(timestamp);
        signed.add(Field.text("timestamp", ts));
        signed.add(Field.text("token", token));
        signed.add(Field.text("signature", MailgunSignature.sign(Fixtures.MAILGUN_KEY, ts, token)));
        return signed;
    }

    /** A Mailgun forward of a short message from {@code from}. */
    static List<Field> mailgunMessage(String from, String bodyPlain, String messageId) {
        return List.of(Field.text("recipient", "support@mg.support.example.net"),
                Field.text("sender", "kim.lee@example.com"),
                Field.text("from", from),
                Field.text("subject", "Re: Refund"),
                Field.text("body-plain", bodyPlain),
                Field.text("Message-Id", "<" + messageId + ">"));
    }

    /** A Postmark inbound payload with the given FromFull.Email (or none when null) and From text. */
    static byte[] postmark(String fromFullEmail, String fromText, String text) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (fromFullEmail != null) {
            root.putObject("FromFull").put("Email", fromFullEmail).put("Name", "Ann Example");
        }
        if (fromText != null) {
            root.put("From", fromText);
        }
        root.put("To", "support@shop.example");
        root.put("Subject", "Where is order 4417?");
        root.put("MessageID", "3e5f5d4e-0000-4000-8000-000000000009");
        root.put("Date", "Mon, 30 Nov 2026 09:00:00 +0000");
        root.put("TextBody", text);
        root.putArray("Headers").addObject().put("Name", "Message-ID").put("Value", "<postmark-test-0009@example.com>");
        return Json.write(root).getBytes(StandardCharsets.UTF_8);
    }

    /** A short raw message. */
    static byte[] mime(String fromHeader, String text) {
        return ("From: " + fromHeader + "\r\nTo: support@shop.example\r\nSubject: Where is order 4417?\r\n"
                + "Date: Mon, 30 Nov 2026 09:00:00 +0000\r\nMessage-ID: <mime-test-0010@example.com>\r\n\r\n"
                + text + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
