package io.switchboard.core.ingest;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.StatusChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a channel parser turns a webhook into: provider code stays in the function module, only these
 * canonical interactions cross into the core.
 */
public sealed interface Interaction {

    /** The identity of the customer this interaction belongs to (for outbound: the recipient). */
    Identity customer();

    /**
     * Log an entry in the customer's timeline.
     *
     * @param profileName display name the payload carries for the customer; fills an empty name; may be null
     */
    record LogEntry(Identity customer, String profileName, ConversationEntry entry) implements Interaction {
        public LogEntry {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(entry, "entry");
        }
    }

    /**
     * Log an entry that continues an earlier thread: when the log holds one of the referenced provider message
     * ids (same channel, same customer), the entry joins that message's conversation whatever the idle window
     * says (email In-Reply-To / References).
     */
    record LogReply(Identity customer, String profileName, ConversationEntry entry, List<String> threadReferences)
            implements Interaction {
        public LogReply {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(entry, "entry");
            threadReferences = threadReferences == null ? List.of() : List.copyOf(threadReferences);
        }
    }

    /** Move a logged message forward to a new delivery status (never backwards). */
    record UpdateStatus(Identity customer, StatusChange change) implements Interaction {
        public UpdateStatus {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * Every outbound entry of the channel account up to a time reaches at least this status (a channel's
     * delivery and read watermarks): one receipt for everything sent before it, never moving anything back.
     */
    record Watermark(Identity customer, Channel channel, String source, DeliveryStatus status, Instant upTo)
            implements Interaction {
        public Watermark {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(upTo, "upTo");
        }
    }

    /**
     * Change what an entry says after the fact: a message edited or deleted by its sender, a voicemail's
     * transcription. {@code text} (if not null) replaces the text; {@code details} are merged into the entry's
     * details. If the entry is not in the log yet, {@code ifMissing} (if not null) is appended instead, already
     * carrying the amendment.
     */
    record AmendEntry(Identity customer, Channel channel, String providerMessageId, String text,
                      Map<String, Object> details, Instant at, ConversationEntry ifMissing) implements Interaction {
        public AmendEntry {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(providerMessageId, "providerMessageId");
            Objects.requireNonNull(at, "at");
            details = details == null ? Map.of() : Map.copyOf(details);
        }
    }

    /**
     * Point another identity at the customer that {@code customer} names, e.g. a user's new number
     * ({@code user_changed_number}) or a business-scoped user id seen next to a phone number.
     */
    record LinkIdentity(Identity customer, Identity added, String source, Instant at) implements Interaction {
        public LinkIdentity {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(added, "added");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A display name for the customer, learnt after the fact (a channel's profile lookup): fills the name only
     * when the customer has none yet.
     */
    record ProfileName(Identity customer, String name, String source, Instant at) implements Interaction {
        public ProfileName {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(at, "at");
        }
    }
}
