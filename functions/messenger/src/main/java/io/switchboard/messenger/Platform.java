package io.switchboard.messenger;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.Identity;
import io.switchboard.meta.MetaIdentities;

/**
 * The two Meta products this function serves. They share the Messenger Platform webhook format but are two
 * subscriptions, usually of two apps: each has its own callback path, app secret, verify token and
 * {@code object} value, and its own identity namespace (page-scoped vs Instagram-scoped user ids).
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 * https://developers.facebook.com/documentation/business-messaging/instagram-messaging/webhooks
 */
public enum Platform {
    MESSENGER(Channel.MESSENGER, "page", "/webhooks/messenger",
            "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN", "first_name,last_name,name"),
    INSTAGRAM(Channel.INSTAGRAM, "instagram", "/webhooks/instagram",
            "INSTAGRAM_APP_SECRET", "INSTAGRAM_VERIFY_TOKEN", "name,username");

    private final Channel channel;
    private final String object;
    private final String path;
    private final String appSecretName;
    private final String verifyTokenName;
    private final String profileFields;

    Platform(Channel channel, String object, String path, String appSecretName, String verifyTokenName,
             String profileFields) {
        this.channel = channel;
        this.object = object;
        this.path = path;
        this.appSecretName = appSecretName;
        this.verifyTokenName = verifyTokenName;
        this.profileFields = profileFields;
    }

    public Channel channel() {
        return channel;
    }

    /** The {@code object} field of the webhook body for this product. */
    public String object() {
        return object;
    }

    /** The route in template.yaml. */
    public String path() {
        return path;
    }

    /** Secret name of the Meta app secret that keys X-Hub-Signature-256. */
    public String appSecretName() {
        return appSecretName;
    }

    /** Secret name of the token typed into the App Dashboard with the callback URL. */
    public String verifyTokenName() {
        return verifyTokenName;
    }

    /** Fields of the Graph API user profile request (Messenger: User Profile API; Instagram: name, username). */
    public String profileFields() {
        return profileFields;
    }

    /** The CloudEvent source of an account: {@code /messenger/<pageId>} or {@code /instagram/<accountId>}. */
    public String source(String accountId) {
        return "/" + channel.wireName() + "/" + accountId;
    }

    /** A user by the id scoped to this account (page-scoped or Instagram-scoped). */
    public Identity identity(String accountId, String userId) {
        return this == MESSENGER ? MetaIdentities.messenger(accountId, userId) : MetaIdentities.instagram(accountId, userId);
    }

    /** A user known only by a {@code user_ref} of this account (no scoped id yet). */
    public Identity userRef(String accountId, String ref) {
        return MetaIdentities.userRef(channel, accountId, ref);
    }

    /** The platform of an identity this function creates, or null for other identity types (user refs). */
    public static Platform forIdentity(Identity identity) {
        if (MetaIdentities.MESSENGER.equals(identity.type())) {
            return MESSENGER;
        }
        if (MetaIdentities.INSTAGRAM.equals(identity.type())) {
            return INSTAGRAM;
        }
        return null;
    }
}
