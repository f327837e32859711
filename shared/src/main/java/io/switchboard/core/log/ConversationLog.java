package io.switchboard.core.log;

import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.StatusChange;
import java.util.List;
import java.util.Optional;

/** Every customer's timeline, all channels; appends are idempotent and statuses only move forward. */
public interface ConversationLog {

    /**
     * Appends the entry to the customer's timeline, in the customer's open conversation or a new one.
     * A second append of the same entry id changes nothing and answers {@link AppendOutcome#DUPLICATE}.
     */
    AppendOutcome append(Customer customer, ConversationEntry entry);

    /**
     * Applies a status to the entry it refers to, never moving it backwards. A status for a message the log
     * has never seen creates an outbound placeholder entry that the message can fill in later.
     */
    StatusOutcome applyStatus(Customer customer, StatusChange change);

    /** The customer's most recent entries, oldest first. */
    List<ConversationEntry> history(String customerId, int limit);

    Optional<ConversationEntry> find(String customerId, String entryId);

    enum AppendOutcome { APPENDED, DUPLICATE }

    enum StatusOutcome { APPLIED, STALE, PLACEHOLDER_CREATED }
}
