package io.switchboard.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.json.Json;
import java.time.Instant;
import java.util.List;

/**
 * Builds WhatsApp Cloud API webhook bodies in Meta's documented shape
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components), for end-to-end tests that
 * need many distinct senders and message ids. The parser's own fixtures cover every message type.
 */
final class WhatsAppWebhooks {

    static final String PHONE_NUMBER_ID = "109876543210123";
    static final String SOURCE = "/whatsapp/" + PHONE_NUMBER_ID;

    private WhatsAppWebhooks() {
    }

    static String text(String waId, String profileName, String wamid, Instant at, String body) {
        ObjectNode message = message(waId, wamid, at, "text");
        message.putObject("text").put("body", body);
        return envelope(value -> {
            ArrayNode contacts = value.putArray("contacts");
            ObjectNode contact = contacts.addObject();
            contact.putObject("profile").put("name", profileName);
            contact.put("wa_id", waId);
            value.putArray("messages").add(message);
        });
    }

    /** An image held by Meta under its media id (fetched through the Graph API's media endpoint). */
    static String image(String waId, String profileName, String wamid, Instant at, String mediaId, String caption) {
        ObjectNode message = message(waId, wamid, at, "image");
        message.putObject("image").put("id", mediaId).put("mime_type", "image/jpeg").put("caption", caption);
        return envelope(value -> {
            ObjectNode contact = value.putArray("contacts").addObject();
            contact.putObject("profile").put("name", profileName);
            contact.put("wa_id", waId);
            value.putArray("messages").add(message);
        });
    }

    static String reaction(String waId, String wamid, Instant at, String reactedWamid, String emoji) {
        ObjectNode message = message(waId, wamid, at, "reaction");
        message.putObject("reaction").put("message_id", reactedWamid).put("emoji", emoji);
        return envelope(value -> value.putArray("messages").add(message));
    }

    /** Meta's system message when a user moves to a new number (the new number in system.wa_id). */
    static String userChangedNumber(String oldWaId, String newWaId, String wamid, Instant at) {
        ObjectNode message = message(oldWaId, wamid, at, "system");
        message.putObject("system")
                .put("body", "User changed from " + oldWaId + " to " + newWaId)
                .put("wa_id", newWaId)
                .put("type", "user_changed_number");
        return envelope(value -> value.putArray("messages").add(message));
    }

    static String status(String recipientWaId, String wamid, Instant at, String status) {
        return envelope(value -> {
            ObjectNode statusNode = value.putArray("statuses").addObject();
            statusNode.put("id", wamid);
            statusNode.put("status", status);
            statusNode.put("timestamp", Long.toString(at.getEpochSecond()));
            statusNode.put("recipient_id", recipientWaId);
        });
    }

    /** One delivery carrying the changes of all these webhooks, in order, as Meta batches up to 1,000 changes. */
    static String batch(List<String> webhooks) {
        try {
            ObjectNode root = (ObjectNode) Json.MAPPER.readTree(webhooks.get(0));
            ArrayNode changes = (ArrayNode) root.path("entry").path(0).path("changes");
            for (String webhook : webhooks.subList(1, webhooks.size())) {
                Json.MAPPER.readTree(webhook).path("entry").path(0).path("changes").forEach(changes::add);
            }
            return Json.write(root);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode message(String waId, String wamid, Instant at, String type) {
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("from", waId);
        message.put("id", wamid);
        message.put("timestamp", Long.toString(at.getEpochSecond()));
        message.put("type", type);
        return message;
    }

    private static String envelope(java.util.function.Consumer<ObjectNode> fillValue) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject();
        entry.put("id", "104857600123456");
        ObjectNode change = entry.putArray("changes").addObject();
        ObjectNode value = change.putObject("value");
        value.put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "15555550100").put("phone_number_id", PHONE_NUMBER_ID);
        fillValue.accept(value);
        change.put("field", "messages");
        return Json.write(root);
    }
}
