package io.switchboard.core.ingest;

import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.model.Customer;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core every webhook function hands its parsed interactions to: resolve the customer, then append to
 * (or update) the conversation log. Every step is idempotent, so a provider's retry of a half-processed
 * batch completes it without doubling anything. Publishing is not done here: the fan-out function announces
 * whatever the log stores (a transactional outbox).
 */
@Singleton
public class InteractionRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(InteractionRecorder.class);

    private final CustomerDirectory directory;
    private final ConversationLog log;

    public InteractionRecorder(CustomerDirectory directory, ConversationLog log) {
        this.directory = directory;
        this.log = log;
    }

    public Summary record(List<? extends Interaction> interactions) {
        Summary summary = new Summary();
        for (Interaction interaction : interactions) {
            if (interaction instanceof Interaction.LogEntry logEntry) {
                var entry = logEntry.entry();
                var resolution = directory.resolve(logEntry.customer(), logEntry.profileName(), entry.source(),
                        entry.occurredAt());
                summary.customersCreated += resolution.created() ? 1 : 0;
                switch (log.append(resolution.customer(), entry)) {
                    case APPENDED -> summary.appended++;
                    case DUPLICATE -> summary.duplicates++;
                }
            } else if (interaction instanceof Interaction.UpdateStatus update) {
                var change = update.change();
                var resolution = directory.resolve(update.customer(), null, change.source(), change.at());
                summary.customersCreated += resolution.created() ? 1 : 0;
                switch (log.applyStatus(resolution.customer(), change)) {
                    case APPLIED, PLACEHOLDER_CREATED -> summary.statusesApplied++;
                    case STALE -> summary.statusesStale++;
                }
            } else if (interaction instanceof Interaction.LinkIdentity link) {
                var resolution = directory.resolve(link.customer(), null, link.source(), link.at());
                summary.customersCreated += resolution.created() ? 1 : 0;
                Customer customer = resolution.customer();
                String owner = directory.link(customer, link.added(), link.at());
                if (owner.equals(customer.id())) {
                    summary.identitiesLinked++;
                } else {
                    // Both identities already belong to different customers; merging customers is not supported
                    // yet, so each keeps its own timeline. Ids only: identities are personal data.
                    LOG.warn("identity of type {} stays with customer {}, not linked to customer {}",
                            link.added().type(), owner, customer.id());
                    summary.linksRefused++;
                }
            }
        }
        return summary;
    }

    /** What a batch did; for logs and tests. */
    public static final class Summary {
        public int customersCreated;
        public int appended;
        public int duplicates;
        public int statusesApplied;
        public int statusesStale;
        public int identitiesLinked;
        public int linksRefused;

        @Override
        public String toString() {
            return "customersCreated=" + customersCreated + " appended=" + appended + " duplicates=" + duplicates
                    + " statusesApplied=" + statusesApplied + " statusesStale=" + statusesStale
                    + " identitiesLinked=" + identitiesLinked + " linksRefused=" + linksRefused;
        }
    }
}
