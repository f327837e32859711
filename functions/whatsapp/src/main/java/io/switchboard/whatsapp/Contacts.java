package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import static io.switchboard.meta.MetaPayload.text;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code contacts[]} of one change: profile names (and business-scoped user ids) of the users its messages and
 * statuses name. A profile name is a nicety: a malformed card is skipped, never a reason to refuse the batch.
 */
record Contacts(List<Contact> all) {

    /**
     * @param waId   the phone number, digits only; may be null for username users
     * @param userId the business-scoped user id; may be null (older payloads)
     * @param name   {@code profile.name}, else {@code profile.username}; may be null
     */
    record Contact(String waId, String userId, String name) {
    }

    static Contacts of(JsonNode contacts) {
        List<Contact> all = new ArrayList<>();
        if (contacts != null && contacts.isArray()) {
            for (JsonNode contact : contacts) {
                if (!contact.isObject()) {
                    continue;
                }
                JsonNode profile = contact.path("profile");
                String name = text(profile, "name");
                if (name == null) {
                    name = text(profile, "username");
                }
                all.add(new Contact(text(contact, "wa_id"), text(contact, "user_id"), name));
            }
        }
        return new Contacts(all);
    }

    /** The card for this phone (wa_id), else for this business-scoped user id; null when none matches. */
    Contact find(String waId, String userId) {
        if (waId != null) {
            for (Contact contact : all) {
                if (waId.equals(contact.waId())) {
                    return contact;
                }
            }
        }
        if (userId != null) {
            for (Contact contact : all) {
                if (userId.equals(contact.userId())) {
                    return contact;
                }
            }
        }
        return null;
    }
}
