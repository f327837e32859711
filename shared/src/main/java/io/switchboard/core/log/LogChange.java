package io.switchboard.core.log;

import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One stored change of the conversation log, as domain objects: what the fan-out turns into events. Only the
 * store knows how a change looks in DynamoDB (see {@code LogItems.changeOf}).
 */
public sealed interface LogChange {

    /** A customer record was written for the first time. */
    record CustomerCreated(Customer customer) implements LogChange {
        public CustomerCreated {
            Objects.requireNonNull(customer, "customer");
        }
    }

    /**
     * A customer was merged into another: its record gained {@code mergedInto}.
     *
     * @param mergedId   the customer merged away
     * @param survivorId the customer it was merged into (as recorded; it may have been merged on since)
     */
    record CustomerMerged(String mergedId, String survivorId, Instant at) implements LogChange {
        public CustomerMerged {
            Objects.requireNonNull(mergedId, "mergedId");
            Objects.requireNonNull(survivorId, "survivorId");
            Objects.requireNonNull(at, "at");
        }
    }

    /** An entry was inserted ({@code before} null) or changed. */
    record EntryChanged(String customerId, LoggedEntry before, LoggedEntry after) implements LogChange {
        public EntryChanged {
            Objects.requireNonNull(customerId, "customerId");
            Objects.requireNonNull(after, "after");
        }

        public boolean inserted() {
            return before == null;
        }
    }

    /**
     * A send command that can never be carried out was rejected.
     *
     * @param subject the customer id the command named, or null
     */
    record CommandRejected(String commandId, String subject, String source, String code, String reason, Instant at)
            implements LogChange {
        public CommandRejected {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(at, "at");
        }
    }

    /** Anything else (a customer record's later updates, a removal): nothing to announce. */
    record Unannounced() implements LogChange {
    }

    /**
     * An entry with what only the log keeps about it.
     *
     * @param amendedAt   when its text or details were last amended, or null
     * @param statusError the provider's error of a failed status, or empty
     * @param statusRank  the rank of its status (0 when none)
     */
    record LoggedEntry(ConversationEntry entry, String amendedAt, Map<String, Object> statusError, int statusRank) {
        public LoggedEntry {
            Objects.requireNonNull(entry, "entry");
            statusError = statusError == null ? Map.of() : Map.copyOf(statusError);
        }

        /** An entry as the log's readers see it, with nothing amended and no error. */
        public static LoggedEntry of(ConversationEntry entry) {
            return new LoggedEntry(entry, null, Map.of(), entry.status() == null ? 0 : entry.status().rank());
        }
    }
}
