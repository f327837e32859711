package io.switchboard.local.standin;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.email.MimeEmailParser;
import io.switchboard.email.ParsedEmail;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request a provider stand-in received, as a test or a user wants to see it: what would have been sent.
 *
 * @param provider          which provider's API was called
 * @param method            HTTP method
 * @param path              the request path (raw)
 * @param headers           request headers, names lower-cased (first value)
 * @param body              the raw body as UTF-8
 * @param json              the body as JSON (Graph API, SES), else null
 * @param form              the decoded form parameters in body order (Twilio), else empty
 * @param mime              the raw MIME message SES was given ({@code Content.Raw.Data}, decoded), else null
 * @param at                when it arrived
 * @param providerMessageId the id the stand-in answered with, or null when it answered with a fault
 */
public record SentRequest(ProviderStandIns.Provider provider, String method, String path, Map<String, String> headers,
                          String body, JsonNode json, List<Map.Entry<String, String>> form, byte[] mime, Instant at,
                          String providerMessageId) {

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The first value of a form parameter. */
    public Optional<String> formValue(String name) {
        return form.stream().filter(entry -> entry.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
    }

    /** Every value of a (repeatable) form parameter, in order. */
    public List<String> formValues(String name) {
        return form.stream().filter(entry -> entry.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }

    /** The MIME message as text, or null. */
    public String mimeText() {
        return mime == null ? null : new String(mime, StandardCharsets.UTF_8);
    }

    /** The MIME message read by the project's own parser (threading ids normalised as entries store them). */
    public ParsedEmail email() {
        return mime == null ? null : MimeEmailParser.parse(mime);
    }

    SentRequest withProviderMessageId(String id) {
        return new SentRequest(provider, method, path, headers, body, json, form, mime, at, id);
    }
}
