package io.switchboard.messenger;

import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.RejectedInputException;
import java.time.Instant;

/**
 * One messaging event being mapped: the account it reached, its customer, and when it happened.
 *
 * @param standby whether another app of a handover flow owns the thread
 * @param echo    whether the account sent it (a message echo)
 * @param time    the event's timestamp, else the entry's; null when neither is given
 * @param where   the event's path in the payload, for the reasons of refusals
 */
record Event(Account account, MessengerIdentities.Party party, boolean standby, boolean echo, Instant time,
             String where) {

    /** One entry[]: the Page or IG professional account, and the time Meta sent the notification. */
    record Account(Platform platform, String id, String source, Instant time) {
    }

    /** The event's time; an event we must key by time without one is refused. */
    Instant requireTime() {
        if (time == null) {
            throw new RejectedInputException(where + " has no timestamp");
        }
        return time;
    }

    /** A log entry of this event's account, at this time. */
    ConversationEntry.Builder entry(String providerMessageId, Instant at) {
        return ConversationEntry.builder(account.platform().channel(), providerMessageId)
                .source(account.source())
                .occurredAt(at)
                .detail("standby", standby ? Boolean.TRUE : null);
    }

    /** The id of an event Meta gives no {@code mid}: every part from the payload, so a retry gets the same id. */
    String derivedId(String kind, Instant at, String discriminator) {
        return kind + ":" + account.id() + ":" + party.userId() + ":" + at.toEpochMilli()
                + (discriminator == null ? "" : ":" + discriminator);
    }
}
