package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ingest.Interaction;
import static io.switchboard.core.json.JsonValues.bool;
import static io.switchboard.core.json.JsonValues.plain;
import static io.switchboard.core.json.JsonValues.requiredText;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import static io.switchboard.meta.MetaPayload.text;
import io.switchboard.meta.MetaTimes;
import java.time.Instant;
import java.util.List;

/**
 * One message a customer sent: its key (wamid, time, sender), its content by type ({@link MessageContent}), and
 * what every type may carry (reply context, ad referral, group). Emits the log entry, then the identity links the
 * message reveals (the sender's phone and business-scoped user id; a changed number or user id).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
final class MessageMapper {

    private MessageMapper() {
    }

    static void map(JsonNode message, String where, WhatsAppPayloadParser.Change change, Batch batch) {
        if (!message.isObject()) {
            throw new RejectedInputException(where + " is not an object");
        }
        String wamid = requiredText(message, "id", where + ".id");
        Instant at = MetaTimes.epochSeconds(message.get("timestamp"), where + ".timestamp");
        String type = text(message, "type");
        boolean system = "system".equals(type);
        WhatsAppIdentities.Party sender = WhatsAppIdentities.sender(message, system, change.contacts(), where);

        ConversationEntry.Builder entry = ConversationEntry.builder(Channel.WHATSAPP, wamid)
                .source(change.source())
                .occurredAt(at);
        MessageContent.map(type, message, entry);
        // A system message reports the sender's new number or user id: linked to the customer we know.
        List<Identity> changedTo = system ? WhatsAppIdentities.changedTo(message, where) : List.of();
        replyContext(entry, message, "reaction".equals(type));
        entry.detail("referral", plain(message.get("referral")));   // Click to WhatsApp ads
        entry.detail("groupId", text(message, "group_id"));

        batch.add(new Interaction.LogEntry(sender.customer(), sender.profileName(), entry.build()));
        if (sender.phone() != null && sender.userId() != null) {
            batch.link(sender.phone(), sender.userId(), change.source(), at);
        }
        for (Identity added : changedTo) {
            if (!sender.customer().equals(added)) {
                batch.link(sender.customer(), added, change.source(), at);
            }
        }
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
            entry.replyTo(text(context, "id"));
        }
        entry.detail("contextFrom", text(context, "from"))
                .detail("forwarded", bool(context.get("forwarded")))
                .detail("frequentlyForwarded", bool(context.get("frequently_forwarded")))
                .detail("referredProduct", plain(context.get("referred_product")));
    }
}
