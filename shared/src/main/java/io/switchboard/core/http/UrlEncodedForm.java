package io.switchboard.core.http;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An {@code application/x-www-form-urlencoded} body: name/value pairs in body order, UTF-8, a name may repeat.
 * https://url.spec.whatwg.org/#application/x-www-form-urlencoded
 */
public final class UrlEncodedForm {

    private UrlEncodedForm() {
    }

    /**
     * @throws WebhookException 400 when the body is not well-formed (a bad %-escape, a pair without a name)
     */
    public static List<Map.Entry<String, String>> parse(byte[] body) {
        if (body == null || body.length == 0) {
            return new ArrayList<>();
        }
        return pairs(new String(body, StandardCharsets.UTF_8), UrlEncodedForm::decode);
    }

    /**
     * The pairs of a body in a charset, decoded strictly: a byte, raw or %-escaped, that is not valid text in the
     * charset is refused, never replaced. For a form whose signature covers the decoded values: a replaced
     * character would make a correctly signed form look forged, and store a value its sender did not write.
     *
     * @throws WebhookException 400 when the body is not well-formed or not valid text in the charset
     */
    public static List<Map.Entry<String, String>> parseStrict(byte[] body, Charset charset) {
        if (body == null || body.length == 0) {
            return new ArrayList<>();
        }
        return pairs(WebhookRequest.decode(body, charset), text -> decodeStrict(text, charset));
    }

    /** The pairs as a body, UTF-8, spaces as '+': what {@link #parse} reads back as the same pairs. */
    public static byte[] encode(List<Map.Entry<String, String>> pairs) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> pair : pairs) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(pair.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pair.getValue(), StandardCharsets.UTF_8));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Map.Entry<String, String>> pairs(String body, UnaryOperator<String> decoder) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue; // "a=1&&b=2" and a trailing "&" are tolerated, as browsers and provider libraries do
            }
            int equals = pair.indexOf('=');
            String name = decoder.apply(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decoder.apply(pair.substring(equals + 1));
            if (name.isEmpty()) {
                throw WebhookException.badRequest("malformed form body: a parameter without a name");
            }
            pairs.add(Map.entry(name, value));
        }
        return pairs;
    }

    /** '+' is a space, %XX a byte, any other character its bytes in the charset; then the bytes decoded strictly. */
    private static String decodeStrict(String text, Charset charset) {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
                if (low < 0) {
                    throw WebhookException.badRequest("malformed form body: bad percent-encoding");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                bytes.writeBytes(text.substring(i, end).getBytes(charset));
                i = end - 1;
            }
        }
        return WebhookRequest.decode(bytes.toByteArray(), charset);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw WebhookException.badRequest("malformed form body: bad percent-encoding");
        }
    }
}
