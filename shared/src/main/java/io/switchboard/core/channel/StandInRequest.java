package io.switchboard.core.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request to a provider stand-in, as a sender made it: method, raw path, headers (names lower-cased, first
 * value), the body's bytes and when it arrived, with the body read the ways provider APIs take it (JSON, a form).
 */
public final class StandInRequest {

    private final String method;
    private final String path;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Instant at;
    private volatile Optional<JsonNode> json;
    private volatile List<Map.Entry<String, String>> form;

    public StandInRequest(String method, String path, Map<String, String> headers, byte[] body, Instant at) {
        this.method = method;
        this.path = path;
        Map<String, String> lowerCased = new TreeMap<>();
        headers.forEach((name, value) -> lowerCased.put(name.toLowerCase(Locale.ROOT), value));
        this.headers = Collections.unmodifiableMap(lowerCased);
        this.body = body == null ? new byte[0] : body.clone();
        this.at = at;
    }

    public String method() {
        return method;
    }

    /** The raw path, without the query. */
    public String path() {
        return path;
    }

    /** The headers, names lower-cased (the first value of each). */
    public Map<String, String> headers() {
        return headers;
    }

    /** A header's value, by any case of its name; null when absent. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body's bytes (a copy). */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public Instant at() {
        return at;
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    public JsonNode json() {
        Optional<JsonNode> parsed = json;
        if (parsed == null) {
            JsonNode node;
            String text = text();
            try {
                node = text.isBlank() ? null : Json.MAPPER.readTree(text);
            } catch (IOException notJson) {
                node = null;
            }
            parsed = Optional.ofNullable(node);
            json = parsed;
        }
        return parsed.orElse(null);
    }

    /** The body as {@code application/x-www-form-urlencoded} pairs in body order; empty when it is not a form. */
    public List<Map.Entry<String, String>> form() {
        List<Map.Entry<String, String>> parsed = form;
        if (parsed == null) {
            try {
                parsed = List.copyOf(UrlEncodedForm.parse(body));
            } catch (RuntimeException malformed) {
                parsed = List.of();
            }
            form = parsed;
        }
        return parsed;
    }

    /** The first value of a form parameter. */
    public Optional<String> formValue(String name) {
        return form().stream().filter(entry -> entry.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
    }

    /** Every value of a (repeatable) form parameter, in order. */
    public List<String> formValues(String name) {
        return form().stream().filter(entry -> entry.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }
}
