package io.switchboard.core.log;

import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.StatusChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every customer's timeline, all channels; appends are idempotent and statuses only move forward. */
public interface ConversationLog {

    /**
     * Appends the entry to the customer's timeline, in the customer's open conversation or a new one.
     * A second append of the same entry id changes nothing and answers {@link AppendOutcome#DUPLICATE}.
     */
    default AppendOutcome append(Customer customer, ConversationEntry entry) {
        return append(customer, entry, List.of());
    }

    /**
     * Appends the entry; if the log holds one of {@code threadReferences} (provider message ids of the same
     * channel, for this customer), the entry joins that message's conversation whatever the idle window says.
     */
    default AppendOutcome append(Customer customer, ConversationEntry entry, List<String> threadReferences) {
        return append(customer, entry, threadReferences, Map.of());
    }

    /**
     * Appends the entry; {@code statusError} (code and reason, may be empty) travels with a failed status, as a
     * status update's error would: a reply that failed before or at the provider.
     */
    AppendOutcome append(Customer customer, ConversationEntry entry, List<String> threadReferences,
                         Map<String, Object> statusError);

    /**
     * Appends {@code entries.get(i)} for {@code customers.get(i)}, each as {@link #append(Customer, ConversationEntry)}
     * would (idempotent, in the customer's open conversation or a new one): a webhook's messages of different
     * customers, which a store may write with far fewer requests. The outcomes are in the same order.
     */
    default List<AppendOutcome> appendAll(List<Customer> customers, List<ConversationEntry> entries) {
        List<AppendOutcome> outcomes = new java.util.ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            outcomes.add(append(customers.get(i), entries.get(i)));
        }
        return outcomes;
    }

    /**
     * Moves every outbound entry of the channel account that occurred up to {@code upTo} to at least
     * {@code status} (a read receipt covers everything sent before it), never backwards.
     *
     * @return how many entries moved
     */
    int applyWatermark(Customer customer, Channel channel, String source, DeliveryStatus status, Instant upTo);

    /**
     * Replaces the entry's text (if {@code text} is not null) and merges {@code details} into its details:
     * an edit, a deletion, a transcription. Repeating the same amendment changes nothing.
     */
    AmendOutcome amend(Customer customer, Channel channel, String providerMessageId, String text,
                       Map<String, Object> details, Instant at);

    /**
     * Applies a status to the entry it refers to, never moving it backwards. A status for a message the log
     * has never seen creates an outbound placeholder entry that the message can fill in later.
     */
    StatusOutcome applyStatus(Customer customer, StatusChange change);

    /**
     * Moves one attachment of a stored entry to {@code stored} or {@code failed}: the media function's outcome of a
     * fetch. Only forward ({@link io.switchboard.core.model.AttachmentStatus#canMoveTo}) and conditional on the state
     * it was read in, so a redelivered or concurrent job writes once: exactly one stored change, which the fan-out
     * announces as one {@code switchboard.attachment.stored} or {@code .failed}. Nothing else of the entry changes,
     * and it is not announced again.
     *
     * @param customerId the log partition the entry is stored in (for an entry stored before a merge, the merged
     *                   customer's)
     * @param index      the attachment's position in the entry's attachments, from 0
     */
    AttachmentOutcome updateAttachment(String customerId, String entryId, int index, AttachmentUpdate update);

    /** The customer's most recent entries, oldest first. */
    List<ConversationEntry> history(String customerId, int limit);

    Optional<ConversationEntry> find(String customerId, String entryId);

    /**
     * One page of the customer's timeline, every channel (or one), newest first, in one read of the store.
     *
     * @param channel null for every channel
     * @param limit   how many entries the store looks at for this page; with a channel, fewer may match, so a
     *                page can hold fewer entries (even none) and still have a next one
     * @param after   the {@link TimelinePage#next()} of the previous page, or null for the newest entries
     */
    TimelinePage timeline(String customerId, Channel channel, int limit, String after);

    /**
     * @param entries newest first, with what only the log keeps about them (status errors, amendments)
     * @param next    where the next page starts (a position in the log, not an entry id), or null after the last
     */
    record TimelinePage(List<LogChange.LoggedEntry> entries, String next) {
        public TimelinePage {
            entries = List.copyOf(entries);
        }
    }

    enum AppendOutcome { APPENDED, DUPLICATE }

    enum StatusOutcome { APPLIED, STALE, PLACEHOLDER_CREATED, UNKNOWN_ENTRY }

    enum AmendOutcome { AMENDED, UNCHANGED, MISSING }

    /**
     * UPDATED: this call moved it; UNCHANGED: it is in that state already (a redelivery; nothing written); STALE: that
     * would not be forward (stored is final; a reference is never fetched); MISSING: no such entry or attachment.
     */
    enum AttachmentOutcome { UPDATED, UNCHANGED, STALE, MISSING }
}
