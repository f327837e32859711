package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.testing.HostileInput;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Properties of every email route, over generated hostile bodies (seeded: a failing case names its seed). Every
 * request is correctly authenticated (basic auth; Mailgun signed with a fresh timestamp and a new token), so
 * what is exercised is the parsing and recording of bad content:
 * <ul>
 *   <li>the answer is 2xx or 4xx, never 5xx (a 5xx makes the provider retry a request that can never succeed);</li>
 *   <li>a 4xx writes nothing: no customer, no entry, no status change;</li>
 *   <li>on the routes that read raw MIME (the MIME route, SendGrid raw), a refusal names the sender, the absence of
 *       a message, or a limit of the store, never the message's structure: broken structure is read leniently.</li>
 * </ul>
 */
class EmailRoutesPropertyTest {

    /** Bodies per route: a few hundred, a few seconds in all. */
    static final int CASES = 250;

    private static final long NOW = TestHandlers.NOW.getEpochSecond();
    private static final List<String> WORDS = List.of("order", "refund", "4417", "hello", "Grüße", "naïve", "—", "東京",
            "> quoted", "On Mon, Nov 30, 2026 Ann wrote:", "-----Original Message-----", "=?UTF-8?Q?x?=", "--",
            "<p>", "</div>", "&amp;", "\t", " ");

    /**
     * Why a raw message may be refused: no message or no usable sender, or a value over the core's store limits
     * (InputRules, Identity). Anything else, e.g. "malformed MIME: Missing start boundary", is a message lost for
     * its structure.
     */
    private static final List<String> ACCEPTABLE_MIME_REFUSALS = List.of("malformed From address: ",
            "no From address", "malformed MIME: no From address", "malformed MIME: not a message",
            "malformed MIME: empty message", "malformed MIME: unreadable header block", "message id longer than",
            "reply-to id longer than", "attachment field longer than", "sender id longer than",
            "message details larger than", "not an email address");

    /** One generated request. */
    record Request(String path, String contentType, byte[] body, Map<String, String> headers, boolean base64) {
    }

    @TestFactory
    Stream<DynamicTest> postmark() {
        return route(h -> new Request(EmailChannel.POSTMARK, "application/json", postmarkBody(h),
                TestHandlers.auth(), false), false);
    }

    @TestFactory
    Stream<DynamicTest> mailgun() {
        return route(EmailRoutesPropertyTest::mailgunRequest, false);
    }

    @TestFactory
    Stream<DynamicTest> sendGridParsed() {
        return route(h -> {
            String boundary = "sg" + h.random().nextInt(1_000_000);
            return new Request(EmailChannel.SENDGRID, Requests.multipartType(boundary),
                    Requests.multipart(boundary, sendGridParsedFields(h)), TestHandlers.auth(), true);
        }, false);
    }

    @TestFactory
    Stream<DynamicTest> sendGridRaw() {
        return route(h -> {
            String boundary = "sgraw" + h.random().nextInt(1_000_000);
            List<Requests.Field> fields = new ArrayList<>();
            fields.add(Requests.Field.text("to", "help@parse.support.example.net"));
            fields.add(Requests.Field.text("from", address(h)));
            fields.add(new Requests.Field("email", null, h.chance(20) ? "text/plain; charset=utf-8" : null, mime(h)));
            return new Request(EmailChannel.SENDGRID, Requests.multipartType(boundary),
                    Requests.multipart(boundary, fields), TestHandlers.auth(), true);
        }, true);
    }

    @TestFactory
    Stream<DynamicTest> rawMime() {
        return route(h -> new Request(EmailChannel.MIME, "message/rfc822", mime(h), TestHandlers.auth(), true),
                true);
    }

