package io.switchboard.core.log;

import io.switchboard.core.config.Settings;
import io.switchboard.core.model.OpenConversation;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;

/**
 * When an entry continues the customer's open conversation (on any channel) and when it opens a new one:
 * after {@code CONVERSATION_IDLE_MINUTES} (default 24 h) without activity.
 */
@Singleton
public class ConversationPolicy {

    public static final long DEFAULT_IDLE_MINUTES = 24 * 60;

    /**
     * Last-activity times are kept to this resolution: an entry within it of the last recorded activity
     * does not rewrite the customer record, which keeps a known customer's message at one write and spares
     * a busy customer's record from contention. Negligible against an idle window of hours.
     */
    static final Duration ACTIVITY_RESOLUTION = Duration.ofMinutes(1);

    private final Duration idleWindow;

    public ConversationPolicy(Settings settings) {
        this(settings.minutes(Settings.CONVERSATION_IDLE_MINUTES, DEFAULT_IDLE_MINUTES));
    }

    public ConversationPolicy(Duration idleWindow) {
        this.idleWindow = idleWindow;
    }

    public Decision decide(OpenConversation open, Instant occurredAt, String entryId) {
        return decide(open, occurredAt, entryId, true);
    }

    /**
     * @param mayOpen false for entries that join an open conversation but never start one (auto-replies,
     *                bounces): outside any conversation they get none
     */
    public Decision decide(OpenConversation open, Instant occurredAt, String entryId, boolean mayOpen) {
        if (open == null || occurredAt.isAfter(open.lastActivityAt().plus(idleWindow))) {
            return mayOpen ? new Decision(newConversationId(entryId), true, true, occurredAt)
                    : new Decision(null, false, false, open == null ? occurredAt : open.lastActivityAt());
        }
        boolean moreRecent = occurredAt.isAfter(open.lastActivityAt().plus(ACTIVITY_RESOLUTION));
        // A customer created together with its first message has that message's conversation open already (see
        // CustomerDirectory#createAll): the message still opens it.
        boolean opener = mayOpen && open.id().equals(newConversationId(entryId));
        return new Decision(open.id(), opener, moreRecent, moreRecent ? occurredAt : open.lastActivityAt());
    }

    /**
     * The entry answers a message of conversation {@code threadConversationId} (an email reply): it joins that
     * conversation whatever the idle window says, and that conversation becomes the customer's open one.
     */
    public Decision join(OpenConversation open, String threadConversationId, Instant occurredAt) {
        if (open != null && open.id().equals(threadConversationId)) {
            boolean moreRecent = occurredAt.isAfter(open.lastActivityAt().plus(ACTIVITY_RESOLUTION));
            return new Decision(open.id(), false, moreRecent, moreRecent ? occurredAt : open.lastActivityAt());
        }
        return new Decision(threadConversationId, false, true, occurredAt);
    }

    /** Derived from the opening entry, so a retried opening yields the same conversation id. */
    public static String newConversationId(String entryId) {
        return "conv-" + entryId.substring(1);
    }

    /**
     * @param conversationId  the conversation the entry belongs to
     * @param opens           the entry opens it
     * @param updatesCustomer the customer's open conversation / last activity must be written
     * @param lastActivityAt  the customer's last activity after this entry
     */
    public record Decision(String conversationId, boolean opens, boolean updatesCustomer, Instant lastActivityAt) {
    }
}
