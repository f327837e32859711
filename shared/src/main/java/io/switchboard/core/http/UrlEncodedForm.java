package io.switchboard.core.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (body == null || body.length == 0) {
            return pairs;
        }
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&", -1)) {
            if (pair.isEmpty()) {
                continue; // "a=1&&b=2" and a trailing "&" are tolerated, as browsers and provider libraries do
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (name.isEmpty()) {
                throw WebhookException.badRequest("malformed form body: a parameter without a name");
            }
            pairs.add(Map.entry(name, value));
        }
        return pairs;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw WebhookException.badRequest("malformed form body: bad percent-encoding");
        }
    }
}