    /**
     * One handler per route, fed every seed's request; each case checks the properties.
     *
     * @param rawMime the route reads raw MIME: only {@link #ACCEPTABLE_MIME_REFUSALS} may refuse
     */
    private Stream<DynamicTest> route(Function<HostileInput, Request> generator, boolean rawMime) {
        InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
        InMemoryConversationLog log = new InMemoryConversationLog();
        EmailWebhookHandler handler = TestHandlers.create(directory, log, new InMemoryReplayGuard());
        return HostileInput.seeds(CASES).map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Request request = generator.apply(new HostileInput(seed));
            int customers = directory.customerCount();
            List<ConversationEntry> entries = log.all();

            APIGatewayV2HTTPResponse response = TestHandlers.post(handler, request.path(), request.contentType(),
                    request.body(), request.headers(), request.base64());

            int status = response.getStatusCode();
            String what = "seed " + seed + ": " + status + " " + response.getBody() + "\nbody: " + preview(request.body());
            assertTrue(status >= 200 && status < 500, what);
            if (status >= 400) {
                assertEquals(customers, directory.customerCount(), "a refused request created a customer; " + what);
                assertEquals(entries, log.all(), "a refused request changed the log; " + what);
                if (rawMime) {
                    String reason = response.getBody();
                    assertTrue(ACCEPTABLE_MIME_REFUSALS.stream().anyMatch(reason::startsWith),
                            "a message refused for its structure; " + what);
                }
            }
        })).onClose(handler::close);
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    // ---------------------------------------------------------------- pieces

    /** A From value: mostly well-formed, often not, sometimes the null sender. */
    static String address(HostileInput h) {
        return switch (h.random().nextInt(14)) {
            case 0 -> h.text(40);
            case 1 -> "<>";
            case 2 -> "MAILER DAEMON <>";
            case 3 -> "ann@";
            case 4 -> "ann@@example.com";
            case 5 -> h.chance(30) ? "a".repeat(5000) + "@example.com" : h.text(20) + "@" + h.text(20);
            case 6 -> "\"" + h.text(15) + "\" <quoted" + h.digits(3) + "@example.com>";
            case 7 -> "=?UTF-8?B?" + Base64.getEncoder().encodeToString(h.text(20).getBytes(StandardCharsets.UTF_8))
                    + "?= <enc" + h.digits(4) + "@example.org>";
            case 8 -> "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>";
            case 9 -> "";
            default -> h.oneOf(List.of("Ann", "Bo", "Ivy Chen", "")) + " <c" + h.digits(6) + "@example.com>";
        };
    }

    static String bareAddress(HostileInput h) {
        String address = address(h);
        int open = address.lastIndexOf('<');
        int close = address.lastIndexOf('>');
        return open >= 0 && close > open && h.chance(80) ? address.substring(open + 1, close) : address;
    }

    static String messageId(HostileInput h) {
        return switch (h.random().nextInt(8)) {
            case 0 -> h.text(60);
            case 1 -> "";
            case 2 -> "<>";
            case 3 -> "<" + "x".repeat(h.chance(50) ? 900 : 1500) + "@example.com>";
            default -> "<" + h.digits(12) + "." + h.text(6).replaceAll("[<>\\s]", "") + "@mail.example.com>";
        };
    }

    static String date(HostileInput h) {
        if (h.chance(25)) {
            return h.chance(50) ? "" : h.text(40);
        }
        try {
            return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(h.epochSeconds(NOW)).atOffset(ZoneOffset.UTC));
        } catch (RuntimeException unrepresentable) {
            return "Mon, 30 Nov 2026 09:00:00 +0000";
        }
    }

    /** Text that sometimes reads like mail (words, quotes, attributions) and sometimes like an attack. */
    static String prose(HostileInput h, int maxLength) {
        if (h.chance(50)) {
            return h.text(maxLength);
        }
        StringBuilder text = new StringBuilder();
        int words = 1 + h.random().nextInt(40);
        for (int i = 0; i < words; i++) {
            text.append(h.chance(15) ? h.text(10) : h.oneOf(WORDS)).append(h.chance(10) ? "\r\n" : " ");
        }
        return text.toString();
    }

    static String headerValue(HostileInput h) {
        return h.text(60).replace("\r", "").replace("\n", h.chance(50) ? "\r\n " : "");
    }

    // ---------------------------------------------------------------- Postmark

    static byte[] postmarkBody(HostileInput h) {
        if (h.chance(5)) {
            return h.text(200).getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (h.chance(80)) {
            if (h.chance(85)) {
                ObjectNode full = root.putObject("FromFull");
                maybe(h, full, "Email", () -> JsonNodeFactory.instance.textNode(bareAddress(h)));
                maybe(h, full, "Name", () -> JsonNodeFactory.instance.textNode(h.text(30)));
            } else {
                root.set("FromFull", hostileNode(h));
            }
        }
        maybe(h, root, "From", () -> JsonNodeFactory.instance.textNode(address(h)));
        maybe(h, root, "To", () -> JsonNodeFactory.instance.textNode(address(h) + ", " + address(h)));
        maybe(h, root, "ToFull", () -> addressArray(h));
        maybe(h, root, "CcFull", () -> addressArray(h));
        maybe(h, root, "Subject", () -> JsonNodeFactory.instance.textNode(prose(h, 200)));
        maybe(h, root, "MessageID", () -> JsonNodeFactory.instance.textNode(h.chance(50) ? h.digits(36) : h.text(60)));
        maybe(h, root, "Date", () -> JsonNodeFactory.instance.textNode(date(h)));
        maybe(h, root, "TextBody", () -> JsonNodeFactory.instance.textNode(prose(h, 3000)));
        maybe(h, root, "HtmlBody", () -> JsonNodeFactory.instance.textNode("<div>" + prose(h, 500) + "</div>"));
        maybe(h, root, "StrippedTextReply", () -> JsonNodeFactory.instance.textNode(prose(h, 300)));
        if (h.chance(70)) {
            ArrayNode headers = root.putArray("Headers");
            int count = h.random().nextInt(8);
            for (int i = 0; i < count; i++) {
                ObjectNode header = headers.addObject();
                header.put("Name", h.oneOf(List.of("Message-ID", "In-Reply-To", "References", "Auto-Submitted",
                        "Precedence", "X-Autoreply", "Received")) + (h.chance(5) ? h.text(5) : ""));
                header.put("Value", h.chance(60) ? messageId(h) : h.text(80));
            }
        } else if (h.chance(20)) {
            root.set("Headers", hostileNode(h));
        }
        if (h.chance(50)) {
            ArrayNode attachments = root.putArray("Attachments");
            int count = h.chance(5) ? 60 : h.random().nextInt(4);
            for (int i = 0; i < count; i++) {
                ObjectNode attachment = attachments.addObject();
                maybe(h, attachment, "Name", () -> JsonNodeFactory.instance.textNode(h.text(40)));
                maybe(h, attachment, "ContentType", () -> JsonNodeFactory.instance.textNode(
                        h.chance(70) ? h.oneOf(List.of("image/png", "application/pdf", "text/plain")) : h.text(20)));
                maybe(h, attachment, "ContentLength", () -> h.chance(70)
                        ? JsonNodeFactory.instance.numberNode(h.random().nextLong()) : hostileNode(h));
                maybe(h, attachment, "ContentID", () -> JsonNodeFactory.instance.textNode(h.text(30)));
            }
        }
        String json = Json.write(root);
        if (h.chance(5)) {
            json = json.substring(0, h.random().nextInt(json.length() + 1));
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static void maybe(HostileInput h, ObjectNode node, String field, java.util.function.Supplier<JsonNode> value) {
        if (h.chance(75)) {
            node.set(field, h.chance(8) ? hostileNode(h) : value.get());
        }
    }

    private static JsonNode hostileNode(HostileInput h) {
        return switch (h.random().nextInt(6)) {
            case 0 -> JsonNodeFactory.instance.numberNode(h.random().nextInt());
            case 1 -> JsonNodeFactory.instance.nullNode();
            case 2 -> JsonNodeFactory.instance.arrayNode().add(h.text(10));
            case 3 -> JsonNodeFactory.instance.booleanNode(h.chance(50));
            case 4 -> JsonNodeFactory.instance.objectNode().put(h.text(5), h.text(10));
            default -> JsonNodeFactory.instance.textNode(h.text(50));
        };
    }

    private static JsonNode addressArray(HostileInput h) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        int count = h.chance(3) ? 120 : h.random().nextInt(4);
        for (int i = 0; i < count; i++) {
            array.addObject().put("Email", bareAddress(h)).put("Name", h.text(20));
        }
        return array;
    }

    // ---------------------------------------------------------------- Mailgun

    static Request mailgunRequest(HostileInput h) {
        List<Requests.Field> fields = new ArrayList<>();
        addText(h, fields, "recipient", () -> bareAddress(h));
        addText(h, fields, "sender", () -> bareAddress(h));
        addText(h, fields, "from", () -> address(h));
        addText(h, fields, "subject", () -> prose(h, 200));
        addText(h, fields, "body-plain", () -> prose(h, 3000));
        addText(h, fields, "stripped-text", () -> prose(h, 300));
        addText(h, fields, "body-html", () -> "<p>" + prose(h, 500) + "</p>");
        addText(h, fields, "Message-Id", () -> messageId(h));
        addText(h, fields, "In-Reply-To", () -> messageId(h));
        addText(h, fields, "References", () -> messageId(h) + " " + messageId(h));
        addText(h, fields, "message-headers", () -> h.chance(70) ? messageHeadersJson(h) : h.text(100));
        if (h.chance(10)) {
            fields.add(Requests.Field.text(h.text(8).replace("=", "").replace("&", ""), h.text(20)));
        }
        boolean multipart = h.chance(40);
        if (multipart) {
            int files = h.random().nextInt(3);
            for (int i = 1; i <= files; i++) {
                byte[] bytes = new byte[h.random().nextInt(200)];
                h.random().nextBytes(bytes);
                fields.add(Requests.Field.file("attachment-" + i, "file-" + h.digits(4) + ".bin",
                        h.chance(70) ? "application/octet-stream" : h.text(15).replaceAll("[\\r\\n]", ""), bytes));
            }
        }
        String token = "tok-" + HexFormat.of().formatHex(longBytes(h.random().nextLong())) + "-" + h.digits(6);
        List<Requests.Field> signed = Requests.signedMailgun(fields, NOW - h.random().nextInt(120), token);
        if (multipart) {
            String boundary = "mg" + h.random().nextInt(1_000_000);
            return new Request(EmailChannel.MAILGUN, Requests.multipartType(boundary),
                    Requests.multipart(boundary, signed), Map.of(), true);
        }
        return new Request(EmailChannel.MAILGUN, Requests.URLENCODED, Requests.urlencoded(signed), Map.of(), false);
    }

    private static byte[] longBytes(long value) {
        return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static void addText(HostileInput h, List<Requests.Field> fields, String name,
                                java.util.function.Supplier<String> value) {
        if (h.chance(80)) {
            fields.add(Requests.Field.text(name, value.get()));
        }
    }

    private static String messageHeadersJson(HostileInput h) {
        ArrayNode pairs = JsonNodeFactory.instance.arrayNode();
        int count = h.random().nextInt(8);
        for (int i = 0; i < count; i++) {
            if (h.chance(10)) {
                pairs.add(hostileNode(h));
                continue;
            }
            ArrayNode pair = pairs.addArray();
            String name = h.oneOf(List.of("From", "To", "Cc", "Subject", "Date", "Message-Id", "In-Reply-To",
                    "References", "Auto-Submitted", "Received"));
            pair.add(name);
            pair.add(name.equals("From") || name.equals("To") || name.equals("Cc") ? address(h)
                    : name.equals("Date") ? date(h) : h.chance(50) ? messageId(h) : h.text(60));
        }
        return Json.write(pairs);
    }

    // ---------------------------------------------------------------- SendGrid (parsed)

    static List<Requests.Field> sendGridParsedFields(HostileInput h) {
        List<Requests.Field> fields = new ArrayList<>();
        if (h.chance(80)) {
            StringBuilder block = new StringBuilder();
            int count = h.random().nextInt(8);
            for (int i = 0; i < count; i++) {
                String name = h.oneOf(List.of("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To",
                        "References", "Auto-Submitted", "Precedence", "X-Mailer"));
                block.append(h.chance(5) ? h.text(10) : name).append(": ")
                        .append(name.equals("From") || name.equals("To") ? address(h)
                                : name.equals("Date") ? date(h) : name.contains("I") ? messageId(h) : headerValue(h))
                        .append('\n');
            }
            fields.add(Requests.Field.text("headers", block.toString()));
        }
        addText(h, fields, "from", () -> address(h));
        addText(h, fields, "to", () -> address(h));
        addText(h, fields, "cc", () -> address(h) + ", " + address(h));
        addText(h, fields, "subject", () -> prose(h, 200));
        addText(h, fields, "text", () -> prose(h, 3000));
        addText(h, fields, "html", () -> "<html><body>" + prose(h, 500) + "</body></html>");
        if (h.chance(60)) {
            fields.add(Requests.Field.text("charsets", h.chance(80)
                    ? "{\"text\":\"" + h.oneOf(List.of("utf-8", "iso-8859-1", "x-unknown", "UTF-16", "\\\"")) + "\","
                    + "\"subject\":\"" + h.oneOf(List.of("UTF-8", "windows-1252", "")) + "\"}"
                    : h.text(30)));
        }
        int files = h.random().nextInt(3);
        if (files > 0) {
            fields.add(Requests.Field.text("attachments", Integer.toString(files)));
            ObjectNode info = JsonNodeFactory.instance.objectNode();
            for (int i = 1; i <= files; i++) {
                byte[] bytes = new byte[h.random().nextInt(100)];
                h.random().nextBytes(bytes);
                fields.add(Requests.Field.file("attachment" + i, "a" + i + ".png", "image/png", bytes));
                ObjectNode meta = info.putObject("attachment" + i);
                meta.put("filename", h.text(20));
                meta.put("type", h.chance(80) ? "image/png" : h.text(10));
                if (h.chance(50)) {
                    meta.put("content-id", h.text(20));
                }
            }
            fields.add(Requests.Field.text("attachment-info", h.chance(85) ? Json.write(info) : h.text(40)));
        }
        return fields;
    }

    // ---------------------------------------------------------------- raw MIME

    /** A message with random headers, bodies and structure defects; sometimes no message at all. */
    static byte[] mime(HostileInput h) {
        if (h.chance(3)) {
            byte[] noise = new byte[h.random().nextInt(400)];
            h.random().nextBytes(noise);
            return noise;
        }
        if (h.chance(3)) {
            return h.text(200).getBytes(StandardCharsets.UTF_8);
        }
        String eol = h.chance(70) ? "\r\n" : "\n";
        StringBuilder message = new StringBuilder();
        if (h.chance(5)) {
            message.append("From MAILER-DAEMON Mon Nov 30 12:10:00 2026").append(eol);
        }
        if (h.chance(10)) {
            message.append("Return-Path: <>").append(eol);
        }
        if (h.chance(92)) {
            message.append("From: ").append(address(h)).append(eol);
        }
        header(h, message, eol, "To", () -> address(h));
        header(h, message, eol, "Cc", () -> address(h) + ", " + address(h));
        header(h, message, eol, "Subject", () -> h.chance(30)
                ? "=?" + h.oneOf(List.of("UTF-8", "iso-8859-1", "x-bogus", "")) + "?" + h.oneOf(List.of("Q", "B", "x"))
                + "?" + h.text(20).replaceAll("[\\r\\n]", "") + "?=" : headerValue(h));
        header(h, message, eol, "Date", () -> date(h));
        header(h, message, eol, "Message-ID", () -> messageId(h));
        header(h, message, eol, "In-Reply-To", () -> messageId(h));
        header(h, message, eol, "References", () -> messageId(h) + " " + messageId(h));
        if (h.chance(10)) {
            message.append("Auto-Submitted: auto-replied").append(eol);
        }
        if (h.chance(8)) {
            message.append(headerValue(h).replace(":", "")).append(": ").append(headerValue(h)).append(eol);
        }
        if (h.chance(5)) {
            message.append(h.text(30).replaceAll("[\\r\\n]", "")).append(eol); // a header line without a colon
        }
        message.append("MIME-Version: 1.0").append(eol);
        part(h, message, eol, 0);
        return h.chance(85) ? message.toString().getBytes(StandardCharsets.UTF_8)
                : message.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void header(HostileInput h, StringBuilder message, String eol, String name,
                               java.util.function.Supplier<String> value) {
        if (h.chance(70)) {
            message.append(name).append(": ").append(value.get()).append(eol);
        }
    }

    /** The Content-Type and its body (headers of the part first, then a blank line, then the body). */
    private static void part(HostileInput h, StringBuilder out, String eol, int depth) {
        int kind = h.random().nextInt(depth >= 3 ? 6 : 10);
        if (kind >= 6) {
            multipart(h, out, eol, depth);
            return;
        }
        String type = switch (kind) {
            case 0 -> "text/html";
            case 1 -> h.oneOf(List.of("application/octet-stream", "image/png", "application/pdf"));
            case 2 -> h.oneOf(List.of("message/delivery-status", "message/rfc822", "text/rfc822-headers"));
            case 3 -> h.text(12).replaceAll("[\\r\\n;]", "");
            default -> "text/plain";
        };
        String charset = switch (h.random().nextInt(6)) {
            case 0 -> "";
            case 1 -> "; charset=iso-8859-1";
            case 2 -> "; charset=\"x-unknown-" + h.digits(3) + "\"";
            case 3 -> "; charset=\"utf-8"; // unbalanced
            case 4 -> "; charset=" + h.text(8).replaceAll("[\\r\\n]", "");
            default -> "; charset=utf-8";
        };
        if (h.chance(90)) {
            out.append("Content-Type: ").append(type).append(charset)
                    .append(h.chance(20) ? "; name=\"" + h.text(15).replaceAll("[\\r\\n\"]", "") + "\"" : "").append(eol);
        }
        if (h.chance(25)) {
            out.append("Content-Disposition: ").append(h.oneOf(List.of("attachment", "inline", h.text(8))))
                    .append(h.chance(50) ? "; filename=\"" + h.text(20).replaceAll("[\\r\\n]", "") : "").append(eol);
        }
        String encoding = h.oneOf(List.of("", "", "7bit", "8bit", "quoted-printable", "base64", "base64", "x-unknown",
                "uuencode", h.text(6).replaceAll("[\\r\\n]", "")));
        if (!encoding.isEmpty()) {
            out.append("Content-Transfer-Encoding: ").append(encoding).append(eol);
        }
        if (h.chance(3)) {
            out.append(eol); // an extra blank line: the rest of the headers become body
        }
        out.append(eol).append(body(h, type, encoding, eol)).append(eol);
    }

    private static String body(HostileInput h, String type, String encoding, String eol) {
        if (type.equals("message/delivery-status")) {
            return "Reporting-MTA: dns; " + h.text(20).replaceAll("[\\r\\n]", "") + eol + eol
                    + "Final-Recipient: rfc822; " + bareAddress(h) + eol + "Action: failed" + eol
                    + "Status: " + h.oneOf(List.of("5.1.1", h.text(5))) + eol
                    + "Diagnostic-Code: smtp; " + headerValue(h) + eol;
        }
        if (type.equals("message/rfc822") || type.equals("text/rfc822-headers")) {
            return "From: " + address(h) + eol + "To: " + address(h) + eol + "Message-ID: " + messageId(h) + eol + eol
                    + prose(h, 200);
        }
        String text = prose(h, 2000);
        if (encoding.equals("base64")) {
            String encoded = Base64.getMimeEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            if (h.chance(40)) {
                encoded = encoded.substring(0, h.random().nextInt(encoded.length() + 1)) + (h.chance(50) ? "!!@@" : "");
            }
            return encoded;
        }
        if (encoding.equals("quoted-printable")) {
            return text.replace("=", h.chance(50) ? "=3D" : "=") + (h.chance(30) ? "=" + h.text(2) : "");
        }
        return text;
    }

    /** A multipart with one of the real-world structure defects, or none. */
    private static void multipart(HostileInput h, StringBuilder out, String eol, int depth) {
        String subtype = h.oneOf(List.of("mixed", "alternative", "related", "report; report-type=delivery-status",
                h.text(6).replaceAll("[\\r\\n;]", "")));
        String boundary = h.chance(80) ? "=_b" + h.digits(10) + "_" + depth : h.text(12).replaceAll("[\\r\\n\"]", "");
        int defect = h.random().nextInt(10);
        String contentType = switch (defect) {
            case 1 -> "multipart/" + subtype; // no boundary parameter
            case 2 -> "multipart/" + subtype + "; boundary=\"" + boundary; // unbalanced quote
            case 3 -> "multipart/" + subtype + "; bound"; // parameter cut off
            case 4 -> "multipart/" + subtype + "; boundary=\"" + boundary + "_declared\""; // not the body's
            default -> "multipart/" + subtype + "; boundary=\"" + boundary + "\"";
        };
        out.append("Content-Type: ").append(contentType).append(eol).append(eol);
        if (h.chance(40)) {
            out.append(prose(h, 100)).append(eol); // preamble
        }
        if (defect == 5) {
            out.append(prose(h, 1000)).append(eol); // no delimiter line at all
            return;
        }
        int parts = h.chance(3) ? 0 : 1 + h.random().nextInt(4);
        for (int i = 0; i < parts; i++) {
            boolean reuseOuter = defect == 6 && i == 0;
            out.append("--").append(boundary).append(eol);
            if (reuseOuter) {
                out.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append('"').append(eol)
                        .append(eol).append(eol);
                continue;
            }
            part(h, out, eol, depth + 1);
        }
        if (defect != 7) {
            out.append("--").append(boundary).append("--").append(eol); // 7: no close delimiter
        }
        if (h.chance(20)) {
            out.append(prose(h, 100)).append(eol); // epilogue
        }
    }
}
