package io.switchboard.meta;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;

/**
 * The identity keys of Meta's users, as the customer directory stores them. Messenger and Instagram ids are
 * scoped to the Page or professional account that received the message (the same person has another id on
 * another Page), so the account is part of the key.
 * https://developers.facebook.com/docs/messenger-platform/identity/user-profile
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
 */
public final class MetaIdentities {

    /** {@code messenger:<pageId>:<psid>}. */
    public static final String MESSENGER = "messenger";
    /** {@code instagram:<accountId>:<igsid>}. */
    public static final String INSTAGRAM = "instagram";
    /** {@code whatsapp-user:<bsuid>}. */
    public static final String WHATSAPP_USER = "whatsapp-user";

    private MetaIdentities() {
    }

    /** A page-scoped user id (PSID) of a Facebook Page. */
    public static Identity messenger(String pageId, String psid) {
        return new Identity(MESSENGER + ":" + requireId(pageId, "page id") + ":" + requireId(psid, "psid"));
    }

    /** An Instagram-scoped user id (IGSID) of an Instagram professional account. */
    public static Identity instagram(String accountId, String igsid) {
        return new Identity(INSTAGRAM + ":" + requireId(accountId, "account id") + ":" + requireId(igsid, "igsid"));
    }

    /** WhatsApp's business-scoped user id, for payloads that carry no phone number. */
    public static Identity whatsappUser(String userId) {
        return new Identity(WHATSAPP_USER + ":" + requireId(userId, "user id"));
    }

    /**
     * A sender known only by {@code user_ref} (Messenger's checkbox plugin, before the user has written), who has
     * no page-scoped id yet: {@code <channel>-user-ref:<accountId>:<ref>}, e.g. {@code messenger-user-ref:<page>:<ref>}.
     * https://developers.facebook.com/docs/messenger-platform/discovery/checkbox-plugin
     */
    public static Identity userRef(Channel channel, String accountId, String ref) {
        return new Identity(channel.wireName() + "-user-ref:" + accountId + ":" + ref);
    }

    /**
     * The account and user of a Messenger or Instagram identity (the inverse of {@link #messenger} and
     * {@link #instagram}), or null for any other identity.
     */
    public static ScopedId scopedId(Identity identity) {
        if (!MESSENGER.equals(identity.type()) && !INSTAGRAM.equals(identity.type())) {
            return null;
        }
        String value = identity.value();
        int colon = value.indexOf(':');
        return new ScopedId(value.substring(0, colon), value.substring(colon + 1));
    }

    /** A user id and the Page or account it is scoped to. */
    public record ScopedId(String accountId, String userId) {
    }

    private static String requireId(String id, String what) {
        if (id == null || id.isBlank()) {
            throw new InvalidIdentityException(what + " is missing");
        }
        return id.trim();
    }
}
