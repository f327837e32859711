package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import static io.switchboard.core.json.JsonValues.bool;
import static io.switchboard.core.json.JsonValues.plain;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.EntryKind;
import static io.switchboard.meta.MetaPayload.coordinate;
import static io.switchboard.meta.MetaPayload.text;
import java.util.List;

/**
 * What a message says, by its {@code type}: kind, text, attachments and details of the log entry. Lenient: a
 * type we do not know, or a known type whose content is not the documented object, is kept whole as
 * {@link EntryKind#UNSUPPORTED} with its raw JSON, never dropped and never a reason to refuse the batch.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
final class MessageContent {

    private MessageContent() {
    }

    static void map(String type, JsonNode message, ConversationEntry.Builder entry) {
        if (type == null) {
            unsupported(entry, message, null);
            return;
        }
        switch (type) {
            case "text" -> plainText(entry, message);
            case "image", "audio", "video", "document", "sticker" -> media(entry, message, type);
            case "location" -> location(entry, message);
            case "contacts" -> contacts(entry, message);
            case "interactive" -> interactive(entry, message);
            case "button" -> button(entry, message);
            case "reaction" -> reaction(entry, message);
            case "system" -> system(entry, message);
            // "unsupported", "unknown", "order", "request_welcome", future types...: kept whole, never dropped
            default -> unsupported(entry, message, type);
        }
    }

    private static void plainText(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode text = message.get("text");
        if (text == null || !text.isObject()) {
            unsupported(entry, message, "text");
            return;
        }
        entry.kind(EntryKind.MESSAGE).text(text.path("body").asText(null));
    }

    /** https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/image (and audio, video, document, sticker) */
    private static void media(ConversationEntry.Builder entry, JsonNode message, String type) {
        JsonNode media = message.get(type);
        if (media == null || !media.isObject()) {
            unsupported(entry, message, type);
            return;
        }
        String caption = text(media, "caption");
        Attachment attachment = new Attachment(type, text(media, "mime_type"), text(media, "id"), text(media, "url"),
                text(media, "filename"), caption, null);
        entry.kind(EntryKind.MESSAGE).text(caption).attachments(List.of(attachment));
        if ("audio".equals(type)) {
            entry.detail("voice", bool(media.get("voice")));        // true for a recorded voice note
        } else if ("sticker".equals(type)) {
            entry.detail("animated", bool(media.get("animated")));
        }
    }

    private static void location(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode location = message.get("location");
        if (location == null || !location.isObject()) {
            unsupported(entry, message, "location");
            return;
        }
        entry.kind(EntryKind.LOCATION)
                .detail("latitude", coordinate(location.get("latitude")))
                .detail("longitude", coordinate(location.get("longitude")))
                .detail("name", text(location, "name"))
                .detail("address", text(location, "address"))
                .detail("url", text(location, "url"));
    }

    /** https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/contacts */
    private static void contacts(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode cards = message.get("contacts");
        if (cards == null || !cards.isArray()) {
            unsupported(entry, message, "contacts");
            return;
        }
        entry.kind(EntryKind.CONTACTS).detail("contacts", plain(cards));
    }

    /** Replies to reply buttons and list messages; other interactive replies (Flows, call permission...) are kept raw. */
    private static void interactive(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode interactive = message.path("interactive");
        String subtype = interactive.path("type").asText("");
        JsonNode reply = interactive.get(subtype);
        if (!("button_reply".equals(subtype) || "list_reply".equals(subtype)) || reply == null || !reply.isObject()) {
            unsupported(entry, message, "interactive");
            return;
        }
        String title = text(reply, "title");
        entry.kind(EntryKind.INTERACTIVE_REPLY)
                .text(title)
                .detail("type", subtype)
                .detail("id", text(reply, "id"))
                .detail("title", title)
                .detail("description", text(reply, "description"));
    }

    /** A quick-reply button of a template message. https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/button/ */
    private static void button(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode button = message.get("button");
        if (button == null || !button.isObject()) {
            unsupported(entry, message, "button");
            return;
        }
        String text = text(button, "text");
        entry.kind(EntryKind.INTERACTIVE_REPLY)
                .text(text)
                .detail("type", "button")
                .detail("payload", text(button, "payload"))
                .detail("text", text);
    }

    /**
     * When a user removes a reaction, WhatsApp sends the reaction without {@code emoji}.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/reaction/
     */
    private static void reaction(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode reaction = message.get("reaction");
        if (reaction == null || !reaction.isObject()) {
            unsupported(entry, message, "reaction");
            return;
        }
        String emoji = text(reaction, "emoji");
        entry.kind(EntryKind.REACTION)
                .replyTo(text(reaction, "message_id"))
                .text(emoji)
                .detail("emoji", emoji);
        if (emoji == null) {
            entry.detail("removed", true);
        }
    }

    /**
     * System messages report identity changes (linked by {@link WhatsAppIdentities#changedTo}); they carry no
     * contacts array. One of a kind we do not act on is stored as a system entry, with everything it said.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system
     */
    private static void system(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode system = message.path("system");
        String systemType = text(system, "type");
        entry.kind(EntryKind.SYSTEM)
                .text(text(system, "body"))
                .detail("systemType", systemType);
        if (!WhatsAppIdentities.isIdentityChange(systemType)) {
            entry.detail("raw", Json.write(message));
        }
    }

    private static void unsupported(ConversationEntry.Builder entry, JsonNode message, String type) {
        entry.kind(EntryKind.UNSUPPORTED)
                .detail("type", type)
                .detail("raw", Json.write(message));
    }
}
