package io.switchboard.it;

import io.switchboard.core.json.Json;
import io.switchboard.core.security.Hmac;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Inbound email bodies in each provider's documented shape, for the end-to-end tests. */
final class EmailWebhooks {

    static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private EmailWebhooks() {
    }

    /** A raw RFC 5322 message (the /mime route). */
    static String mime(String from, String name, String messageId, Instant date, String subject, String text,
                       String inReplyTo, List<String> references) {
        StringBuilder message = new StringBuilder()
                .append("From: ").append(name).append(" <").append(from).append(">\r\n")
                .append("To: Example Support <support@support.example.net>\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Date: ").append(RFC_5322.format(date)).append("\r\n")
                .append("Message-ID: <").append(messageId).append(">\r\n");
        if (inReplyTo != null) {
            message.append("In-Reply-To: <").append(inReplyTo).append(">\r\n");
        }
        if (!references.isEmpty()) {
            message.append("References: ").append(String.join(" ", references.stream().map(id -> "<" + id + ">").toList()))
                    .append("\r\n");
        }
        return message.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n")
                .append(text).append("\r\n").toString();
    }

    /** A Mailgun route forward (urlencoded), signed now with the signing key. */
    static String mailgun(String signingKey, String from, String name, String messageId, Instant date, String subject,
                          String text, String inReplyTo, List<String> references) {
        return mailgunSignedAt(signingKey, Instant.now().getEpochSecond(), from, name, messageId, date, subject, text,
                inReplyTo, references);
    }

    static String mailgunSignedAt(String signingKey, long timestamp, String from, String name, String messageId,
                                  Instant date, String subject, String text, String inReplyTo, List<String> references) {
        String token = HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, "token", messageId.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 50);
        String ts = Long.toString(timestamp);
        String signature = HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, signingKey,
                (ts + token).getBytes(StandardCharsets.UTF_8)));
        String refs = String.join(" ", references.stream().map(id -> "<" + id + ">").toList());
        List<List<String>> headers = new ArrayList<>();
        headers.add(List.of("From", name + " <" + from + ">"));
        headers.add(List.of("To", "support@mg.support.example.net"));
        headers.add(List.of("Subject", subject));
        headers.add(List.of("Date", RFC_5322.format(date)));
        headers.add(List.of("Message-Id", "<" + messageId + ">"));
        if (inReplyTo != null) {
            headers.add(List.of("In-Reply-To", "<" + inReplyTo + ">"));
        }
        if (!refs.isEmpty()) {
            headers.add(List.of("References", refs));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("recipient", "support@mg.support.example.net");
        fields.put("sender", from);
        fields.put("from", name + " <" + from + ">");
        fields.put("subject", subject);
        fields.put("body-plain", text);
        fields.put("stripped-text", text);
        fields.put("attachment-count", "0");
        fields.put("timestamp", ts);
        fields.put("token", token);
        fields.put("signature", signature);
        fields.put("message-headers", Json.write(headers));
        fields.put("Message-Id", "<" + messageId + ">");
        if (inReplyTo != null) {
            fields.put("In-Reply-To", "<" + inReplyTo + ">");
        }
        if (!refs.isEmpty()) {
            fields.put("References", refs);
        }
        StringBuilder form = new StringBuilder();
        fields.forEach((key, value) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return form.toString();
    }

    /** Postmark's inbound JSON. */
    static String postmark(String from, String name, String messageId, Instant date, String subject, String text,
                           String inReplyTo, List<String> references) {
        List<Map<String, String>> headers = new ArrayList<>();
        headers.add(Map.of("Name", "Message-ID", "Value", "<" + messageId + ">"));
        if (inReplyTo != null) {
            headers.add(Map.of("Name", "In-Reply-To", "Value", "<" + inReplyTo + ">"));
        }
        if (!references.isEmpty()) {
            headers.add(Map.of("Name", "References",
                    "Value", String.join(" ", references.stream().map(id -> "<" + id + ">").toList())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("From", from);
        body.put("FromName", name);
        body.put("FromFull", Map.of("Email", from, "Name", name, "MailboxHash", ""));
        body.put("To", "support@inbound.support.example.net");
        body.put("ToFull", List.of(Map.of("Email", "support@inbound.support.example.net", "Name", "", "MailboxHash", "")));
        body.put("Subject", subject);
        body.put("MessageID", "pm-" + Integer.toHexString(messageId.hashCode()));
        body.put("Date", RFC_5322.format(date));
        body.put("TextBody", text);
        body.put("HtmlBody", "");
        body.put("StrippedTextReply", text);
        body.put("Headers", headers);
        body.put("Attachments", List.of());
        return Json.write(body);
    }

    static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
