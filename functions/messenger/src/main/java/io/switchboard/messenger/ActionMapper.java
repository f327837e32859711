package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.json.Json;
import static io.switchboard.core.json.JsonValues.plain;
import static io.switchboard.core.json.JsonValues.requiredText;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.EntryKind;
import static io.switchboard.meta.MetaPayload.text;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events other than messages and receipts: edits, postbacks, reactions, referrals, opt-ins, and anything else
 * (kept whole as unsupported). Those without a {@code mid} get an id derived from the payload
 * ({@link Event#derivedId}).
 */
final class ActionMapper {

    private ActionMapper() {
    }

    /**
     * A customer edited a message: the new text replaces the old.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-edits
     */
    static void edit(JsonNode edit, Event event, List<Interaction> out) {
        String mid = requiredText(edit, "mid", event.where() + ".message_edit.mid");
        Instant at = event.requireTime();
        String text = edit.path("text").asText(null);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("edited", true);
        details.put("editedAt", at.toString());
        Long count = integer(edit.get("num_edit"));
        if (count != null) {
            details.put("editCount", count);
        }
        ConversationEntry.Builder ifMissing = event.entry(mid, at).kind(EntryKind.MESSAGE)
                .direction(event.party().direction()).text(text);
        details.forEach(ifMissing::detail);
        out.add(new Interaction.AmendEntry(event.party().customer(), event.account().platform().channel(), mid, text,
                details, at, ifMissing.build()));
    }

    /**
     * A postback button, Get Started, persistent menu item or Instagram ice breaker. {@code mid} since v11.0.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_postbacks
     */
    static void postback(JsonNode postback, Event event, List<Interaction> out) {
        Instant at = event.requireTime();
        String mid = text(postback, "mid");
        String title = text(postback, "title");
        logged(event, event.entry(mid != null ? mid : event.derivedId("postback", at, null), at)
                .kind(EntryKind.POSTBACK)
                .text(title)
                .detail("title", title)
                .detail("payload", text(postback, "payload"))
                .detail("referral", plain(postback.get("referral"))), out);
    }

    /**
     * A reaction to a message, or its removal ({@code action: unreact}); attached to the message by replyTo.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reactions
     */
    static void reaction(JsonNode reaction, Event event, List<Interaction> out) {
        Instant at = event.requireTime();
        String target = text(reaction, "mid");
        String action = text(reaction, "action");
        String emoji = text(reaction, "emoji");
        boolean removed = "unreact".equals(action);
        logged(event, event.entry(event.derivedId("reaction", at, action + ":" + target), at)
                .kind(EntryKind.REACTION)
                .replyTo(target)
                .text(removed ? null : emoji)
                .detail("emoji", emoji)
                .detail("reaction", text(reaction, "reaction"))
                .detail("action", action)
                .detail("removed", removed ? Boolean.TRUE : null), out);
    }

    /**
     * The customer came back through an m.me / ig.me link, an ad or a QR code into an existing thread.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_referrals
     */
    static void referral(JsonNode referral, Event event, List<Interaction> out) {
        Instant at = event.requireTime();
        logged(event, event.entry(event.derivedId("referral", at, null), at)
                .kind(EntryKind.REFERRAL)
                .detail("ref", text(referral, "ref"))
                .detail("source", text(referral, "source"))
                .detail("type", text(referral, "type"))
                .detail("adId", text(referral, "ad_id"))
                .detail("referral", plain(referral)), out);
    }

    /**
     * An opt-in (marketing messages, Send to Messenger plugin): what and how often is kept whole.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_optins
     */
    static void optin(JsonNode optin, Event event, List<Interaction> out) {
        Instant at = event.requireTime();
        logged(event, event.entry(event.derivedId("optin", at, null), at)
                .kind(EntryKind.OPTIN)
                .text(text(optin, "title"))
                .detail("type", text(optin, "type"))
                .detail("ref", text(optin, "ref"))
                .detail("payload", text(optin, "payload"))
                .detail("status", text(optin, "notification_messages_status"))
                .detail("optin", withoutToken(optin)), out);
    }

    /** Handover protocol, account linking, game plays, anything new: kept whole. */
    static void unsupported(JsonNode wholeEvent, Event event, List<Interaction> out) {
        Instant at = event.requireTime();
        String type = EventDispatcher.kindOf(wholeEvent);
        logged(event, event.entry(event.derivedId("unsupported", at, type), at)
                .kind(EntryKind.UNSUPPORTED)
                .detail("type", type)
                .detail("raw", Json.write(wholeEvent)), out);
    }

    /** The entry, in the direction of the event's party, filed under its customer. */
    private static void logged(Event event, ConversationEntry.Builder entry, List<Interaction> out) {
        out.add(new Interaction.LogEntry(event.party().customer(), null,
                entry.direction(event.party().direction()).build()));
    }

    /**
     * The opt-in as Meta sent it, less the token that lets the page send marketing messages: a credential,
     * not something to hand every helpdesk in an event.
     */
    private static Object withoutToken(JsonNode optin) {
        ObjectNode copy = optin.deepCopy();
        copy.remove("notification_messages_token");
        return plain(copy);
    }

    /** A count sent as a JSON integer or as digits in a string; anything else is left out. */
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
}
