package io.switchboard.it.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.json.Json;
import io.switchboard.core.json.JsonValues;
import io.switchboard.core.model.Channel;
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

/**
 * A channel that exists only in tests, added the way docs/adding-a-channel.md says, to show that adding one
 * changes nothing in the core: an SMS gateway that POSTs one JSON message per webhook,
 * {@code {"messageId", "from", "to", "text", "receivedAt"}}, signed with {@code X-Gateway-Signature: sha256=<hex
 * HMAC-SHA256(secret, raw body)>}. Its messages are SMS: they meet WhatsApp and calls from the same number.
 */
@Singleton
public class GatewaySmsChannel implements WebhookChannel {

    public static final String SECRET = "SMS_GATEWAY_SECRET";
    static final String PATH = "/webhooks/sms-gateway";
    static final String SIGNATURE_HEADER = "x-gateway-signature";

    private final Secrets secrets;

    public GatewaySmsChannel(Secrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public String name() {
        return "sms-gateway";
    }

    @Override
    public List<WebhookRoute> routes() {
        return List.of(WebhookRoute.ingest("POST", PATH, this::verify, GatewaySmsChannel::parse,
                (request, interactions, summary) -> Responses.text(200, "ok")));
    }

    @Override
    public void prime() {
        byte[] body = "{\"messageId\":\"p\",\"from\":\"+14155550100\",\"to\":\"+14155550199\",\"text\":\"p\"}"
                .getBytes(StandardCharsets.UTF_8);
        Hmac.sign(Hmac.SHA256, "priming", body);
        parse(new WebhookRequest("POST", PATH, java.util.Map.of(), java.util.Map.of(), "", body));
    }

    private void verify(WebhookRequest request) {
        String presented = request.header(SIGNATURE_HEADER).orElseThrow(() -> WebhookException.unauthorized("missing signature"));
        String expected = "sha256=" + HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, secrets.require(SECRET), request.body()));
        if (!Hmac.equal(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            throw WebhookException.unauthorized("invalid signature");
        }
    }

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
        String id = JsonValues.requiredText(message, "messageId", "messageId");
        Identity sender = Identity.phone(JsonValues.requiredText(message, "from", "from"));
        String to = JsonValues.requiredText(message, "to", "to").replaceAll("[^0-9]", "");
        Instant at;
        try {
            at = message.hasNonNull("receivedAt") ? Instant.parse(message.get("receivedAt").asText()) : Instant.now();
        } catch (DateTimeParseException e) {
            throw new RejectedInputException("receivedAt is not an ISO-8601 time");
        }
        ConversationEntry entry = ConversationEntry.builder(Channel.SMS, "gateway:" + id).source("/gateway/" + to)
                .occurredAt(at).text(JsonValues.nonBlank(message.path("text").asText(null))).build();
        return List.of(new Interaction.LogEntry(sender, null, entry));
    }
}
