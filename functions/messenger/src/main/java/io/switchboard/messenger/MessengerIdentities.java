package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import io.switchboard.core.model.RejectedInputException;
import static io.switchboard.meta.MetaPayload.text;

/**
 * Who a messaging event is about. The user is the sender, except in an echo where the page (or IG account) is the
 * sender and the user the recipient; the account itself is never taken as a customer. A sender known only by
 * {@code user_ref} (checkbox plugin, before the user has written) has no page-scoped id yet: it is keyed as
 * {@code messenger-user-ref:<pageId>:<ref>}.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
 */
final class MessengerIdentities {

    private MessengerIdentities() {
    }

    /**
     * @param customer  the identity the event is filed under
     * @param userId    the user's page- or Instagram-scoped id, as used in derived ids
     * @param direction inbound when the user acted, outbound when the account did
     */
    record Party(Identity customer, String userId, Direction direction) {
    }

    /** The event's customer, or null when it names none (a page-level notice). */
    static Party party(JsonNode event, Event.Account account, boolean echo, String where) {
        String sender = text(event.path("sender"), "id");
        String recipient = text(event.path("recipient"), "id");
        String user = echo ? recipient : sender;
        Direction direction = echo ? Direction.OUTBOUND : Direction.INBOUND;
        if (user == null || user.equals(account.id())) {
            String other = echo ? sender : recipient;
            user = other == null || other.equals(account.id()) ? null : other;
            direction = echo ? Direction.INBOUND : Direction.OUTBOUND;
        }
        try {
            if (user != null) {
                return new Party(account.platform().identity(account.id(), user), user, direction);
            }
            String userRef = text(event.path("sender"), "user_ref");
            if (userRef != null) {
                return new Party(account.platform().userRef(account.id(), userRef), "user_ref." + userRef,
                        Direction.INBOUND);
            }
            return null;
        } catch (InvalidIdentityException bad) {
            throw new RejectedInputException(where + ": " + bad.getMessage());
        }
    }
}
