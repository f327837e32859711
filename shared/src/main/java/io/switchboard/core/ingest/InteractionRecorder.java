package io.switchboard.core.ingest;

import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    private final Clock clock;

    @Inject
    public InteractionRecorder(CustomerDirectory directory, ConversationLog log, Clock clock) {
        this.directory = directory;
        this.log = log;
        this.clock = clock;
    }

    public InteractionRecorder(CustomerDirectory directory, ConversationLog log) {
        this(directory, log, Clock.systemUTC());
    }

    /**
     * Records a webhook's interactions. They are all checked against the {@link InputRules} first, so a request
     * refused for one of them writes nothing at all.
     *
     * @throws io.switchboard.core.model.RejectedInputException when an interaction can never be stored
     */
    public Summary record(List<? extends Interaction> parsed) {
        List<Interaction> interactions = InputRules.admit(parsed, clock.instant());
        Map<String, List<Interaction>> byCustomer = new LinkedHashMap<>();
        boolean links = false;
        for (Interaction interaction : interactions) {
            byCustomer.computeIfAbsent(interaction.customer().key(), key -> new ArrayList<>()).add(interaction);
            links |= interaction instanceof Interaction.LinkIdentity;
        }
        // A link joins two identities: what follows it may depend on it, so such a batch keeps its order whole.
        if (byCustomer.size() < 2 || links) {
            return recordInOrder(interactions, CustomerDirectory.Lookup.NONE);
        }
        // Meta batches up to 1000 changes: every sender is looked up at once (batched reads instead of one or two
        // reads per sender), then each customer's interactions stay in order while different customers are
        // recorded side by side (the store's conditional writes keep racing customers apart).
        List<Identity> senders = new ArrayList<>();
        for (List<Interaction> customerInteractions : byCustomer.values()) {
            senders.add(customerInteractions.get(0).customer());
        }
        CustomerDirectory.Lookup lookup = directory.lookup(senders);
        // A sender with one plain message (a Meta batch's usual shape) is written together with others like it:
        // customers created in shared transactions, entries appended in shared transactions. Everyone else, and
        // whatever a shared write leaves over, is recorded on their own.
        List<Interaction.LogEntry> together = new ArrayList<>();
        List<List<Interaction>> alone = new ArrayList<>();
        for (List<Interaction> customerInteractions : byCustomer.values()) {
            String key = customerInteractions.get(0).customer().key();
            if (customerInteractions.size() == 1 && customerInteractions.get(0) instanceof Interaction.LogEntry entry
                    && (lookup.customers().containsKey(key) || lookup.unclaimed().contains(key))) {
                together.add(entry);
            } else {
                alone.add(customerInteractions);
            }
        }
        List<Future<Summary>> parts = new ArrayList<>();
        for (int from = 0; from < together.size(); from += TOGETHER) {
            List<Interaction.LogEntry> group = together.subList(from, Math.min(together.size(), from + TOGETHER));
            parts.add(Parallel.POOL.submit(() -> recordTogether(group, lookup)));
        }
        for (List<Interaction> customerInteractions : alone) {
            parts.add(Parallel.POOL.submit(() -> recordInOrder(customerInteractions, lookup)));
        }
        Summary summary = new Summary();
        RuntimeException failure = null;
        for (Future<Summary> part : parts) {
            try {
                summary.add(part.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.switchboard.core.store.StoreFault("interrupted while recording", e);
            }
        }
        if (failure != null) {
            // The provider retries the whole batch; what was recorded is recorded once (appends are idempotent).
            throw failure;
        }
        return summary;
    }

    /** A small pool shared by all recorders of the container, made on first use (daemon threads). */
    private static final class Parallel {
        static final int THREADS = 8;
        static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "recorder");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Senders written together: at most one transaction of entries (an entry may also update its customer). */
    static final int TOGETHER = 50;

    /** One message each of different senders, all found by the lookup (claimed, or unclaimed at the time). */
    private Summary recordTogether(List<Interaction.LogEntry> group, CustomerDirectory.Lookup lookup) {
        Summary summary = new Summary();
        List<CustomerDirectory.NewContact> contacts = new ArrayList<>();
        for (Interaction.LogEntry interaction : group) {
            if (lookup.unclaimed().contains(interaction.customer().key())) {
                var entry = interaction.entry();
                contacts.add(new CustomerDirectory.NewContact(interaction.customer(), interaction.profileName(),
                        entry.source(), entry.occurredAt(), entry.kind().opensConversations() ? entry.id() : null));
            }
        }
        Map<String, Customer> created = contacts.isEmpty() ? Map.of() : directory.createAll(contacts);
        List<Customer> customers = new ArrayList<>();
        List<io.switchboard.core.model.ConversationEntry> entries = new ArrayList<>();
        List<Interaction> leftOver = new ArrayList<>();
        for (Interaction.LogEntry interaction : group) {
            String key = interaction.customer().key();
            Customer customer;
            if (created.containsKey(key)) {
                customer = created.get(key);
                summary.customersCreated++;
                summary.newCustomers.add(interaction.customer());
                summary.eventTypes.add(io.switchboard.core.events.EventTypes.CUSTOMER_CREATED);
            } else if (lookup.customers().containsKey(key)) {
                // Known: the looked-up record, its empty display name filled from the payload if need be.
                customer = directory.resolve(interaction.customer(), interaction.profileName(), interaction.entry().source(),
                        interaction.entry().occurredAt(), lookup).customer();
            } else {
                leftOver.add(interaction);
                continue;
            }
            customers.add(customer);
            entries.add(interaction.entry());
        }
        List<ConversationLog.AppendOutcome> outcomes = log.appendAll(customers, entries);
        for (int i = 0; i < outcomes.size(); i++) {
            summary.customerIds.add(customers.get(i).id());
            count(summary, outcomes.get(i), entries.get(i));
        }
        for (Interaction interaction : leftOver) {
            summary.add(recordInOrder(List.of(interaction), lookup));
        }
        return summary;
    }

    private Summary recordInOrder(List<Interaction> interactions, CustomerDirectory.Lookup lookup) {
        Summary summary = new Summary();
        // The lookup is a snapshot from before this batch wrote anything: good for an identity's first resolve only.
        java.util.Set<String> looked = new java.util.HashSet<>();
        java.util.function.Function<Identity, CustomerDirectory.Lookup> lookupFor =
                identity -> looked.add(identity.key()) ? lookup : CustomerDirectory.Lookup.NONE;
        for (Interaction interaction : interactions) {
            if (interaction instanceof Interaction.LogEntry logEntry) {
                var entry = logEntry.entry();
                Customer customer = resolve(summary, lookupFor, logEntry.customer(), logEntry.profileName(), entry.source(), entry.occurredAt());
                count(summary, log.append(customer, entry), entry);
            } else if (interaction instanceof Interaction.LogReply reply) {
                var entry = reply.entry();
                Customer customer = resolve(summary, lookupFor, reply.customer(), reply.profileName(), entry.source(), entry.occurredAt());
                count(summary, log.append(customer, entry, reply.threadReferences()), entry);
            } else if (interaction instanceof Interaction.UpdateStatus update) {
                var change = update.change();
                Customer customer = resolve(summary, lookupFor, update.customer(), null, change.source(), change.at());
                switch (log.applyStatus(customer, change)) {
                    case APPLIED, PLACEHOLDER_CREATED -> {
                        summary.statusesApplied++;
                        summary.eventTypes.add(io.switchboard.core.events.EventTypes.MESSAGE_STATUS);
                    }
                    case STALE, UNKNOWN_ENTRY -> summary.statusesStale++;
                }
            } else if (interaction instanceof Interaction.Watermark watermark) {
                Customer customer = resolve(summary, lookupFor, watermark.customer(), null, watermark.source(), watermark.upTo());
                summary.statusesApplied += log.applyWatermark(customer, watermark.channel(), watermark.source(),
                        watermark.status(), watermark.upTo());
            } else if (interaction instanceof Interaction.AmendEntry amend) {
                String source = amend.ifMissing() != null ? amend.ifMissing().source() : "/" + amend.channel().wireName();
                Customer customer = resolve(summary, lookupFor, amend.customer(), null, source, amend.at());
                var outcome = log.amend(customer, amend.channel(), amend.providerMessageId(), amend.text(),
                        amend.details(), amend.at());
                if (outcome == ConversationLog.AmendOutcome.AMENDED) {
                    summary.amended++;
                } else if (outcome == ConversationLog.AmendOutcome.MISSING && amend.ifMissing() != null) {
                    count(summary, log.append(customer, amend.ifMissing()), amend.ifMissing());
                }
            } else if (interaction instanceof Interaction.ProfileName named) {
                resolve(summary, lookupFor, named.customer(), named.name(), named.source(), named.at());
            } else if (interaction instanceof Interaction.LinkIdentity link) {
                Customer customer = resolve(summary, lookupFor, link.customer(), null, link.source(), link.at());
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

    private Customer resolve(Summary summary, java.util.function.Function<Identity, CustomerDirectory.Lookup> lookupFor,
                             Identity identity, String profileName, String source, Instant at) {
        var resolution = directory.resolve(identity, profileName, source, at, lookupFor.apply(identity));
        if (resolution.created()) {
            summary.customersCreated++;
            summary.newCustomers.add(identity);
            summary.eventTypes.add(io.switchboard.core.events.EventTypes.CUSTOMER_CREATED);
        }
        summary.customerIds.add(resolution.customer().id());
        return resolution.customer();
    }

    private static void count(Summary summary, ConversationLog.AppendOutcome outcome,
                              io.switchboard.core.model.ConversationEntry entry) {
        if (entry.providerMessageId() != null) {
            summary.providerMessageIds.add(entry.providerMessageId());
        }
        switch (outcome) {
            case APPENDED -> {
                summary.appended++;
                summary.eventTypes.add(io.switchboard.core.events.ChangeEvents.arrivalType(entry));
            }
            case DUPLICATE -> summary.duplicates++;
        }
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
        public int amended;
        /** The identities whose customer this batch created (a channel may look up their profile name once). */
        public final List<Identity> newCustomers = new java.util.ArrayList<>();
        /** The customers the batch touched, in order: ids only (they name no person), for the webhook's log line. */
        public final java.util.Set<String> customerIds = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());
        /** The provider message ids of the entries it appended or found. */
        public final java.util.Set<String> providerMessageIds = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());
        /** The event types the fan-out will announce for what it stored (conversation.opened aside: the log decides). */
        public final java.util.Set<String> eventTypes = java.util.Collections.synchronizedSet(new java.util.TreeSet<>());

        /** Something new was written (not only duplicates or stale statuses): the webhook's verdict is "stored". */
        public boolean storedAnything() {
            return appended + statusesApplied + amended + customersCreated + identitiesLinked > 0;
        }

        void add(Summary other) {
            customersCreated += other.customersCreated;
            appended += other.appended;
            duplicates += other.duplicates;
            statusesApplied += other.statusesApplied;
            statusesStale += other.statusesStale;
            identitiesLinked += other.identitiesLinked;
            linksRefused += other.linksRefused;
            amended += other.amended;
            newCustomers.addAll(other.newCustomers);
            customerIds.addAll(other.customerIds);
            providerMessageIds.addAll(other.providerMessageIds);
            eventTypes.addAll(other.eventTypes);
        }

        @Override
        public String toString() {
            return "customersCreated=" + customersCreated + " appended=" + appended + " duplicates=" + duplicates
                    + " statusesApplied=" + statusesApplied + " statusesStale=" + statusesStale
                    + " identitiesLinked=" + identitiesLinked + " linksRefused=" + linksRefused + " amended=" + amended;
        }
    }
}
