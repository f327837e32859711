package io.switchboard.core.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One method and path of a channel, and what the pipeline does with a request to it: either verify, parse,
 * record and answer ({@link #ingest}), or answer directly without storing anything ({@link #respond}, e.g. a
 * subscription handshake). Paths match as suffixes of the request path, so a custom domain's base path works.
 */
public record WebhookRoute(String method, String path, Verifier verifier, Parser parser, Answer answer,
                           Responder responder) {

    public WebhookRoute {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        method = method.toUpperCase(Locale.ROOT);
    }

    /** A route whose requests are stored: verified before anything is read, parsed, recorded, answered. */
    public static WebhookRoute ingest(String method, String path, Verifier verifier, Parser parser, Answer answer) {
        return new WebhookRoute(method, path, Objects.requireNonNull(verifier, "verifier"),
                Objects.requireNonNull(parser, "parser"), Objects.requireNonNull(answer, "answer"), null);
    }

    /** A route answered without storing anything (a handshake). */
    public static WebhookRoute respond(String method, String path, Responder responder) {
        return new WebhookRoute(method, path, null, null, null, Objects.requireNonNull(responder, "responder"));
    }

    boolean matches(String requestPath) {
        String trimmed = requestPath == null ? "" : requestPath.endsWith("/")
                ? requestPath.substring(0, requestPath.length() - 1) : requestPath;
        return trimmed.endsWith(path);
    }

    /** Authenticates a request from its raw bytes; throws {@link io.switchboard.core.http.WebhookException} to refuse. */
    @FunctionalInterface
    public interface Verifier {
        void verify(WebhookRequest request);
    }

    /**
     * Bytes in, interactions out, no I/O. Throws {@link io.switchboard.core.model.RejectedInputException} (400) for
     * malformed input.
     */
    @FunctionalInterface
    public interface Parser {
        List<Interaction> parse(WebhookRequest request);
    }

    /** The provider's answer once the interactions are stored (200, TwiML...). */
    @FunctionalInterface
    public interface Answer {
        APIGatewayV2HTTPResponse answer(WebhookRequest request, List<Interaction> interactions,
                                        InteractionRecorder.Summary summary);
    }

    /** The whole answer of a route that stores nothing. */
    @FunctionalInterface
    public interface Responder {
        APIGatewayV2HTTPResponse respond(WebhookRequest request);
    }
}
