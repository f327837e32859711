package io.switchboard.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One person across every channel.
 *
 * @param id               stable customer id (the CloudEvent subject)
 * @param displayName      from the first payload that carried a profile name; may be null
 * @param identities       every identity key that points to this customer
 * @param createdAt        when the first contact was recorded
 * @param source           the channel account of the first contact, e.g. {@code /<channel>/<account id>}
 * @param openConversation the conversation the next entry may continue; null before the first entry
 * @param mergedInto       the customer this one was merged into, or null: its id then resolves to that survivor
 * @param merged           every customer merged into this one, directly or through a chain (their partitions
 *                         of the log hold the rest of this customer's timeline)
 */
public record Customer(String id, String displayName, List<String> identities, Instant createdAt, String source,
                       OpenConversation openConversation, String mergedInto, List<String> merged) {

    public Customer {
        Objects.requireNonNull(id, "id");
        identities = identities == null ? List.of() : List.copyOf(identities);
        merged = merged == null ? List.of() : List.copyOf(merged);
    }

    /** A customer that was never part of a merge. */
    public Customer(String id, String displayName, List<String> identities, Instant createdAt, String source,
                    OpenConversation openConversation) {
        this(id, displayName, identities, createdAt, source, openConversation, null, List.of());
    }

    /** The same customer with this display name (its merges unchanged). */
    public Customer withDisplayName(String name) {
        return new Customer(id, name, identities, createdAt, source, openConversation, mergedInto, merged);
    }

    /** Every log partition of this customer's timeline: its own first, then those of the customers merged into it. */
    public List<String> timelinePartitions() {
        List<String> partitions = new java.util.ArrayList<>(merged.size() + 1);
        partitions.add(id);
        merged.stream().filter(other -> !partitions.contains(other)).forEach(partitions::add);
        return partitions;
    }

    /** The value of the customer's first identity of this type ({@code phone}, {@code email}...), if any. */
    public java.util.Optional<String> identityValue(String type) {
        return identities.stream().map(Identity::new).filter(identity -> identity.type().equals(type))
                .map(Identity::value).findFirst();
    }

    public boolean hasDisplayName() {
        return displayName != null && !displayName.isBlank();
    }
}
