package io.switchboard.core.directory;

import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Resolves identities to customers: the same person across every channel. */
public interface CustomerDirectory {

    /**
     * The customer the identity points to, created on first contact. Racing first contacts create exactly
     * one customer. A profile name fills an empty display name.
     *
     * @param profileName display name from the payload, may be null
     * @param source      channel account of this contact, recorded on a new customer
     * @param at          provider time of the contact, recorded on a new customer
     */
    Resolution resolve(Identity identity, String profileName, String source, Instant at);

    /** The customer the identity points to, without creating one. */
    Optional<Customer> find(Identity identity);

    /**
     * As {@link #resolve(Identity, String, String, Instant)}, helped by a {@link Lookup} made for the whole
     * webhook: a customer found there is used as read, an identity found unclaimed is claimed without reading it
     * again (a lost race still resolves the winner). A lookup is a snapshot: use it for an identity's first
     * interaction of the webhook only.
     */
    default Resolution resolve(Identity identity, String profileName, String source, Instant at, Lookup lookup) {
        return resolve(identity, profileName, source, at);
    }

    /**
     * Reads what these identities point to, together (a Meta batch carries up to 1,000 senders): stores that can
     * batch their reads answer with one request per many identities instead of two per identity.
     */
    default Lookup lookup(Collection<Identity> identities) {
        return Lookup.NONE;
    }

    /**
     * Creates a customer for each of these identities, all read as unclaimed by a {@link #lookup}, with as few
     * requests as the store allows. Each creation keeps {@link #resolve}'s guarantee (an identity is claimed in the
     * same transaction that creates its customer, never twice); an identity not in the answer was not created here
     * (claimed meanwhile, or the store declined) and goes through {@link #resolve} as usual.
     *
     * @return the created customers by identity key
     */
    default Map<String, Customer> createAll(List<NewContact> contacts) {
        return Map.of();
    }

    /**
     * The customer with this id, read consistently; for a customer that was merged away, the survivor it was merged
     * into (following a chain A into B into C to C), so a merged id keeps working everywhere.
     */
    Optional<Customer> get(String customerId);

    /** The customers with these ids that exist, read consistently; a store may read them in one request. */
    default Map<String, Customer> getAll(Collection<String> customerIds) {
        Map<String, Customer> found = new HashMap<>();
        for (String customerId : customerIds) {
            get(customerId).ifPresent(customer -> found.put(customerId, customer));
        }
        return found;
    }

    /**
     * Merges customer {@code fromId} into {@code survivorId} in one atomic write: the survivor takes over the other's
     * identities (so later contacts land on it) and lists it among its merged customers (so its timeline includes
     * the other's entries, which stay where they are); the other keeps its record, pointing at the survivor. Repeating
     * a merge that is done changes nothing.
     */
    MergeOutcome merge(String survivorId, String fromId, Instant at);

    /**
     * Points {@code added} at {@code customer}. If {@code added} already belongs to someone, nothing changes
     * and that owner's id is returned.
     */
    String link(Customer customer, Identity added, Instant at);

    /**
     * A first contact: see {@link #resolve(Identity, String, String, Instant)} for the fields.
     *
     * @param openingEntryId the entry this contact brings, when it opens a conversation: the new customer is
     *                       created with that conversation open, so appending the entry writes the entry alone
     *                       (it still opens the conversation: see ConversationPolicy); null for none
     */
    record NewContact(Identity identity, String profileName, String source, Instant at, String openingEntryId) {
    }

    /** What a merge did, or why it did nothing. */
    sealed interface MergeOutcome {

        /** @param changed false when this merge was done before and nothing was written now */
        record Merged(Customer survivor, boolean changed) implements MergeOutcome {
        }

        /** One of the two customers does not exist. */
        record Unknown(String customerId) implements MergeOutcome {
        }

        /** The survivor was itself merged away, into {@code into} (where its id resolves now). */
        record SurvivorMergedAway(String into) implements MergeOutcome {
        }

        /** The other customer was merged into {@code into} already, a different customer. */
        record AlreadyMerged(String into) implements MergeOutcome {
        }

        /**
         * More identities (and customers merged into the other one before) than one transaction can repoint.
         *
         * @param identities how many the merge would repoint
         */
        record TooManyIdentities(int identities, int max) implements MergeOutcome {
        }
    }

    /** @param created true when this call created the customer */
    record Resolution(Customer customer, boolean created) {
    }

    /**
     * What a batch read found: the customer of each claimed identity (by identity key), and the identities no one
     * had claimed at the time of the read.
     */
    record Lookup(Map<String, Customer> customers, Set<String> unclaimed) {
        public static final Lookup NONE = new Lookup(Map.of(), Set.of());
    }
}
