package io.switchboard.core.testing;

import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A directory in memory, for unit tests of one class: the real one is DynamoDbCustomerDirectory. */
public class InMemoryCustomerDirectory implements CustomerDirectory {

    private final Map<String, String> customerIdByIdentity = new ConcurrentHashMap<>();
    private final Map<String, Customer> customers = new ConcurrentHashMap<>();

    @Override
    public synchronized Resolution resolve(Identity identity, String profileName, String source, Instant at) {
        String id = customerIdByIdentity.get(identity.key());
        if (id != null) {
            Customer known = customers.get(id);
            if (!known.hasDisplayName() && profileName != null) {
                known = new Customer(known.id(), profileName, known.identities(), known.createdAt(), known.source(),
                        known.openConversation());
                customers.put(id, known);
            }
            return new Resolution(known, false);
        }
        Customer created = new Customer(UUID.randomUUID().toString(), profileName, List.of(identity.key()), at, source,
                null);
        customers.put(created.id(), created);
        customerIdByIdentity.put(identity.key(), created.id());
        return new Resolution(created, true);
    }

    @Override
    public Optional<Customer> find(Identity identity) {
        return Optional.ofNullable(customerIdByIdentity.get(identity.key())).flatMap(this::get);
    }

    @Override
    public Optional<Customer> get(String customerId) {
        Customer customer = customers.get(customerId);
        while (customer != null && customer.mergedInto() != null) {
            customer = customers.get(customer.mergedInto());
        }
        return Optional.ofNullable(customer);
    }

    @Override
    public synchronized MergeOutcome merge(String survivorId, String fromId, Instant at) {
        Customer survivor = customers.get(survivorId);
        Customer from = customers.get(fromId);
        if (survivor == null || from == null) {
            return new MergeOutcome.Unknown(survivor == null ? survivorId : fromId);
        }
        if (survivorId.equals(from.mergedInto())) {
            return new MergeOutcome.Merged(get(survivorId).orElseThrow(), false);
        }
        if (survivor.mergedInto() != null) {
            return new MergeOutcome.SurvivorMergedAway(get(survivorId).orElseThrow().id());
        }
        if (from.mergedInto() != null) {
            return new MergeOutcome.AlreadyMerged(from.mergedInto());
        }
        List<String> identities = new ArrayList<>(survivor.identities());
        identities.addAll(from.identities());
        List<String> merged = new ArrayList<>(survivor.merged());
        merged.add(fromId);
        merged.addAll(from.merged());
        Customer survived = new Customer(survivorId, survivor.displayName(), identities, survivor.createdAt(),
                survivor.source(), survivor.openConversation(), null, merged);
        customers.put(survivorId, survived);
        customers.put(fromId, new Customer(fromId, from.displayName(), from.identities(), from.createdAt(),
                from.source(), from.openConversation(), survivorId, from.merged()));
        from.identities().forEach(identity -> customerIdByIdentity.put(identity, survivorId));
        for (String earlier : from.merged()) {
            Customer record = customers.get(earlier);
            customers.put(earlier, new Customer(earlier, record.displayName(), record.identities(), record.createdAt(),
                    record.source(), record.openConversation(), survivorId, record.merged()));
        }
        return new MergeOutcome.Merged(survived, true);
    }

    @Override
    public synchronized String link(Customer customer, Identity added, Instant at) {
        String owner = customerIdByIdentity.putIfAbsent(added.key(), customer.id());
        if (owner != null) {
            return owner;
        }
        Customer current = customers.get(customer.id());
        List<String> identities = new ArrayList<>(current.identities());
        identities.add(added.key());
        customers.put(current.id(), new Customer(current.id(), current.displayName(), identities, current.createdAt(),
                current.source(), current.openConversation()));
        return customer.id();
    }

    public int customerCount() {
        return customers.size();
    }
}
