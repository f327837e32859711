package io.switchboard.core.ingest;

import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.StatusChange;
import java.time.Instant;
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

    /** Move a logged message forward to a new delivery status (never backwards). */
    record UpdateStatus(Identity customer, StatusChange change) implements Interaction {
        public UpdateStatus {
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * Point another identity at the customer that {@code customer} names, e.g. a WhatsApp user's new number
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
}
