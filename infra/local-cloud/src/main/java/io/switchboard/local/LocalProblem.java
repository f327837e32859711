package io.switchboard.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer of the local cloud itself (not of a function) as an RFC 9457 problem document, in the shape the customer
 * API answers with: type {@code urn:switchboard:problem:<code>}, title, status, detail.
 * https://www.rfc-editor.org/rfc/rfc9457#name-members-of-a-problem-detail
 */
public final class LocalProblem {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalProblem() {
    }

    /** The document's bytes (UTF-8). */
    public static byte[] body(int status, String code, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:switchboard:problem:" + code);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        try {
            return JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
