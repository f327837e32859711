package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.json.Json;
import static io.switchboard.core.json.JsonValues.bool;
import static io.switchboard.core.json.JsonValues.nonBlank;
import static io.switchboard.core.json.JsonValues.number;
import static io.switchboard.core.json.JsonValues.plain;
import static io.switchboard.core.json.JsonValues.requiredText;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import io.switchboard.core.model.StatusChange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a WhatsApp Business Cloud API webhook body into canonical interactions. Pure: no AWS, no clock, no
 * state; the same bytes always give the same list.
 *
 * <p>The whole body is read before anything is returned, and any shape error throws, so a bad body yields
 * no interactions at all (the handler then stores nothing). Shape rules are strict where an interaction
 * could not be keyed without the field (message id, sender, timestamp, phone number id) and lenient on
 * message content: a message whose content we cannot read is kept as {@link EntryKind#UNSUPPORTED} with its
 * raw JSON rather than rejected, because a 4xx would make the whole batch (up to 1000 changes) be lost.
 *
 * <p>Payload shapes: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
public final class WhatsAppPayloadParser {

    /** The only {@code object} a WhatsApp Business Account webhook carries. */
    static final String OBJECT = "whatsapp_business_account";

    /** Other subscription fields (account_update, message_template_status_update...) carry no customer interaction. */
    static final String MESSAGES_FIELD = "messages";

    /** Trailing bytes after the JSON document mean the body is not what Meta signed as one document. */
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Delivery statuses we map. Meta also reports others: "played" for voice messages (since March 2026,
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/audio-messages/),
     * "deleted" and "warning" on older API versions. None is a delivery step in {@link DeliveryStatus}, so they
     * are skipped; rejecting the batch for them would lose the messages that travel beside them.
     */
    private static final Map<String, DeliveryStatus> STATUSES = Map.of(
            "sent", DeliveryStatus.SENT,
            "delivered", DeliveryStatus.DELIVERED,
            "read", DeliveryStatus.READ,
            "failed", DeliveryStatus.FAILED);

    /**
     * @param body the raw request body, already authenticated
     * @return every interaction the body carries, in payload order
     * @throws WebhookException 400 when the body is not JSON or not a WhatsApp Business Account webhook
     */
    public List<Interaction> parse(byte[] body) {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            throw WebhookException.badRequest("payload is not a JSON object");
        }
        if (!OBJECT.equals(root.path("object").asText(null))) {
            throw WebhookException.badRequest("object is not " + OBJECT);
        }
        JsonNode entries = root.get("entry");
        if (entries == null || !entries.isArray()) {
            throw WebhookException.badRequest("entry is missing or not an array");
        }
        Batch batch = new Batch();
        for (int e = 0; e < entries.size(); e++) {
            JsonNode entry = entries.get(e);
            String where = "entry[" + e + "]";
            if (!entry.isObject()) {
                throw WebhookException.badRequest(where + " is not an object");
            }
            JsonNode changes = entry.get("changes");
            if (changes == null || !changes.isArray()) {
                throw WebhookException.badRequest(where + ".changes is missing or not an array");
            }
            for (int c = 0; c < changes.size(); c++) {
                parseChange(changes.get(c), where + ".changes[" + c + "]", batch);
            }
        }
        return List.copyOf(batch.out);
    }

    private static JsonNode readJson(byte[] body) {
        if (body == null || body.length == 0) {
            throw WebhookException.badRequest("empty body");
        }
        try {
            JsonNode root = READER.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw WebhookException.badRequest("empty body");
            }
            return root;
        } catch (IOException notJson) {
            throw WebhookException.badRequest("malformed JSON");
        }
    }

    private void parseChange(JsonNode change, String where, Batch batch) {
        if (!change.isObject()) {
            throw WebhookException.badRequest(where + " is not an object");
        }
        if (!MESSAGES_FIELD.equals(change.path("field").asText(null))) {
            return; // another subscription field: nothing for a customer timeline, and not an error
        }
        JsonNode value = change.get("value");
        if (value == null || !value.isObject()) {
            throw WebhookException.badRequest(where + ".value is missing or not an object");
        }
        String phoneNumberId = requiredText(value.path("metadata"), "phone_number_id",
                where + ".value.metadata.phone_number_id");
        Change context = new Change("/whatsapp/" + phoneNumberId, Contacts.of(value.get("contacts")));

        JsonNode messages = optionalArray(value, "messages", where + ".value");
        for (int m = 0; m < messages.size(); m++) {
            parseMessage(messages.get(m), where + ".value.messages[" + m + "]", context, batch);
        }
        JsonNode statuses = optionalArray(value, "statuses", where + ".value");
        for (int s = 0; s < statuses.size(); s++) {
            parseStatus(statuses.get(s), where + ".value.statuses[" + s + "]", context, batch);
        }
        // value.errors (webhook-level problems Meta reports, e.g. a message it could not deliver to us) names
        // no message of ours; the unsupported message that comes with such errors is kept through messages[].
    }

    // ---------------------------------------------------------------- messages

    private void parseMessage(JsonNode message, String where, Change change, Batch batch) {
        if (!message.isObject()) {
            throw WebhookException.badRequest(where + " is not an object");
        }
        String wamid = requiredText(message, "id", where + ".id");
        Instant at = epochSeconds(message, where);
        String type = nonBlank(message.path("type").asText(null));
        Sender sender = sender(message, "system".equals(type), change.contacts, where);

        ConversationEntry.Builder entry = ConversationEntry.builder(Channel.WHATSAPP, wamid)
                .source(change.source)
                .occurredAt(at);
        List<Interaction> links = new ArrayList<>();
        if (type == null) {
            unsupported(entry, message, null);
        } else {
            switch (type) {
                case "text" -> text(entry, message);
                case "image", "audio", "video", "document", "sticker" -> media(entry, message, type);
                case "location" -> location(entry, message);
                case "contacts" -> contacts(entry, message);
                case "interactive" -> interactive(entry, message);
                case "button" -> button(entry, message);
                case "reaction" -> reaction(entry, message);
                case "system" -> system(entry, message, sender, change.source, at, links, where);
                // "unsupported", "unknown", "order", "request_welcome", future types...: kept whole, never dropped
                default -> unsupported(entry, message, type);
            }
        }
        replyContext(entry, message, "reaction".equals(type));
        entry.detail("referral", plain(message.get("referral")));   // Click to WhatsApp ads
        entry.detail("groupId", nonBlank(message.path("group_id").asText(null)));

        batch.out.add(new Interaction.LogEntry(sender.customer, sender.profileName, entry.build()));
        if (sender.phone != null && sender.userId != null) {
            batch.link(sender.phone, sender.userId, change.source, at);
        }
        for (Interaction link : links) {
            batch.add(link);
        }
    }

    private static void text(ConversationEntry.Builder entry, JsonNode message) {
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
        String caption = nonBlank(media.path("caption").asText(null));
        Attachment attachment = new Attachment(type,
                nonBlank(media.path("mime_type").asText(null)),
                nonBlank(media.path("id").asText(null)),
                nonBlank(media.path("url").asText(null)),
                nonBlank(media.path("filename").asText(null)),
                caption,
                null);
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
                .detail("latitude", finite(number(location.get("latitude"))))
                .detail("longitude", finite(number(location.get("longitude"))))
                .detail("name", nonBlank(location.path("name").asText(null)))
                .detail("address", nonBlank(location.path("address").asText(null)))
                .detail("url", nonBlank(location.path("url").asText(null)));
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
        String title = nonBlank(reply.path("title").asText(null));
        entry.kind(EntryKind.INTERACTIVE_REPLY)
                .text(title)
                .detail("type", subtype)
                .detail("id", nonBlank(reply.path("id").asText(null)))
                .detail("title", title)
                .detail("description", nonBlank(reply.path("description").asText(null)));
    }

    /** A quick-reply button of a template message. https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/button/ */
    private static void button(ConversationEntry.Builder entry, JsonNode message) {
        JsonNode button = message.get("button");
        if (button == null || !button.isObject()) {
            unsupported(entry, message, "button");
            return;
        }
        String text = nonBlank(button.path("text").asText(null));
        entry.kind(EntryKind.INTERACTIVE_REPLY)
                .text(text)
                .detail("type", "button")
                .detail("payload", nonBlank(button.path("payload").asText(null)))
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
        String emoji = nonBlank(reaction.path("emoji").asText(null));
        entry.kind(EntryKind.REACTION)
                .replyTo(nonBlank(reaction.path("message_id").asText(null)))
                .text(emoji)
                .detail("emoji", emoji);
        if (emoji == null) {
            entry.detail("removed", true);
        }
    }

    /**
     * System messages report identity changes; they carry no contacts array.
     * {@code user_changed_number}: {@code from} is the old number, {@code system.wa_id} the new one, and since
     * the BSUID rollout {@code system.user_id} is the new business-scoped user id. Webhooks before v12.0 named
     * the new number {@code system.new_wa_id}; that older field is read as a fallback (known from client
     * libraries' type definitions, no longer in Meta's current reference). {@code user_changed_user_id} (changelog Aug 11, 2026) reports a new BSUID
     * with {@code system.previous_user_id} when no phone number can be shared.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system
     */
    private static void system(ConversationEntry.Builder entry, JsonNode message, Sender sender, String source,
                               Instant at, List<Interaction> links, String where) {
        JsonNode system = message.path("system");
        String systemType = nonBlank(system.path("type").asText(null));
        entry.kind(EntryKind.SYSTEM)
                .text(nonBlank(system.path("body").asText(null)))
                .detail("systemType", systemType);
        if ("user_changed_number".equals(systemType) || "user_changed_user_id".equals(systemType)) {
            String phoneField = "wa_id";
            String newPhone = nonBlank(system.path(phoneField).asText(null));
            if (newPhone == null) {
                phoneField = "new_wa_id";
                newPhone = nonBlank(system.path(phoneField).asText(null));
            }
            if (newPhone != null) {
                addLink(links, sender.customer, phone(newPhone, where + ".system." + phoneField), source, at);
            }
            String newUserId = nonBlank(system.path("user_id").asText(null));
            if (newUserId != null) {
                addLink(links, sender.customer, user(newUserId, where + ".system.user_id"), source, at);
            }
        } else {
            // A system message kind we do not act on: stored as a system entry, with everything it said.
            entry.detail("raw", Json.write(message));
        }
    }

    private static void addLink(List<Interaction> links, Identity customer, Identity added, String source,
                                Instant at) {
        if (!customer.equals(added)) {
            links.add(new Interaction.LinkIdentity(customer, added, source, at));
        }
    }

    private static void unsupported(ConversationEntry.Builder entry, JsonNode message, String type) {
        entry.kind(EntryKind.UNSUPPORTED)
                .detail("type", type)
                .detail("raw", Json.write(message));
    }

    /**
     * {@code context} marks a reply ({@code id} = the message replied to), a forward, or a product enquiry.
     * A reaction names its target in {@code reaction.message_id} instead.
     */
    private static void replyContext(ConversationEntry.Builder entry, JsonNode message, boolean isReaction) {
        JsonNode context = message.get("context");
        if (context == null || !context.isObject()) {
            return;
        }
        if (!isReaction) {
            entry.replyTo(nonBlank(context.path("id").asText(null)));
        }
        entry.detail("contextFrom", nonBlank(context.path("from").asText(null)))
                .detail("forwarded", bool(context.get("forwarded")))
                .detail("frequentlyForwarded", bool(context.get("frequently_forwarded")))
                .detail("referredProduct", plain(context.get("referred_product")));
    }

    // ---------------------------------------------------------------- statuses

    /**
     * Statuses of messages the business sent.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
     */
    private void parseStatus(JsonNode status, String where, Change change, Batch batch) {
        if (!status.isObject()) {
            throw WebhookException.badRequest(where + " is not an object");
        }
        String wamid = requiredText(status, "id", where + ".id");
        String reported = requiredText(status, "status", where + ".status");
        Instant at = epochSeconds(status, where);
        DeliveryStatus delivery = STATUSES.get(reported);
        if (delivery == null) {
            return; // see STATUSES: not a delivery step we track
        }
        if ("group".equals(status.path("recipient_type").asText(null))) {
            // A message the business sent to a group: recipient_id is the group, not a customer. Not confirmed
            // in Meta's docs for Cloud API groups; kept minimal until Switchboard models groups.
            return;
        }
        String recipientPhone = nonBlank(status.path("recipient_id").asText(null));
        String recipientUserId = nonBlank(status.path("recipient_user_id").asText(null));
        Contact contact = change.contacts.find(recipientPhone, recipientUserId);
        if (recipientUserId == null && contact != null) {
            recipientUserId = contact.userId;
        }
        Identity phone = recipientPhone == null ? null : phone(recipientPhone, where + ".recipient_id");
        Identity user = recipientUserId == null ? null : user(recipientUserId, where);
        if (phone == null && user == null) {
            throw WebhookException.badRequest(where + " has no recipient_id or recipient_user_id");
        }
        Map<String, Object> error = delivery == DeliveryStatus.FAILED ? firstError(status) : Map.of();
        Identity customer = phone != null ? phone : user;
        batch.out.add(new Interaction.UpdateStatus(customer,
                new StatusChange(Channel.WHATSAPP, change.source, wamid, delivery, at, error)));
        if (phone != null && user != null) {
            batch.link(phone, user, change.source, at);
        }
    }

    private static Map<String, Object> firstError(JsonNode status) {
        JsonNode errors = status.get("errors");
        if (errors == null || !errors.isArray() || errors.isEmpty() || !errors.get(0).isObject()) {
            return Map.of();
        }
        JsonNode first = errors.get(0);
        Map<String, Object> error = new LinkedHashMap<>();
        JsonNode code = first.get("code");
        if (code != null && code.isIntegralNumber()) {
            error.put("code", code.longValue());
        } else if (code != null && code.isTextual()) {
            error.put("code", code.asText());
        }
        putText(error, "title", first.get("title"));
        putText(error, "message", first.get("message"));
        putText(error, "details", first.path("error_data").get("details"));
        return error;
    }

    // ---------------------------------------------------------------- identities

    /**
     * The customer who sent a message. {@code from} is the phone number without '+'. Since the BSUID rollout a
     * message also carries {@code from_user_id} (contacts[] carries {@code user_id}), and {@code from} /
     * {@code wa_id} may be empty or omitted for users who adopted a username.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
     */
    private static Sender sender(JsonNode message, boolean isSystem, Contacts contacts, String where) {
        String from = nonBlank(message.path("from").asText(null));
        String userId = nonBlank(message.path("from_user_id").asText(null));
        if (isSystem && from == null) {
            // user_changed_user_id without a phone: the previous BSUID is the identity we already know.
            String previous = nonBlank(message.path("system").path("previous_user_id").asText(null));
            if (previous != null) {
                userId = previous;
            }
        }
        Contact contact = contacts.find(from, userId);
        if (userId == null && contact != null) {
            userId = contact.userId;
        }
        Identity phone = from == null ? null : phone(from, where + ".from");
        Identity user = userId == null ? null : user(userId, where);
        if (phone == null && user == null) {
            throw WebhookException.badRequest(where + " has no from or from_user_id");
        }
        return new Sender(phone != null ? phone : user, phone, user, contact == null ? null : contact.name);
    }

    private static Identity phone(String digits, String where) {
        try {
            return Identity.phone(digits);
        } catch (InvalidIdentityException notAPhone) {
            throw WebhookException.badRequest(where + " is not a phone number");
        }
    }

    /** A business-scoped user id as an identity; one the store could never key (too long, say) is a 400. */
    private static Identity user(String userId, String where) {
        try {
            return Identity.whatsappUser(userId);
        } catch (InvalidIdentityException notAUserId) {
            throw WebhookException.badRequest(where + ": " + notAUserId.getMessage());
        }
    }

    // ---------------------------------------------------------------- JSON helpers

    /** NaN and infinities ("NaN", 1e400) are no coordinate: left out rather than stored as text. */
    private static Double finite(Double number) {
        return number != null && Double.isFinite(number) ? number : null;
    }

    /** Meta sends epoch seconds as a string ("1749416383"); a JSON number is accepted too. */
    private static Instant epochSeconds(JsonNode node, String where) {
        JsonNode value = node.get("timestamp");
        if (value == null || value.isNull()) {
            throw WebhookException.badRequest(where + ".timestamp is missing");
        }
        String text = value.asText("").trim();
        if (!(value.isTextual() || value.isIntegralNumber()) || !text.matches("\\d{1,12}")) {
            throw WebhookException.badRequest(where + ".timestamp is not epoch seconds");
        }
        return Instant.ofEpochSecond(Long.parseLong(text));
    }

    private static JsonNode optionalArray(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Json.MAPPER.createArrayNode();
        }
        if (!value.isArray()) {
            throw WebhookException.badRequest(where + "." + field + " is not an array");
        }
        return value;
    }




    private static void putText(Map<String, Object> map, String key, JsonNode node) {
        if (node != null && !node.isNull() && node.isValueNode()) {
            String text = nonBlank(node.asText());
            if (text != null) {
                map.put(key, text);
            }
        }
    }


    // ---------------------------------------------------------------- small types

    /** Interactions gathered so far; identity links are emitted once per pair per body. */
    private static final class Batch {
        final List<Interaction> out = new ArrayList<>();
        final Set<String> linked = new HashSet<>();

        void link(Identity customer, Identity added, String source, Instant at) {
            add(new Interaction.LinkIdentity(customer, added, source, at));
        }

        void add(Interaction interaction) {
            if (interaction instanceof Interaction.LinkIdentity link
                    && !linked.add(link.customer().key() + "\n" + link.added().key())) {
                return;
            }
            out.add(interaction);
        }
    }

    private record Change(String source, Contacts contacts) {
    }

    /**
     * @param customer    the identity the interaction is filed under: the phone when there is one
     * @param phone       may be null (username users)
     * @param userId      business-scoped user id, may be null (older payloads)
     * @param profileName contacts[].profile.name of the sender, may be null
     */
    private record Sender(Identity customer, Identity phone, Identity userId, String profileName) {
    }

    private record Contact(String waId, String userId, String name) {
    }

    /** contacts[] of one change: profile names (and BSUIDs) of the users its messages and statuses name. */
    private record Contacts(List<Contact> all) {

        static Contacts of(JsonNode contacts) {
            List<Contact> all = new ArrayList<>();
            if (contacts != null && contacts.isArray()) {
                for (JsonNode contact : contacts) {
                    if (!contact.isObject()) {
                        continue; // a profile name is a nicety; a malformed card must not cost the batch
                    }
                    JsonNode profile = contact.path("profile");
                    String name = nonBlank(profile.path("name").asText(null));
                    if (name == null) {
                        name = nonBlank(profile.path("username").asText(null));
                    }
                    all.add(new Contact(nonBlank(contact.path("wa_id").asText(null)),
                            nonBlank(contact.path("user_id").asText(null)), name));
                }
            }
            return new Contacts(all);
        }

        /** The card for this phone (wa_id), else for this business-scoped user id; null when none matches. */
        Contact find(String waId, String userId) {
            if (waId != null) {
                for (Contact contact : all) {
                    if (waId.equals(contact.waId)) {
                        return contact;
                    }
                }
            }
            if (userId != null) {
                for (Contact contact : all) {
                    if (userId.equals(contact.userId)) {
                        return contact;
                    }
                }
            }
            return null;
        }
    }
}
