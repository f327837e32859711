package io.switchboard.local.standin;

import io.switchboard.core.json.Json;
import io.switchboard.meta.HubSignature;
import io.switchboard.telephony.TwilioForm;
import io.switchboard.telephony.TwilioSignature;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status webhooks each provider sends after accepting a message, in its documented shape and signed as it signs
 * them: what the local gateway receives from the stand-ins.
 */
final class StatusWebhooks {

    /** The app id Meta puts on echoes of messages an app sent. */
    static final long APP_ID = 1517776481860111L;
    /** The WhatsApp Business Account id of the stand-in's notifications. */
    static final String WABA_ID = "104857600123456";

    /** One webhook to post: where (path or absolute URL), its headers and exact bytes. */
    record Webhook(String status, String target, Map<String, String> headers, byte[] body) {
    }

    private StatusWebhooks() {
    }

    /**
     * WhatsApp statuses sent, delivered, read for a wamid: {@code entry[].changes[].value.statuses[]} with
     * recipient_id, timestamp, and (sent, delivered) conversation and pricing.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
     */
    static List<Webhook> whatsapp(String path, String appSecret, String phoneNumberId, String wamid, String to,
                                  boolean template, Instant at) {
        String recipient = to.replaceAll("[^0-9]", "");
        String category = template ? "utility" : "service";
        List<Webhook> webhooks = new ArrayList<>();
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
            webhooks.add(meta(steps[i], path, appSecret, body));
        }
        return webhooks;
    }

    /**
     * Messenger (object page) or Instagram (object instagram): the echo of the sent message (is_echo, app_id, mid,
     * text or attachments), then delivery (mids, watermark) and read (watermark; Instagram: the mid seen).
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-deliveries
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reads
     */
    static List<Webhook> messenger(String path, String appSecret, boolean instagram, String accountId, String userId,
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
        List<Webhook> webhooks = new ArrayList<>();
        webhooks.add(meta("sent", path, appSecret, messaging(instagram, accountId, ms, Map.of(
                "sender", Map.of("id", accountId), "recipient", Map.of("id", userId), "timestamp", ms,
                "message", echo))));
        webhooks.add(meta("delivered", path, appSecret, messaging(instagram, accountId, ms + 1, Map.of(
                "sender", Map.of("id", userId), "recipient", Map.of("id", accountId),
                "delivery", Map.of("mids", List.of(mid), "watermark", ms + 1)))));
        webhooks.add(meta("read", path, appSecret, messaging(instagram, accountId, ms + 2, Map.of(
                "sender", Map.of("id", userId), "recipient", Map.of("id", accountId), "timestamp", ms + 2,
                "read", instagram ? Map.of("mid", mid) : Map.of("watermark", ms + 1)))));
        return webhooks;
    }

    /**
     * Twilio's message status callbacks (MessageStatus sent, then delivered) to the request's StatusCallback URL,
     * signed with the auth token over that URL and the parameters.
     * https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
     * https://www.twilio.com/docs/usage/security#validating-requests
     */
    static List<Webhook> twilio(String statusCallback, String authToken, String accountSid, String messageSid,
                                String from, String to) {
        List<Webhook> webhooks = new ArrayList<>();
        for (String status : new String[] {"sent", "delivered"}) {
            List<TwilioForm.Param> params = List.of(
                    new TwilioForm.Param("SmsSid", messageSid), new TwilioForm.Param("SmsStatus", status),
                    new TwilioForm.Param("MessageStatus", status), new TwilioForm.Param("To", to),
                    new TwilioForm.Param("MessageSid", messageSid), new TwilioForm.Param("AccountSid", accountSid),
                    new TwilioForm.Param("From", from), new TwilioForm.Param("ApiVersion", "2010-04-01"));
            StringBuilder form = new StringBuilder();
            for (TwilioForm.Param param : params) {
                form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(param.name(), StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(param.value(), StandardCharsets.UTF_8));
            }
            webhooks.add(new Webhook(status, statusCallback, Map.of(
                    "Content-Type", "application/x-www-form-urlencoded",
                    TwilioSignature.HEADER, TwilioSignature.sign(statusCallback, params, authToken)),
                    form.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return webhooks;
    }

    private static Map<String, Object> messaging(boolean instagram, String accountId, long time, Map<String, Object> event) {
        return Map.of("object", instagram ? "instagram" : "page", "entry", List.of(Map.of(
                "id", accountId, "time", time, "messaging", List.of(event))));
    }

    private static Webhook meta(String status, String path, String appSecret, Map<String, Object> body) {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        return new Webhook(status, path, Map.of("Content-Type", "application/json",
                "X-Hub-Signature-256", HubSignature.sign(bytes, appSecret)), bytes);
    }
}
