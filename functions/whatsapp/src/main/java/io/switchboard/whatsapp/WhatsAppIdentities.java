package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.meta.MetaIdentities;
import static io.switchboard.meta.MetaPayload.text;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a WhatsApp message or status is about. A user is known by phone number ({@code from}, {@code wa_id},
 * {@code recipient_id}: digits without '+') and, since the BSUID rollout, by a business-scoped user id
 * ({@code from_user_id}, {@code contacts[].user_id}, {@code recipient_user_id}); users who adopted a username may
 * have no phone number at all. The phone is the customer key when there is one (WhatsApp, SMS and voice meet
 * there), and a message carrying both links them.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
 */
final class WhatsAppIdentities {

    private WhatsAppIdentities() {
    }

    /**
     * @param customer    the identity the interaction is filed under: the phone when there is one
     * @param phone       may be null (username users)
     * @param userId      business-scoped user id, may be null (older payloads)
     * @param profileName contacts[].profile.name of the user, may be null
     */
    record Party(Identity customer, Identity phone, Identity userId, String profileName) {
    }

    /** The customer who sent a message. */
    static Party sender(JsonNode message, boolean isSystem, Contacts contacts, String where) {
        String from = text(message, "from");
        String userId = text(message, "from_user_id");
        if (isSystem && from == null) {
            // user_changed_user_id without a phone: the previous BSUID is the identity we already know.
            String previous = text(message.path("system"), "previous_user_id");
            if (previous != null) {
                userId = previous;
            }
        }
        return party(from, userId, contacts, where, "from", "from_user_id");
    }

    /** The customer a status of the business's message is about. */
    static Party recipient(JsonNode status, Contacts contacts, String where) {
        return party(text(status, "recipient_id"), text(status, "recipient_user_id"), contacts, where,
                "recipient_id", "recipient_user_id");
    }

    /** Whether a system message of this type reports a changed number or user id. */
    static boolean isIdentityChange(String systemType) {
        return "user_changed_number".equals(systemType) || "user_changed_user_id".equals(systemType);
    }

    /**
     * The identities a system message says the sender now has. {@code user_changed_number}: {@code from} is the
     * old number, {@code system.wa_id} the new one, and since the BSUID rollout {@code system.user_id} is the new
     * business-scoped user id. Webhooks before v12.0 named the new number {@code system.new_wa_id}; that older
     * field is read as a fallback (known from client libraries' type definitions, no longer in Meta's current
     * reference). {@code user_changed_user_id} (changelog Aug 11, 2026) reports a new BSUID with
     * {@code system.previous_user_id} when no phone number can be shared.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system
     */
    static List<Identity> changedTo(JsonNode message, String where) {
        JsonNode system = message.path("system");
        List<Identity> identities = new ArrayList<>();
        if (!isIdentityChange(text(system, "type"))) {
            return identities;
        }
        String phoneField = "wa_id";
        String newPhone = text(system, phoneField);
        if (newPhone == null) {
            phoneField = "new_wa_id";
            newPhone = text(system, phoneField);
        }
        if (newPhone != null) {
            identities.add(phone(newPhone, where + ".system." + phoneField));
        }
        String newUserId = text(system, "user_id");
        if (newUserId != null) {
            identities.add(user(newUserId, where + ".system.user_id"));
        }
        return identities;
    }

    /** A user named by phone and/or user id; the contacts card of either gives the name (and a missing user id). */
    private static Party party(String phoneDigits, String userId, Contacts contacts, String where, String phoneField,
                               String userIdField) {
        Contacts.Contact contact = contacts.find(phoneDigits, userId);
        if (userId == null && contact != null) {
            userId = contact.userId();
        }
        Identity phone = phoneDigits == null ? null : phone(phoneDigits, where + "." + phoneField);
        Identity user = userId == null ? null : user(userId, where);
        if (phone == null && user == null) {
            throw new RejectedInputException(where + " has no " + phoneField + " or " + userIdField);
        }
        return new Party(phone != null ? phone : user, phone, user, contact == null ? null : contact.name());
    }

    private static Identity phone(String digits, String where) {
        try {
            return Identity.phone(digits);
        } catch (InvalidIdentityException notAPhone) {
            throw new RejectedInputException(where + " is not a phone number");
        }
    }

    /** A business-scoped user id as an identity; one the store could never key (too long, say) is a 400. */
    private static Identity user(String userId, String where) {
        try {
            return MetaIdentities.whatsappUser(userId);
        } catch (InvalidIdentityException notAUserId) {
            throw new RejectedInputException(where + ": " + notAUserId.getMessage());
        }
    }
}
