package io.switchboard.messenger;

import io.switchboard.core.ingest.Interaction;
import static io.switchboard.core.json.JsonValues.requiredText;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.meta.MetaPayload;
import io.switchboard.meta.MetaTimes;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Messenger Platform webhook body (Facebook Pages, {@code object: page}; Instagram professional
 * accounts, {@code object: instagram}) into canonical interactions. Pure: no AWS, no clock, no state; the same
 * bytes always give the same list.
 *
 * <p>This class walks the envelope: every {@code entry[]} is one Page / IG account ({@code entry.id}); each
 * carries {@code messaging[]} events (this app owns the thread) or {@code standby[]} events (another app of a
 * handover flow owns it). Both are logged; standby ones are marked {@code details.standby = true}. Each event
 * goes to {@link EventDispatcher}, which finds its customer ({@link MessengerIdentities}) and its mapper.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
 * https://developers.facebook.com/documentation/business-messaging/instagram-messaging/webhooks
 *
 * <p>The whole body is read before anything is returned, and a shape error that leaves an event impossible to
 * key (no entry id, a message without {@code mid}, no time) throws, so a bad body yields no interactions at all.
 * Content is read leniently: an event or attachment we do not understand is kept ({@link EntryKind#UNSUPPORTED}
 * with its raw JSON, or an attachment of its own type), never dropped, because a 4xx would lose the whole batch.
 *
 * <p>Entry ids: the provider message id is Meta's {@code mid} wherever the event has one. Postbacks without a
 * {@code mid} (before v11.0), reactions, referrals, opt-ins and unsupported events have none; their id is
 * derived as {@code <kind>:<accountId>:<userId>:<epochMillis>[:<discriminator>]} (a reaction's discriminator
 * is its action and target mid). Every part comes from the payload, so a retried delivery gets the same id.
 */
public final class MessengerPayloadParser {

    /**
     * @param platform which product's route received the body; its {@code object} must match
     * @param body     the raw request body, already authenticated
     * @return every interaction the body carries, in payload order
     * @throws RejectedInputException when the body is not JSON or not a webhook of this platform
     */
    public List<Interaction> parse(Platform platform, byte[] body) {
        List<Interaction> out = new ArrayList<>();
        // A page payload on the Instagram route (or the reverse) was signed for another subscription: refused.
        MetaPayload.forEachEntry(body, platform.object(), (entry, where) -> {
            String accountId = requiredText(entry, "id", where + ".id");
            Event.Account account = new Event.Account(platform, accountId, platform.source(accountId),
                    MetaTimes.optionalEpoch(entry.get("time"), where + ".time"));
            MetaPayload.forEachOf(entry, "messaging", where,
                    (event, path) -> EventDispatcher.dispatch(event, path, account, false, out));
            MetaPayload.forEachOf(entry, "standby", where,
                    (event, path) -> EventDispatcher.dispatch(event, path, account, true, out));
            // entry.changes[] carries other subscription fields (Page feed, Instagram comments and mentions):
            // not a conversation with a customer, and not an error.
        });
        return List.copyOf(out);
    }
}
