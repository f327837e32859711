package io.switchboard.local.standin;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.channel.StandInRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request a provider stand-in received, as a test or a user wants to see it: what would have been sent.
 *
 * @param standIn           the name of the stand-in that took it
 * @param request           the request as received
 * @param providerMessageId the id the stand-in answered with, or null when it answered with a fault or a refusal
 */
public record SentRequest(String standIn, StandInRequest request, String providerMessageId) {

    public String method() {
        return request.method();
    }

    /** The request path (raw). */
    public String path() {
        return request.path();
    }

    /** Request headers, names lower-cased (first value). */
    public Map<String, String> headers() {
        return request.headers();
    }

    public String header(String name) {
        return request.header(name);
    }

    /** The raw body as UTF-8. */
    public String body() {
        return request.text();
    }

    /** The raw body's bytes. */
    public byte[] bytes() {
        return request.body();
    }

    /** The body as JSON, or null when it is not JSON. */
    public JsonNode json() {
        return request.json();
    }

    /** The decoded form parameters in body order; empty when the body is not a form. */
    public List<Map.Entry<String, String>> form() {
        return request.form();
    }

    /** The first value of a form parameter. */
    public Optional<String> formValue(String name) {
        return request.formValue(name);
    }

    /** Every value of a (repeatable) form parameter, in order. */
    public List<String> formValues(String name) {
        return request.formValues(name);
    }

    /** When it arrived. */
    public Instant at() {
        return request.at();
    }
}
