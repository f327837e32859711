package io.switchboard.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.StandInAnswer;
import io.switchboard.core.channel.StandInRequest;
import io.switchboard.core.channel.StatusWebhook;
import io.switchboard.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the stand-ins of Meta's send APIs share (local cloud only): the Graph API path
 * {@code POST /{version}/{id}/messages}, the checks every Graph call gets (a bearer token, a JSON body naming the
 * recipient) answered with Meta's error object, and webhooks signed with {@code X-Hub-Signature-256}.
 * The WhatsApp Cloud API and the Messenger/Instagram Send API share the path: the body's {@code messaging_product}
 * tells them apart ({@link #messagingProduct}).
 */
public abstract class GraphStandIn implements ProviderStandIn {

    /** The setting the senders' Graph API client reads its base URL from ({@link GraphApiClient#BASE_URL}). */
    static final String BASE_URL_SETTING = "GRAPH_API_BASE_URL";

    private static final Pattern PATH = Pattern.compile("/(v\\d+(?:\\.\\d+)?)/([^/]+)/messages");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Whether a Graph messages call with this {@code messaging_product} (null: none) is this stand-in's. */
    protected abstract boolean acceptsProduct(String messagingProduct);

    @Override
    public final boolean accepts(StandInRequest request) {
        return "POST".equals(request.method()) && PATH.matcher(request.path()).matches()
                && acceptsProduct(messagingProduct(request));
    }

    @Override
    public Map<String, String> senderSettings(String baseUrl) {
        return Map.of(BASE_URL_SETTING, baseUrl);
    }

    /** The body's {@code messaging_product} (the WhatsApp Cloud API's requests carry one), or null. */
    protected static String messagingProduct(StandInRequest request) {
        JsonNode json = request.json();
        return json != null && json.path("messaging_product").isTextual() ? json.path("messaging_product").asText() : null;
    }

    /** The {id} of {@code /{version}/{id}/messages}: the phone number id, page or Instagram account that sends. */
    protected static String senderId(StandInRequest request) {
        Matcher path = PATH.matcher(request.path());
        if (!path.matches()) {
            throw new IllegalArgumentException("not a Graph messages path: " + request.path());
        }
        return path.group(2);
    }

    /**
     * Meta's refusal of a call without a bearer token (190) or without the recipient field (100), else null.
     * https://developers.facebook.com/docs/graph-api/guides/error-handling
     */
    protected static StandInAnswer graphChecks(StandInRequest request, String recipientField) {
        String authorization = request.header("authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
            return StandInAnswer.refused(401, error(190, "Invalid OAuth access token - Cannot parse access token"));
        }
        if (request.json() == null || request.json().path(recipientField).isMissingNode()) {
            return StandInAnswer.refused(400, error(100, "(#100) The parameter " + recipientField + " is required"));
        }
        return null;
    }

    /** Meta's error object: {@code {"error": {"message", "type", "code", "fbtrace_id"}}}. */
    public static String error(int code, String message) {
        return Json.write(Map.of("error", Map.of("message", message, "type", "OAuthException", "code", code,
                "fbtrace_id", "A" + HexFormat.of().formatHex(randomBytes(10)))));
    }

    /** A webhook as Meta posts it: JSON, signed with the app secret in {@code X-Hub-Signature-256}. */
    protected static StatusWebhook signed(String status, String path, String appSecret, Map<String, Object> body) {
        if (appSecret == null || appSecret.isEmpty()) {
            throw new IllegalStateException("no app secret to sign the status webhooks to " + path + " with");
        }
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        return new StatusWebhook(status, path, Map.of("Content-Type", "application/json",
                "X-Hub-Signature-256", HubSignature.sign(bytes, appSecret)), bytes);
    }

    protected static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
