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
 */
public record Customer(String id, String displayName, List<String> identities, Instant createdAt, String source,
                       OpenConversation openConversation) {

    public Customer {
        Objects.requireNonNull(id, "id");
        identities = identities == null ? List.of() : List.copyOf(identities);
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
