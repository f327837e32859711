package io.switchboard.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.http.Responses;
import io.switchboard.core.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API answers with an error, as an RFC 9457 problem document ({@code application/problem+json}:
 * type, title, status, detail, and members of its own such as {@code owner}).
 * https://www.rfc-editor.org/rfc/rfc9457#name-members-of-a-problem-detail
 *
 * @param code the last part of the type URI, {@code urn:switchboard:problem:<code>}
 */
final class ApiProblem extends RuntimeException {

    static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:switchboard:problem:";

    private final int status;
    private final String code;
    private final String title;
    private final Map<String, String> members = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    private ApiProblem(int status, String code, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "invalid-request", "The request is not valid", detail);
    }

    /** A send command the API refuses as written, with the same code the commands queue would announce. */
    static ApiProblem invalidCommand(String commandCode, String detail) {
        return new ApiProblem(400, "invalid-command", "The send command is not valid", detail).with("code", commandCode);
    }

    /**
     * An Idempotency-Key used before for another request: 422, as the IETF draft asks for a key reused with a
     * different payload (draft-ietf-httpapi-idempotency-key-header, "Error Scenarios").
     * https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header
     */
    static ApiProblem idempotencyKeyReused() {
        return new ApiProblem(422, "idempotency-key-reused", "The Idempotency-Key was used for another request",
                "this Idempotency-Key was used before with another body or for another customer; nothing was queued. "
                        + "Retry the first request unchanged to get its answer, or use a new key for a new message");
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "not-found", "Not found", detail);
    }

    static ApiProblem identityOwned(String owner) {
        return new ApiProblem(409, "identity-owned", "The identity belongs to another customer",
                "the identity belongs to customer " + owner).with("owner", owner);
    }

    /**
     * An attachment whose bytes cannot be downloaded (yet): {@code status} pending (the media function has yet to
     * fetch it), failed (with its {@code reason}) or reference (never fetched).
     */
    static ApiProblem notStored(String status, String reason) {
        String detail = switch (status) {
            case "pending" -> "the attachment is pending: it has not been fetched from the provider yet; retry later";
            case "failed" -> "the attachment could not be kept: " + reason;
            default -> "the attachment is a " + status + ": its bytes were never kept";
        };
        ApiProblem problem = new ApiProblem(409, "attachment-not-stored", "The attachment is not stored", detail)
                .with("attachmentStatus", status);
        return reason == null ? problem : problem.with("reason", reason);
    }

    /** A merge that cannot be done; {@code mergedInto} (may be null) names where a merged-away customer went. */
    static ApiProblem mergeConflict(String detail, String mergedInto) {
        ApiProblem problem = new ApiProblem(409, "merge-conflict", "The customers cannot be merged", detail);
        return mergedInto == null ? problem : problem.with("mergedInto", mergedInto);
    }

    /** RFC 6750 section 3: a protected resource asked for without (valid) bearer credentials names its scheme. */
    static ApiProblem unauthorized(boolean credentialsGiven) {
        ApiProblem problem = new ApiProblem(401, "unauthorized", "Unauthorized",
                credentialsGiven ? "the bearer token is not valid" : "an Authorization: Bearer <token> header is required");
        problem.headers.put("WWW-Authenticate", credentialsGiven
                ? "Bearer realm=\"switchboard\", error=\"invalid_token\"" : "Bearer realm=\"switchboard\"");
        return problem;
    }

    static ApiProblem tooLarge(String detail) {
        return new ApiProblem(413, "too-large", "Content too large", detail);
    }

    static ApiProblem unavailable() {
        return new ApiProblem(503, "unavailable", "Service unavailable",
                "the store or the queue did not answer; retry later (with the same Idempotency-Key for sends)");
    }

    static ApiProblem misconfigured() {
        return new ApiProblem(500, "misconfigured", "Not configured", "the function is missing a setting");
    }

    static ApiProblem internal() {
        return new ApiProblem(500, "internal", "Internal error", "an unexpected fault; it has been logged");
    }

    private ApiProblem with(String member, String value) {
        members.put(member, value);
        return this;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    APIGatewayV2HTTPResponse response() {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("type", TYPE_PREFIX + code)
                .put("title", title)
                .put("status", status)
                .put("detail", getMessage());
        members.forEach(body::put);
        if (status == 503) {
            headers.put("Retry-After", "1");
        }
        return Responses.of(status, CONTENT_TYPE, body.toString(), headers);
    }
}
