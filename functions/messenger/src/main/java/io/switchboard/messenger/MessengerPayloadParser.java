package io.switchboard.messenger;

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
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import io.switchboard.core.model.StatusChange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Messenger Platform webhook body (Facebook Pages, {@code object: page}; Instagram professional
 * accounts, {@code object: instagram}) into canonical interactions. Pure: no AWS, no clock, no state; the same
 * bytes always give the same list.
 *
 * <p>The whole body is read before anything is returned, and a shape error that leaves an event impossible to
 * key (no entry id, a message without {@code mid}, no time) throws, so a bad body yields no interactions at all.
 * Content is read leniently: an event or attachment we do not understand is kept ({@link EntryKind#UNSUPPORTED}
 * with its raw JSON, or an attachment of its own type), never dropped, because a 4xx would lose the whole batch.
 *
 * <p>Every {@code entry[]} is one Page / IG account ({@code entry.id}); each carries {@code messaging[]} events
 * (this app owns the thread) or {@code standby[]} events (another app of a handover flow owns it). Both are
 * logged; standby ones are marked {@code details.standby = true}.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
 * https://developers.facebook.com/documentation/business-messaging/instagram-messaging/webhooks
 *
 * <p>Entry ids: the provider message id is Meta's {@code mid} wherever the event has one. Postbacks without a
 * {@code mid} (before v11.0), reactions, referrals, opt-ins and unsupported events have none; their id is
 * derived as {@code <kind>:<accountId>:<userId>:<epochMillis>[:<discriminator>]} (a reaction's discriminator
 * is its action and target mid). Every part comes from the payload, so a retried delivery gets the same id.
 */
public final class MessengerPayloadParser {

    private static final Logger LOG = LoggerFactory.getLogger(MessengerPayloadParser.class);

    /** Trailing bytes after the JSON document mean the body is not what Meta signed as one document. */
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Fields every messaging event has besides the one that says what it is. */
    private static final Set<String> ENVELOPE = Set.of("sender", "recipient", "timestamp");

    /** Attachment types whose payload is just a URL (plus a sticker id, say) we keep as an Attachment. */
    private static final Set<String> MEDIA = Set.of("image", "video", "audio", "file");

    /** Epoch values below this are seconds: Meta sends milliseconds, but some documented examples show seconds. */
    private static final long SECONDS_LIMIT = 100_000_000_000L;

    /**
     * @param platform which product's route received the body; its {@code object} must match
     * @param body     the raw request body, already authenticated
     * @return every interaction the body carries, in payload order
     * @throws WebhookException 400 when the body is not JSON or not a webhook of this platform
     */
    public List<Interaction> parse(Platform platform, byte[] body) {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            throw WebhookException.badRequest("payload is not a JSON object");
        }
        String object = root.path("object").asText(null);
        if (!platform.object().equals(object)) {
            // A page payload on the Instagram route (or the reverse) was signed for another subscription.
            throw WebhookException.badRequest("object is not " + platform.object());
        }
        JsonNode entries = root.get("entry");
        if (entries == null || !entries.isArray()) {
            throw WebhookException.badRequest("entry is missing or not an array");
        }
        List<Interaction> out = new ArrayList<>();
        for (int e = 0; e < entries.size(); e++) {
            JsonNode entry = entries.get(e);
            String where = "entry[" + e + "]";
            if (!entry.isObject()) {
                throw WebhookException.badRequest(where + " is not an object");
            }
            String accountId = requiredText(entry, "id", where + ".id");
            Account account = new Account(platform, accountId, platform.source(accountId),
                    optionalTime(entry.get("time"), where + ".time"));
            parseEvents(entry, "messaging", where, account, false, out);
            parseEvents(entry, "standby", where, account, true, out);
            // entry.changes[] carries other subscription fields (Page feed, Instagram comments and mentions):
            // not a conversation with a customer, and not an error.
        }
        return List.copyOf(out);
    }

    private void parseEvents(JsonNode entry, String field, String where, Account account, boolean standby,
                             List<Interaction> out) {
        JsonNode events = entry.get(field);
        if (events == null || events.isNull()) {
            return;
        }
        if (!events.isArray()) {
            throw WebhookException.badRequest(where + "." + field + " is not an array");
        }
        for (int i = 0; i < events.size(); i++) {
            parseEvent(events.get(i), where + "." + field + "[" + i + "]", account, standby, out);
        }
    }

    // ---------------------------------------------------------------- one messaging event

    private void parseEvent(JsonNode event, String where, Account account, boolean standby, List<Interaction> out) {
        if (!event.isObject()) {
            throw WebhookException.badRequest(where + " is not an object");
        }
        JsonNode message = object(event.get("message"));
        boolean echo = message != null && message.path("is_echo").asBoolean(false);
        Party party = party(event, account, echo, where);
        if (party == null) {
            // Page-level notices (policy enforcement, app roles) name no customer: nothing for a timeline.
            LOG.info("skipped a {} event of a {} account that names no customer", kindOf(event), account.platform.channel().wireName());
            return;
        }
        Event context = new Event(account, party, standby, eventTime(event, account, where), where);

        if (message != null) {
            message(message, echo, context, out);
        } else if (object(event.get("message_edit")) != null) {
            edit(event.get("message_edit"), context, out);
        } else if (object(event.get("postback")) != null) {
            postback(event.get("postback"), context, out);
        } else if (object(event.get("reaction")) != null) {
            reaction(event.get("reaction"), context, out);
        } else if (object(event.get("delivery")) != null) {
            delivery(event.get("delivery"), context, out);
        } else if (object(event.get("read")) != null) {
            read(event.get("read"), context, out);
        } else if (object(event.get("referral")) != null) {
            referral(event.get("referral"), context, out);
        } else if (object(event.get("optin")) != null) {
            optin(event.get("optin"), context, out);
        } else {
            unsupported(event, context, out);
        }
    }

    /**
     * Messages, attachments, quick replies, replies, story replies and mentions, echoes and deletions.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messages
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes
     * https://developers.facebook.com/docs/messenger-platform/instagram/features/story-mention
     */
    private void message(JsonNode message, boolean echo, Event context, List<Interaction> out) {
        String mid = requiredText(message, "mid", context.where + ".message.mid");
        Instant at = context.requireTime();
        Direction direction = echo ? Direction.OUTBOUND : context.party.direction;

        if (message.path("is_deleted").asBoolean(false)) {
            // The customer unsent the message (Instagram). Its content is removed, as Meta's platform terms
            // expect of unsent messages; the entry keeps its place in the timeline, marked deleted. If we never
            // saw it, a marker entry takes its place.
            Map<String, Object> deleted = Map.of("deleted", true, "deletedAt", at.toString());
            ConversationEntry marker = context.entry(mid, at).direction(direction).kind(EntryKind.MESSAGE)
                    .text("").detail("deleted", true).detail("deletedAt", at.toString()).build();
            out.add(new Interaction.AmendEntry(context.party.customer, context.account.platform.channel(), mid, "",
                    deleted, at, marker));
            return;
        }

        ConversationEntry.Builder entry = context.entry(mid, at).direction(direction);
        String text = nonBlank(message.path("text").asText(null));
        entry.text(text);
        if (echo) {
            // app_id tells a page's own replies (Page inbox, no app id or Meta's) from this or another app's.
            entry.detail("echo", true)
                    .detail("appId", nonBlank(message.path("app_id").asText(null)))
                    .detail("metadata", nonBlank(message.path("metadata").asText(null)));
        }
        JsonNode quickReply = object(message.get("quick_reply"));
        if (quickReply != null) {
            entry.detail("quickReplyPayload", nonBlank(quickReply.path("payload").asText(null)));
        }
        JsonNode replyTo = object(message.get("reply_to"));
        if (replyTo != null) {
            entry.replyTo(nonBlank(replyTo.path("mid").asText(null)));
            entry.detail("selfReply", bool(replyTo.get("is_self_reply")));
            JsonNode story = object(replyTo.get("story"));
            if (story != null) {
                // Instagram: a reply to the account's story; the story is no message of ours, so no replyTo.
                entry.detail("storyReply", true)
                        .detail("storyId", nonBlank(story.path("id").asText(null)))
                        .detail("storyUrl", nonBlank(story.path("url").asText(null)));
            }
        }
        entry.detail("referral", plain(message.get("referral")));   // a message that came from an ad or a shop

        List<Attachment> attachments = new ArrayList<>();
        boolean onlyLocations = attachments(message.get("attachments"), entry, attachments);
        entry.attachments(attachments);

        if (text == null && attachments.isEmpty() || message.path("is_unsupported").asBoolean(false)) {
            // Instagram sends is_unsupported for content the API cannot show; other empty messages likewise.
            entry.kind(EntryKind.UNSUPPORTED).detail("type", "message").detail("raw", Json.write(message));
        } else if (text == null && onlyLocations) {
            entry.kind(EntryKind.LOCATION);
        } else {
            entry.kind(EntryKind.MESSAGE);
        }
        out.add(new Interaction.LogEntry(context.party.customer, null, entry.build()));
    }

    /**
     * @return true when every attachment is a location
     */
    private static boolean attachments(JsonNode list, ConversationEntry.Builder entry, List<Attachment> attachments) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            return false;
        }
        boolean onlyLocations = true;
        List<Object> templates = new ArrayList<>();
        List<Object> others = new ArrayList<>();
        for (JsonNode attachment : list) {
            if (!attachment.isObject()) {
                continue;
            }
            String type = nonBlank(attachment.path("type").asText(null));
            JsonNode payload = attachment.path("payload");
            String title = nonBlank(attachment.path("title").asText(null));
            String url = nonBlank(payload.path("url").asText(null));
            if (url == null) {
                url = nonBlank(attachment.path("url").asText(null));   // fallback and template carry it outside
            }
            onlyLocations &= "location".equals(type);
            if (type == null) {
                others.add(plain(attachment));
                continue;
            }
            attachments.add(new Attachment(type, null, null, url, null, title, null));
            switch (type) {
                case "location" -> {
                    // Location shared from the composer (older Messenger clients): payload.coordinates.lat/long.
                    // Not in Meta's current messages reference; kept for the clients that still send it.
                    JsonNode coordinates = payload.path("coordinates");
                    entry.detail("latitude", finite(number(coordinates.get("lat"))))
                            .detail("longitude", finite(number(coordinates.get("long"))))
                            .detail("locationTitle", title);
                }
                case "template" -> templates.add(plain(payload));
                case "story_mention" -> entry.detail("storyMention", true);
                case "fallback" -> entry.detail("fallbackTitle", title);
                default -> {
                    if (!MEDIA.contains(type)) {
                        // reel, ig_reel, share, ig_post, sticker, product...: the URL is the attachment, the rest
                        // (media id, caption, sticker id) is kept as Meta sent it.
                        others.add(plain(attachment));
                    }
                }
            }
        }
        if (!templates.isEmpty()) {
            entry.detail("templates", templates);
        }
        if (!others.isEmpty()) {
            entry.detail("attachmentPayloads", others);
        }
        return onlyLocations;
    }

    /**
     * A customer edited a message: the new text replaces the old.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-edits
     */
    private void edit(JsonNode edit, Event context, List<Interaction> out) {
        String mid = requiredText(edit, "mid", context.where + ".message_edit.mid");
        Instant at = context.requireTime();
        String text = edit.path("text").asText(null);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("edited", true);
        details.put("editedAt", at.toString());
        Long count = integer(edit.get("num_edit"));
        if (count != null) {
            details.put("editCount", count);
        }
        ConversationEntry.Builder ifMissing = context.entry(mid, at).kind(EntryKind.MESSAGE)
                .direction(context.party.direction).text(text);
        details.forEach(ifMissing::detail);
        out.add(new Interaction.AmendEntry(context.party.customer, context.account.platform.channel(), mid, text,
                details, at, ifMissing.build()));
    }

    /**
     * A postback button, Get Started, persistent menu item or Instagram ice breaker. {@code mid} since v11.0.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_postbacks
     */
    private void postback(JsonNode postback, Event context, List<Interaction> out) {
        Instant at = context.requireTime();
        String mid = nonBlank(postback.path("mid").asText(null));
        String id = mid != null ? mid : context.derivedId("postback", at, null);
        String title = nonBlank(postback.path("title").asText(null));
        ConversationEntry entry = context.entry(id, at).kind(EntryKind.POSTBACK).direction(context.party.direction)
                .text(title)
                .detail("title", title)
                .detail("payload", nonBlank(postback.path("payload").asText(null)))
                .detail("referral", plain(postback.get("referral")))
                .build();
        out.add(new Interaction.LogEntry(context.party.customer, null, entry));
    }

    /**
     * A reaction to a message, or its removal ({@code action: unreact}); attached to the message by replyTo.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reactions
     */
    private void reaction(JsonNode reaction, Event context, List<Interaction> out) {
        Instant at = context.requireTime();
        String target = nonBlank(reaction.path("mid").asText(null));
        String action = nonBlank(reaction.path("action").asText(null));
        String emoji = nonBlank(reaction.path("emoji").asText(null));
        boolean removed = "unreact".equals(action);
        ConversationEntry entry = context.entry(context.derivedId("reaction", at, action + ":" + target), at)
                .kind(EntryKind.REACTION)
                .direction(context.party.direction)
                .replyTo(target)
                .text(removed ? null : emoji)
                .detail("emoji", emoji)
                .detail("reaction", nonBlank(reaction.path("reaction").asText(null)))
                .detail("action", action)
                .detail("removed", removed ? Boolean.TRUE : null)
                .build();
        out.add(new Interaction.LogEntry(context.party.customer, null, entry));
    }

    /**
     * Delivery receipt: everything sent before {@code watermark} (always present) was delivered; {@code mids},
     * when present, name messages one by one. The documented example has no timestamp: the watermark is the time.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-deliveries
     */
    private void delivery(JsonNode delivery, Event context, List<Interaction> out) {
        Instant watermark = optionalTime(delivery.get("watermark"), context.where + ".delivery.watermark");
        Instant at = watermark != null ? watermark : context.requireTime();
        receipt(DeliveryStatus.DELIVERED, watermark, at, delivery.get("mids"), context, out);
    }

    /**
     * Read receipt. Messenger: {@code read.watermark}, everything sent up to it was read.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reads
     * Instagram ({@code messaging_seen}) names the message seen in {@code read.mid} instead; the webhooks page lists
     * the field but its example is not in the reference we could read, so both shapes are accepted.
     * https://developers.facebook.com/documentation/business-messaging/instagram-messaging/webhooks
     */
    private void read(JsonNode read, Event context, List<Interaction> out) {
        Instant watermark = optionalTime(read.get("watermark"), context.where + ".read.watermark");
        Instant at = context.time != null ? context.time : watermark;
        if (at == null) {
            throw WebhookException.badRequest(context.where + " has no timestamp");
        }
        String mid = nonBlank(read.path("mid").asText(null));
        receipt(DeliveryStatus.READ, watermark, at, mid == null ? null : Json.MAPPER.createArrayNode().add(mid),
                context, out);
    }

    private static void receipt(DeliveryStatus status, Instant watermark, Instant at, JsonNode mids, Event context,
                                List<Interaction> out) {
        var platform = context.account.platform;
        if (watermark != null) {
            out.add(new Interaction.Watermark(context.party.customer, platform.channel(), context.account.source,
                    status, watermark));
        }
        if (mids != null && mids.isArray()) {
            for (JsonNode mid : mids) {
                String id = nonBlank(mid.asText(null));
                if (id != null) {
                    out.add(new Interaction.UpdateStatus(context.party.customer,
                            new StatusChange(platform.channel(), context.account.source, id, status, at, Map.of())));
                }
            }
        }
        if (watermark == null && (mids == null || mids.isEmpty())) {
            throw WebhookException.badRequest(context.where + " receipt has neither watermark nor mids");
        }
    }

    /**
     * The customer came back through an m.me / ig.me link, an ad or a QR code into an existing thread.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_referrals
     */
    private void referral(JsonNode referral, Event context, List<Interaction> out) {
        Instant at = context.requireTime();
        ConversationEntry entry = context.entry(context.derivedId("referral", at, null), at)
                .kind(EntryKind.REFERRAL)
                .direction(context.party.direction)
                .detail("ref", nonBlank(referral.path("ref").asText(null)))
                .detail("source", nonBlank(referral.path("source").asText(null)))
                .detail("type", nonBlank(referral.path("type").asText(null)))
                .detail("adId", nonBlank(referral.path("ad_id").asText(null)))
                .detail("referral", plain(referral))
                .build();
        out.add(new Interaction.LogEntry(context.party.customer, null, entry));
    }

    /**
     * An opt-in (marketing messages, Send to Messenger plugin): what and how often is kept whole.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_optins
     */
    private void optin(JsonNode optin, Event context, List<Interaction> out) {
        Instant at = context.requireTime();
        ConversationEntry entry = context.entry(context.derivedId("optin", at, null), at)
                .kind(EntryKind.OPTIN)
                .direction(context.party.direction)
                .text(nonBlank(optin.path("title").asText(null)))
                .detail("type", nonBlank(optin.path("type").asText(null)))
                .detail("ref", nonBlank(optin.path("ref").asText(null)))
                .detail("payload", nonBlank(optin.path("payload").asText(null)))
                .detail("status", nonBlank(optin.path("notification_messages_status").asText(null)))
                .detail("optin", withoutToken(optin))
                .build();
        out.add(new Interaction.LogEntry(context.party.customer, null, entry));
    }

    /** Handover protocol, account linking, game plays, anything new: kept whole. */
    private void unsupported(JsonNode event, Event context, List<Interaction> out) {
        Instant at = context.requireTime();
        String type = kindOf(event);
        ConversationEntry entry = context.entry(context.derivedId("unsupported", at, type), at)
                .kind(EntryKind.UNSUPPORTED)
                .direction(context.party.direction)
                .detail("type", type)
                .detail("raw", Json.write(event))
                .build();
        out.add(new Interaction.LogEntry(context.party.customer, null, entry));
    }

    // ---------------------------------------------------------------- who and when

    /**
     * The customer of an event. The user is the sender, except in an echo where the page (or IG account) is the
     * sender and the user the recipient; the account itself is never taken as a customer. A sender known only by
     * {@code user_ref} (checkbox plugin, before the user has written) has no page-scoped id yet: it is keyed as
     * {@code messenger-user-ref:<pageId>:<ref>}.
     */
    private static Party party(JsonNode event, Account account, boolean echo, String where) {
        String sender = nonBlank(event.path("sender").path("id").asText(null));
        String recipient = nonBlank(event.path("recipient").path("id").asText(null));
        String user = echo ? recipient : sender;
        Direction direction = echo ? Direction.OUTBOUND : Direction.INBOUND;
        if (user == null || user.equals(account.id)) {
            String other = echo ? sender : recipient;
            user = other == null || other.equals(account.id) ? null : other;
            direction = echo ? Direction.INBOUND : Direction.OUTBOUND;
        }
        try {
            if (user != null) {
                return new Party(account.platform.identity(account.id, user), user, direction);
            }
            String userRef = nonBlank(event.path("sender").path("user_ref").asText(null));
            if (userRef != null) {
                return new Party(new Identity(account.platform.channel().wireName() + "-user-ref:" + account.id + ":"
                        + userRef), "user_ref." + userRef, Direction.INBOUND);
            }
            return null;
        } catch (InvalidIdentityException bad) {
            throw WebhookException.badRequest(where + ": " + bad.getMessage());
        }
    }

    private static Instant eventTime(JsonNode event, Account account, String where) {
        Instant at = optionalTime(event.get("timestamp"), where + ".timestamp");
        return at != null ? at : account.time;
    }

    /** The field that says what an event is: the first one besides sender, recipient and timestamp. */
    private static String kindOf(JsonNode event) {
        Iterator<String> names = event.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!ENVELOPE.contains(name)) {
                return name;
            }
        }
        return "empty";
    }

    // ---------------------------------------------------------------- JSON helpers

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

    /** NaN and infinities ("NaN", 1e400) are no coordinate: left out rather than stored as text. */
    private static Double finite(Double number) {
        return number != null && Double.isFinite(number) ? number : null;
    }

    private static JsonNode object(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    /**
     * Meta's times are epoch milliseconds as JSON numbers ({@code "timestamp": 1458692752478}); a few documented
     * examples show epoch seconds as strings ({@code "timestamp": "1527459824"}), so both are read.
     */
    private static Instant optionalTime(JsonNode value, String where) {
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.asText("").trim();
        if (!(value.isTextual() || value.isIntegralNumber()) || !text.matches("\\d{1,15}")) {
            throw WebhookException.badRequest(where + " is not an epoch time");
        }
        long epoch = Long.parseLong(text);
        return epoch < SECONDS_LIMIT ? Instant.ofEpochSecond(epoch) : Instant.ofEpochMilli(epoch);
    }

    /** A JSON value as plain Java maps, lists, strings, numbers and booleans (what the log can store). */
    /**
     * The opt-in as Meta sent it, less the token that lets the page send marketing messages: a credential,
     * not something to hand every helpdesk in an event.
     */
    private static Object withoutToken(JsonNode optin) {
        if (optin == null || !optin.isObject()) {
            return plain(optin);
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = optin.deepCopy();
        copy.remove("notification_messages_token");
        return plain(copy);
    }




    private static Long integer(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isTextual() && node.asText().trim().matches("\\d{1,9}")) {
            return Long.valueOf(node.asText().trim());
        }
        return null;
    }


    // ---------------------------------------------------------------- small types

    /** One entry[]: the Page or IG professional account, and the time Meta sent the notification. */
    private record Account(Platform platform, String id, String source, Instant time) {
    }

    /**
     * @param customer  the identity the event is filed under
     * @param userId    the user's page- or Instagram-scoped id, as used in derived ids
     * @param direction inbound when the user acted, outbound when the account did
     */
    private record Party(Identity customer, String userId, Direction direction) {
    }

    private record Event(Account account, Party party, boolean standby, Instant time, String where) {

        Instant requireTime() {
            if (time == null) {
                throw WebhookException.badRequest(where + " has no timestamp");
            }
            return time;
        }

        ConversationEntry.Builder entry(String providerMessageId, Instant at) {
            return ConversationEntry.builder(account.platform.channel(), providerMessageId)
                    .source(account.source)
                    .occurredAt(at)
                    .detail("standby", standby ? Boolean.TRUE : null);
        }

        String derivedId(String kind, Instant at, String discriminator) {
            return kind + ":" + account.id + ":" + party.userId + ":" + at.toEpochMilli()
                    + (discriminator == null ? "" : ":" + discriminator);
        }
    }
}
