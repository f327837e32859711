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

    /** The customer with this id, read consistently. */
    Optional<Customer> get(String customerId);

    /**
     * Points {@code added} at {@code customer}. If {@code added} already belongs to someone, nothing changes
     * and that owner's id is returned.
     */
    String link(Customer customer, Identity added, Instant at);

    /** @param created true when this call created the customer */
    record Resolution(Customer customer, boolean created) {
    }
}
