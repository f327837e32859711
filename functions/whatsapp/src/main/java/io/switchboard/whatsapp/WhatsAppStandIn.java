package io.switchboard.whatsapp;

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

/**
 * The WhatsApp Cloud API's send call, stood in for by the local cloud (never by a function): {@code POST
 * /{version}/{phone-number-id}/messages} with {@code messaging_product: whatsapp} is answered with
 * {@code messages[0].id} = a wamid, then the statuses sent, delivered and read are posted to the WhatsApp webhook
 * route, signed with the app secret its function verifies them with.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/message-api
 */
public final class WhatsAppStandIn extends GraphStandIn {

    /** The WhatsApp Business Account id of the stand-in's notifications. */
    public static final String WABA_ID = "104857600123456";
    /** Where the senders find their access token (WhatsAppSender's setting). */
    static final String ACCESS_TOKEN = "WHATSAPP_ACCESS_TOKEN";

    @Override
    public String name() {
        return "whatsapp";
    }

    @Override
    public String api() {
        return "WhatsApp Cloud API";
    }

    @Override
    protected boolean acceptsProduct(String messagingProduct) {
        return "whatsapp".equals(messagingProduct);
    }

    @Override
    public Map<String, String> senderCredentials() {
        return Map.of(ACCESS_TOKEN, "local-whatsapp-access-token");
    }

    @Override
    public StandInAnswer answer(StandInRequest request, StandInContext context) {
        StandInAnswer refused = graphChecks(request, "to");
        if (refused != null) {
            return refused;
        }
        String to = request.json().path("to").asText();
        String wamid = "wamid.HBgL" + Base64.getEncoder().encodeToString(randomBytes(30));
        String answer = Json.write(Map.of("messaging_product", "whatsapp",
                "contacts", List.of(Map.of("input", to, "wa_id", to.replaceAll("[^0-9]", ""))),
                "messages", List.of(Map.of("id", wamid, "message_status", "accepted"))));
        List<StatusWebhook> webhooks = context.webhookBaseUrl() == null ? List.of()
                : statuses(context.setting(WhatsAppChannel.PATH, WhatsAppWebhookHandler.APP_SECRET), senderId(request),
                wamid, to, "template".equals(request.json().path("type").asText()), request.at());
        return StandInAnswer.accepted(200, answer, wamid, webhooks);
    }

    /**
     * Statuses sent, delivered, read for a wamid: {@code entry[].changes[].value.statuses[]} with recipient_id,
     * timestamp, and (sent, delivered) conversation and pricing.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
     */
    static List<StatusWebhook> statuses(String appSecret, String phoneNumberId, String wamid, String to,
                                        boolean template, Instant at) {
        String recipient = to.replaceAll("[^0-9]", "");
        String category = template ? "utility" : "service";
        List<StatusWebhook> webhooks = new ArrayList<>();
        String[] steps = {"sent", "delivered", "read"};
        for (int i = 0; i < steps.length; i++) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("id", wamid);
            status.put("status", steps[i]);
            status.put("timestamp", String.valueOf(at.getEpochSecond() + i));
            status.put("recipient_id", recipient);
            if (!steps[i].equals("read")) {
                status.put("conversation", Map.of("id", "CONVERSATION_" + Integer.toHexString(recipient.hashCode()),
                        "expiration_timestamp", String.valueOf(at.getEpochSecond() + 86_400),
                        "origin", Map.of("type", category)));
                status.put("pricing", Map.of("billable", template, "pricing_model", "PMP", "type",
                        template ? "regular" : "free_customer_service", "category", category));
            }
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("messaging_product", "whatsapp");
            value.put("metadata", Map.of("display_phone_number", "15555550100", "phone_number_id", phoneNumberId));
            value.put("statuses", List.of(status));
            Map<String, Object> body = Map.of("object", "whatsapp_business_account", "entry", List.of(Map.of(
                    "id", WABA_ID, "changes", List.of(Map.of("value", value, "field", "messages")))));
            webhooks.add(signed(steps[i], WhatsAppChannel.PATH, appSecret, body));
        }
        return webhooks;
    }
}
