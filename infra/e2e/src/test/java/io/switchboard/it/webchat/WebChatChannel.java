package io.switchboard.it.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.json.Json;
import io.switchboard.core.json.JsonValues;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.security.Hmac;
import io.switchboard.core.webhook.WebhookChannel;
import io.switchboard.core.webhook.WebhookRoute;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The web chat's webhook half: one route, its verifier, its parser and its answer (see {@link WebChat}). */
@Singleton
public class WebChatChannel implements WebhookChannel {

    private final Secrets secrets;

    public WebChatChannel(Secrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public String name() {
        return WebChat.CHANNEL.wireName();
    }

    @Override
    public List<WebhookRoute> routes() {
        return List.of(WebhookRoute.ingest("POST", WebChat.PATH, this::verify, WebChatChannel::parse,
                (request, interactions, summary) -> Responses.text(200, "ok")));
    }

    @Override
    public void prime() {
        byte[] body = "{\"id\":\"p\",\"site\":\"p\",\"visitor\":{\"id\":\"p\"},\"text\":\"p\"}".getBytes(StandardCharsets.UTF_8);
        Hmac.sign(Hmac.SHA256, "priming", body);
        parse(new WebhookRequest("POST", WebChat.PATH, Map.of(), Map.of(), "", body));
    }

    private void verify(WebhookRequest request) {
        String presented = request.header(WebChat.SIGNATURE_HEADER)
                .orElseThrow(() -> WebhookException.unauthorized("missing signature"));
        String expected = signature(secrets.require(WebChat.SIGNING_SECRET), request.body());
        if (!Hmac.equal(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            throw WebhookException.unauthorized("invalid signature");
        }
    }

    static String signature(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, secret, body));
    }

    /** Pure: the body's message as one entry of the visitor (bytes in, interactions out). */
    static List<Interaction> parse(WebhookRequest request) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(request.body());
        } catch (IOException e) {
            throw new RejectedInputException("body is not JSON");
        }
        if (message == null || !message.isObject()) {
            throw new RejectedInputException("body is not a JSON object");
        }
        String id = JsonValues.requiredText(message, "id", "id");
        String site = JsonValues.requiredText(message, "site", "site");
        String visitor = JsonValues.requiredText(message.path("visitor"), "id", "visitor.id");
        Instant at;
        try {
            at = message.hasNonNull("sentAt") ? Instant.parse(message.get("sentAt").asText()) : Instant.now();
        } catch (DateTimeParseException e) {
            throw new RejectedInputException("sentAt is not an ISO-8601 time");
        }
        ConversationEntry entry = ConversationEntry.builder(WebChat.CHANNEL, "webchat:" + id).source(WebChat.source(site))
                .occurredAt(at).text(JsonValues.nonBlank(message.path("text").asText(null))).build();
        Identity identity = Identity.parse("external:" + WebChat.VISITOR_SYSTEM + ":" + visitor);
        return List.of(new Interaction.LogEntry(identity, JsonValues.nonBlank(message.path("visitor").path("name").asText(null)), entry));
    }
}
