package io.switchboard.messenger;

import io.switchboard.core.channel.StandInAnswer;
import io.switchboard.core.channel.StandInContext;
import io.switchboard.core.channel.StandInRequest;
import io.switchboard.core.channel.StatusWebhook;
import io.switchboard.core.json.Json;
import io.switchboard.meta.GraphStandIn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Messenger and Instagram Send API, stood in for by the local cloud (never by a function): a Graph
 * {@code POST /{version}/{id}/messages} without a {@code messaging_product} (the WhatsApp Cloud API's requests carry
 * one) is answered with {@code message_id} = an {@code m_} mid, then the echo of the sent message, its delivery and
 * its read are posted to the platform's webhook route, signed with the app secret its function verifies them with.
 * https://developers.facebook.com/docs/messenger-platform/reference/send-api
 */
public final class MessengerStandIn extends GraphStandIn {

    /** The app id Meta puts on echoes of messages an app sent. */
    public static final long APP_ID = 1517776481860111L;

    private final Set<String> instagramAccountIds;

    /** Every send is a page's (Messenger). */
    public MessengerStandIn() {
        this(Set.of());
    }

    /** @param instagramAccountIds sends from these ids are Instagram's (object instagram, its route and app secret) */
    public MessengerStandIn(Set<String> instagramAccountIds) {
        this.instagramAccountIds = Set.copyOf(instagramAccountIds);
    }

    @Override
    public String name() {
        return "messenger";
    }

    @Override
    public String api() {
        return "Messenger and Instagram Send API";
    }

    @Override
    protected boolean acceptsProduct(String messagingProduct) {
        return !"whatsapp".equals(messagingProduct);
    }

    /** Where the senders find their tokens (MessengerSender's settings). */
    @Override
    public Map<String, String> senderCredentials() {
        return Map.of(MessengerWebhookHandler.PAGE_ACCESS_TOKEN, "local-page-access-token",
                "INSTAGRAM_ACCESS_TOKEN", "local-instagram-access-token");
    }

    @Override
    public StandInAnswer answer(StandInRequest request, StandInContext context) {
        StandInAnswer refused = graphChecks(request, "recipient");
        if (refused != null) {
            return refused;
        }
        String accountId = senderId(request);
        String userId = request.json().path("recipient").path("id").asText();
        String mid = "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(45));
        Platform platform = instagramAccountIds.contains(accountId) ? Platform.INSTAGRAM : Platform.MESSENGER;
        @SuppressWarnings("unchecked")
        Map<String, Object> message = Json.MAPPER.convertValue(request.json().path("message"), Map.class);
        List<StatusWebhook> webhooks = context.webhookBaseUrl() == null ? List.of()
                : webhooks(platform, context.setting(platform.path(), platform.appSecretName()), accountId, userId, mid,
                message == null ? Map.of() : message, request.at());
        return StandInAnswer.accepted(200, Json.write(Map.of("recipient_id", userId, "message_id", mid)), mid, webhooks);
    }

    /**
     * Messenger (object page) or Instagram (object instagram): the echo of the sent message (is_echo, app_id, mid,
     * text or attachments), then delivery (mids, watermark) and read (watermark; Instagram: the mid seen).
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-deliveries
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reads
     */
    static List<StatusWebhook> webhooks(Platform platform, String appSecret, String accountId, String userId,
                                        String mid, Map<String, Object> sentMessage, Instant at) {
        long ms = at.toEpochMilli();
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("is_echo", true);
        echo.put("app_id", APP_ID);
        echo.put("mid", mid);
        if (sentMessage.get("text") != null) {
            echo.put("text", sentMessage.get("text"));
        }
        if (sentMessage.get("metadata") != null) {
            echo.put("metadata", sentMessage.get("metadata"));
        }
        if (sentMessage.get("attachment") instanceof Map<?, ?> attachment) {
            echo.put("attachments", List.of(Map.of("type", attachment.get("type"), "payload",
                    Map.of("url", ((Map<?, ?>) attachment.get("payload")).get("url")))));
        }
        boolean instagram = platform == Platform.INSTAGRAM;
        String path = platform.path();
        List<StatusWebhook> webhooks = new ArrayList<>();
        webhooks.add(signed("sent", path, appSecret, messaging(platform, accountId, ms, Map.of(
                "sender", Map.of("id", accountId), "recipient", Map.of("id", userId), "timestamp", ms,
                "message", echo))));
        webhooks.add(signed("delivered", path, appSecret, messaging(platform, accountId, ms + 1, Map.of(
                "sender", Map.of("id", userId), "recipient", Map.of("id", accountId),
                "delivery", Map.of("mids", List.of(mid), "watermark", ms + 1)))));
        webhooks.add(signed("read", path, appSecret, messaging(platform, accountId, ms + 2, Map.of(
                "sender", Map.of("id", userId), "recipient", Map.of("id", accountId), "timestamp", ms + 2,
                "read", instagram ? Map.of("mid", mid) : Map.of("watermark", ms + 1)))));
        return webhooks;
    }

    private static Map<String, Object> messaging(Platform platform, String accountId, long time, Map<String, Object> event) {
        return Map.of("object", platform.object(), "entry", List.of(Map.of(
                "id", accountId, "time", time, "messaging", List.of(event))));
    }
}
