package io.switchboard.it.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.StandInAnswer;
import io.switchboard.core.channel.StandInContext;
import io.switchboard.core.channel.StandInRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The web chat API as the local cloud serves it: {@code POST /v1/sites/{site}/messages} with the API token answers
 * {@code 201 {"id"}}; a wrong token 401, a body without visitorId or text 400. It posts no status webhooks.
 */
public final class WebChatStandIn implements ProviderStandIn {

    static final String LOCAL_TOKEN = "local-webchat-api-token";

    @Override
    public String name() {
        return WebChat.CHANNEL.wireName();
    }

    @Override
    public String api() {
        return "web chat reply API";
    }

    @Override
    public boolean accepts(StandInRequest request) {
        return request.method().equals("POST") && request.path().matches("/v1/sites/[^/]+/messages");
    }

    @Override
    public StandInAnswer answer(StandInRequest request, StandInContext context) {
        if (!("Bearer " + LOCAL_TOKEN).equals(request.header("Authorization"))) {
            return StandInAnswer.refused(401, "{\"error\":\"unauthorized\"}");
        }
        JsonNode body = request.json();
        if (body == null || !body.path("visitorId").isTextual() || !body.path("text").isTextual()) {
            return StandInAnswer.refused(400, "{\"error\":\"visitorId and text are required\"}");
        }
        String id = "wcm_" + UUID.randomUUID();
        return StandInAnswer.accepted(201, "{\"id\":\"" + id + "\"}", id, List.of());
    }

    @Override
    public Map<String, String> senderSettings(String baseUrl) {
        return Map.of(WebChat.API_BASE_URL, baseUrl);
    }

    @Override
    public Map<String, String> senderCredentials() {
        return Map.of(WebChat.API_TOKEN, LOCAL_TOKEN);
    }
}
