package io.switchboard.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.json.Json;
import java.time.Instant;
import java.util.List;

/**
 * Builds Messenger Platform webhook bodies in Meta's documented shape, for end-to-end tests that need many
 * distinct users and message ids. The function's own fixtures cover every event kind.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
 */
final class MessengerWebhooks {

    static final String PAGE_ID = "108223764512345";
    static final String SOURCE = "/messenger/" + PAGE_ID;
    static final String IG_ACCOUNT_ID = "17841400000000001";

    private MessengerWebhooks() {
    }

    /** {@code {"object": "page", "entry": [one entry of the page with these messaging events]}}. */
    static String page(Instant sentAt, ObjectNode... events) {
        return pageEntries(List.of(List.of(events)), sentAt);
    }

    /** Several entries of the same page in one delivery, as Meta batches them. */
    static String pageEntries(List<List<ObjectNode>> entries, Instant sentAt) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "page");
        ArrayNode entryArray = root.putArray("entry");
        for (List<ObjectNode> events : entries) {
            ObjectNode entry = entryArray.addObject();
            entry.put("id", PAGE_ID);
            entry.put("time", sentAt.toEpochMilli());
            ArrayNode messaging = entry.putArray("messaging");
            events.forEach(messaging::add);
        }
        return Json.write(root);
    }

    static String instagram(Instant sentAt, ObjectNode... events) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "instagram");
        ObjectNode entry = root.putArray("entry").addObject();
        entry.put("id", IG_ACCOUNT_ID);
        entry.put("time", sentAt.toEpochMilli());
        ArrayNode messaging = entry.putArray("messaging");
        for (ObjectNode event : events) {
            messaging.add(event);
        }
        return Json.write(root);
    }

    /** A customer's text message. */
    static ObjectNode text(String userId, String accountId, String mid, Instant at, String text) {
        ObjectNode event = event(userId, accountId, at);
        event.putObject("message").put("mid", mid).put("text", text);
        return event;
    }

    /** The page's own message, echoed: the page is the sender, the customer the recipient. */
    static ObjectNode echo(String psid, String mid, Instant at, String text) {
        ObjectNode event = event(PAGE_ID, psid, at);
        event.putObject("message").put("is_echo", true).put("app_id", 1517776481860111L).put("mid", mid)
                .put("text", text);
        return event;
    }

    /** Delivery receipt: documented without a timestamp; the watermark is the time. */
    static ObjectNode delivery(String psid, Instant watermark, String... mids) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.putObject("sender").put("id", psid);
        event.putObject("recipient").put("id", PAGE_ID);
        ObjectNode delivery = event.putObject("delivery");
        ArrayNode midArray = delivery.putArray("mids");
        for (String mid : mids) {
            midArray.add(mid);
        }
        delivery.put("watermark", watermark.toEpochMilli());
        return event;
    }

    static ObjectNode read(String psid, Instant at, Instant watermark) {
        ObjectNode event = event(psid, PAGE_ID, at);
        event.putObject("read").put("watermark", watermark.toEpochMilli());
        return event;
    }

    static ObjectNode postback(String psid, String mid, Instant at, String title, String payload) {
        ObjectNode event = event(psid, PAGE_ID, at);
        event.putObject("postback").put("mid", mid).put("title", title).put("payload", payload);
        return event;
    }

    static ObjectNode reaction(String psid, Instant at, String reactedMid, String emoji) {
        ObjectNode event = event(psid, PAGE_ID, at);
        event.putObject("reaction").put("reaction", "like").put("emoji", emoji).put("action", "react")
                .put("mid", reactedMid);
        return event;
    }

    private static ObjectNode event(String senderId, String recipientId, Instant at) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.putObject("sender").put("id", senderId);
        event.putObject("recipient").put("id", recipientId);
        event.put("timestamp", at.toEpochMilli());
        return event;
    }
}
