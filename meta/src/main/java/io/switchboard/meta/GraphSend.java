package io.switchboard.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.outbound.SendResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One Send API call of a Meta channel (WhatsApp Cloud API, Messenger and Instagram Send API) and what its answer
 * comes to. Nothing is retried here: the reply engine decides.
 *
 * <ul>
 *   <li>2xx with the message id: {@link SendResult.Sent}; 2xx without one: {@link SendResult.Unknown} (accepted,
 *       but no id any status could be matched to).</li>
 *   <li>429, 5xx, and Meta's throttling codes (or {@code is_transient: true}) on any status:
 *       {@link SendResult.Transient}.</li>
 *   <li>Any other 4xx: {@link SendResult.Refused} with Meta's error code and a plain reason.</li>
 *   <li>No connection (refused, connect timeout): {@link SendResult.Transient}, nothing reached Meta. Any other
 *       failure after the request left (read timeout, reset): {@link SendResult.Unknown}, Meta may have sent it.</li>
 * </ul>
 * Meta's error object: {@code {"error": {"message", "type", "code", "error_subcode", "error_data", "fbtrace_id",
 * "is_transient"}}}.
 * https://developers.facebook.com/docs/graph-api/guides/error-handling
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
public final class GraphSend {

    /** Optional setting: seconds a send may wait for the provider's answer (default 10). */
    public static final String SEND_TIMEOUT_SECONDS = "SEND_TIMEOUT_SECONDS";
    static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Throttling, whatever the HTTP status: 4 app, 17 user, 32 page, 613 call-rate limits; 80007 Messenger/Instagram
     * rate limit; 130429 Cloud API throughput; 131056 WhatsApp pair rate limit; 2 and 1 temporary service errors.
     */
    static final Set<Integer> THROTTLING_CODES = Set.of(1, 2, 4, 17, 32, 613, 80007, 130429, 131056);

    /** Plain words for the refusals a helpdesk meets most; other codes keep Meta's own message. */
    static final Map<Integer, String> PLAIN_REASONS = Map.of(
            131026, "WhatsApp could not deliver the message: the number may not be on WhatsApp, or the customer has "
                    + "not accepted WhatsApp's latest terms",
            131047, "more than 24 hours have passed since the customer last wrote: only a template message can be sent",
            10, "the Page may not message this person now: the messaging window has closed or the permission is missing",
            551, "this person is not available on Messenger right now",
            190, "the access token is invalid or has expired",
            100, "Meta refused a parameter of the message");

    private GraphSend() {
    }

    /** {@link #SEND_TIMEOUT_SECONDS}, read at each send. */
    public static Duration timeout(Settings settings) {
        return settings.get(SEND_TIMEOUT_SECONDS).map(String::trim).map(Long::parseLong).map(Duration::ofSeconds)
                .orElse(DEFAULT_SEND_TIMEOUT);
    }

    /**
     * Posts {@code body} as JSON to {@code {nodeId}/messages} and maps the answer.
     *
     * @param messageId reads the sent message's id from a 2xx answer; null when it holds none
     */
    public static SendResult messages(GraphApiClient graph, Settings settings, String nodeId, String accessToken,
                                      Map<String, Object> body, Function<JsonNode, String> messageId) {
        HttpResponse<String> answer;
        try {
            answer = graph.post(nodeId, "messages", accessToken, Json.write(body), timeout(settings));
        } catch (HttpConnectTimeoutException | ConnectException notConnected) {
            return new SendResult.Transient("could not connect to the Graph API");
        } catch (IOException noAnswer) {
            // The request may have been written: Meta may have sent it. Resending could send twice.
            return new SendResult.Unknown("no answer from the Graph API (" + noAnswer.getClass().getSimpleName() + ")");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new SendResult.Unknown("interrupted while waiting for the Graph API");
        } catch (IllegalArgumentException badUrl) {
            return new SendResult.Refused("not_configured", "the Graph API base URL is not a URL");
        }
        return ofAnswer(answer.statusCode(), answer.body(), messageId);
    }

    static SendResult ofAnswer(int status, String body, Function<JsonNode, String> messageId) {
        JsonNode json = parse(body);
        if (status >= 200 && status < 300) {
            String id = json == null ? null : messageId.apply(json);
            return id == null || id.isBlank()
                    ? new SendResult.Unknown("the Graph API accepted the message without a message id")
                    : new SendResult.Sent(id);
        }
        JsonNode error = json == null ? null : json.path("error");
        int code = error == null ? 0 : error.path("code").asInt(0);
        String message = error == null ? null : MetaPayload.text(error, "message");
        if (status == 429 || status >= 500 || THROTTLING_CODES.contains(code)
                || (error != null && error.path("is_transient").asBoolean(false))) {
            return new SendResult.Transient("Graph API answered " + status + (code == 0 ? "" : " (error " + code + ")"));
        }
        if (status >= 400 && code != 0) {
            String details = MetaPayload.text(error.path("error_data"), "details");
            String reason = PLAIN_REASONS.getOrDefault(code, details != null ? details
                    : message != null ? message : "Meta refused the message");
            return new SendResult.Refused(String.valueOf(code), reason);
        }
        return new SendResult.Refused("http_" + status, "the Graph API answered HTTP " + status);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }
}
