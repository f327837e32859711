package io.switchboard.whatsapp;

import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Identity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Interactions of one body, in payload order; an identity link is emitted once per pair per body. */
final class Batch {

    private final List<Interaction> out = new ArrayList<>();
    private final Set<String> linked = new HashSet<>();

    void add(Interaction interaction) {
        out.add(interaction);
    }

    /** Files {@code added} under the customer of {@code customer}, unless this body already did. */
    void link(Identity customer, Identity added, String source, Instant at) {
        if (linked.add(customer.key() + "\n" + added.key())) {
            out.add(new Interaction.LinkIdentity(customer, added, source, at));
        }
    }

    List<Interaction> interactions() {
        return List.copyOf(out);
    }
}
