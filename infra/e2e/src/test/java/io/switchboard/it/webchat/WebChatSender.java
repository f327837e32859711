package io.switchboard.it.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.outbound.SendResult;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The web chat's send half (a channel module's send part): a plain bean the outbound function finds with the others.
 * To: the visitor of the customer's {@code external:webchat:} identity; from: the site the visitor last wrote on.
 */
@Singleton
public class WebChatSender implements ReplySender {

    static final int MAX_TEXT = 2000;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final Secrets secrets;
    private final Settings settings;

    public WebChatSender(Secrets secrets, Settings settings) {
        this.secrets = secrets;
        this.settings = settings;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(WebChat.CHANNEL);
    }

    @Override
    public int maxTextLength(Channel channel) {
        return MAX_TEXT;
    }

    @Override
    public Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound) {
        if (latestInbound == null || latestInbound.source() == null || !latestInbound.source().startsWith("/webchat/")) {
            return Optional.empty();
        }
        String site = latestInbound.source().substring("/webchat/".length());
        return customer.identityValue("external").filter(value -> value.startsWith(WebChat.VISITOR_SYSTEM + ":"))
                .map(value -> new ReplyRoute(latestInbound.source(), site, value.substring(WebChat.VISITOR_SYSTEM.length() + 1)));
    }

    @Override
    public SendResult send(OutboundMessage message) {
        if (message.text() == null || !message.attachments().isEmpty()) {
            return new SendResult.Refused("unsupported_content", "the web chat sends text only");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("visitorId", message.route().recipient());
        body.put("text", message.text());
        body.put("clientMessageId", message.commandId());
        String base = settings.get(WebChat.API_BASE_URL).orElse("https://api.webchat.invalid");
        HttpResponse<String> answer;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/sites/"
                            + URLEncoder.encode(message.route().account(), StandardCharsets.UTF_8) + "/messages"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + secrets.require(WebChat.API_TOKEN))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))).build();
            answer = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException notConnected) {
            return new SendResult.Transient("could not connect to the web chat API");
        } catch (IOException noAnswer) {
            return new SendResult.Unknown("no answer from the web chat API");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new SendResult.Unknown("interrupted");
        }
        if (answer.statusCode() == 201) {
            try {
                JsonNode id = Json.MAPPER.readTree(answer.body()).get("id");
                return id != null && id.isTextual() ? new SendResult.Sent(id.asText())
                        : new SendResult.Unknown("accepted without an id");
            } catch (IOException notJson) {
                return new SendResult.Unknown("accepted with an unreadable answer");
            }
        }
        return answer.statusCode() == 429 || answer.statusCode() >= 500
                ? new SendResult.Transient("web chat API answered " + answer.statusCode())
                : new SendResult.Refused("http_" + answer.statusCode(), "web chat API answered " + answer.statusCode());
    }
}
