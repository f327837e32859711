package io.switchboard.core.directory;

import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import java.time.Instant;
import java.util.Optional;

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
     * The customer with this id, read consistently; for a customer that was merged away, the survivor it was merged
     * into (following a chain A into B into C to C), so a merged id keeps working everywhere.
     */
    Optional<Customer> get(String customerId);

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
}
