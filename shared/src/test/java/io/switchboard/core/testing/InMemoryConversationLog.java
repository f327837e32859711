package io.switchboard.core.testing;

import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import java.time.Instant;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.StatusChange;
import io.switchboard.core.store.LogItems;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A log in memory, for unit tests of one class (handlers, parsers): idempotent appends and forward-only
 * statuses like the real one, but no conversations. The real one is DynamoDbConversationLog.
 */
public class InMemoryConversationLog implements ConversationLog {

    private final Map<String, Map<String, ConversationEntry>> entriesByCustomer = new ConcurrentHashMap<>();

    @Override
    public synchronized AppendOutcome append(Customer customer, ConversationEntry entry, List<String> threadReferences,
                                             Map<String, Object> statusError) {
        Map<String, ConversationEntry> entries = entriesByCustomer.computeIfAbsent(customer.id(), id -> new ConcurrentHashMap<>());
        ConversationEntry existing = entries.get(entry.id());
        if (existing != null && !existing.placeholder()) {
            return AppendOutcome.DUPLICATE;
        }
        entries.put(entry.id(), existing == null ? entry : withStatus(entry, existing.status(), existing.statusAt(), false));
        return AppendOutcome.APPENDED;
    }

    @Override
    public synchronized StatusOutcome applyStatus(Customer customer, StatusChange change) {
        Map<String, ConversationEntry> entries = entriesByCustomer.computeIfAbsent(customer.id(), id -> new ConcurrentHashMap<>());
        ConversationEntry existing = entries.get(change.entryId());
        if (existing == null && change.placeholder() == null) {
            return StatusOutcome.UNKNOWN_ENTRY;
        }
        if (existing == null) {
            entries.put(change.entryId(), ConversationEntry.builder(change.channel(), change.providerMessageId())
                    .source(change.source()).direction(change.placeholder().direction()).kind(change.placeholder().kind())
                    .occurredAt(change.at()).status(change.status(), change.at()).placeholder(true).build());
            return StatusOutcome.PLACEHOLDER_CREATED;
        }
        if (!change.status().isAfter(existing.status())) {
            return StatusOutcome.STALE;
        }
        entries.put(existing.id(), withStatus(existing, change.status(), change.at(), existing.placeholder()));
        return StatusOutcome.APPLIED;
    }

    @Override
    public synchronized int applyWatermark(Customer customer, Channel channel, String source, DeliveryStatus status,
                                           Instant upTo) {
        int moved = 0;
        for (ConversationEntry entry : List.copyOf(entriesByCustomer.getOrDefault(customer.id(), Map.of()).values())) {
            if (entry.direction() == Direction.OUTBOUND && entry.channel() == channel && entry.source().equals(source)
                    && !entry.occurredAt().isAfter(upTo) && status.isAfter(entry.status())) {
                applyStatus(customer, new StatusChange(channel, source, entry.providerMessageId(), status, upTo, Map.of(), null));
                moved++;
            }
        }
        return moved;
    }

    @Override
    public synchronized AmendOutcome amend(Customer customer, Channel channel, String providerMessageId, String text,
                                           Map<String, Object> details, Instant at) {
        Map<String, ConversationEntry> entries = entriesByCustomer.getOrDefault(customer.id(), Map.of());
        ConversationEntry entry = entries.get(ConversationEntry.idFor(channel, providerMessageId));
        if (entry == null) {
            return AmendOutcome.MISSING;
        }
        Map<String, Object> merged = new java.util.LinkedHashMap<>(entry.details());
        merged.putAll(details);
        String newText = text != null ? text : entry.text();
        if (java.util.Objects.equals(newText, entry.text()) && merged.equals(entry.details())) {
            return AmendOutcome.UNCHANGED;
        }
        entries.put(entry.id(), new ConversationEntry(entry.id(), entry.channel(), entry.source(), entry.direction(),
                entry.kind(), entry.occurredAt(), newText, entry.attachments(), entry.providerMessageId(), entry.replyTo(),
                entry.conversationId(), entry.opensConversation(), entry.status(), entry.statusAt(), merged,
                entry.placeholder()));
        return AmendOutcome.AMENDED;
    }

    /** As the real one: forward only, once; a write moves one attachment and nothing else of the entry. */
    @Override
    public synchronized AttachmentOutcome updateAttachment(String customerId, String entryId, int index,
                                                           AttachmentUpdate update) {
        Map<String, ConversationEntry> entries = entriesByCustomer.getOrDefault(customerId, Map.of());
        ConversationEntry entry = entries.get(entryId);
        if (entry == null || index < 0 || index >= entry.attachments().size()) {
            return AttachmentOutcome.MISSING;
        }
        Attachment current = entry.attachments().get(index);
        if (current.status() == update.status()) {
            return AttachmentOutcome.UNCHANGED;
        }
        if (!current.status().canMoveTo(update.status())) {
            return AttachmentOutcome.STALE;
        }
        List<Attachment> attachments = new ArrayList<>(entry.attachments());
        attachments.set(index, current.with(update));
        entries.put(entryId, new ConversationEntry(entry.id(), entry.channel(), entry.source(), entry.direction(),
                entry.kind(), entry.occurredAt(), entry.text(), attachments, entry.providerMessageId(), entry.replyTo(),
                entry.conversationId(), entry.opensConversation(), entry.status(), entry.statusAt(), entry.details(),
                entry.placeholder()));
        return AttachmentOutcome.UPDATED;
    }

    @Override
    public List<ConversationEntry> history(String customerId, int limit) {
        List<ConversationEntry> all = new ArrayList<>(entriesByCustomer.getOrDefault(customerId, Map.of()).values());
        all.sort(Comparator.comparing(ConversationEntry::occurredAt).thenComparing(ConversationEntry::id));
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    /** Newest first by occurredAt then id (the store's time key); the position is the last entry's id. */
    @Override
    public synchronized TimelinePage timeline(String customerId, Channel channel, int limit, String after) {
        List<ConversationEntry> all = new ArrayList<>(entriesByCustomer.getOrDefault(customerId, Map.of()).values());
        all.sort(Comparator.comparing(ConversationEntry::occurredAt).thenComparing(ConversationEntry::id).reversed());
        int start = 0;
        if (after != null) {
            while (start < all.size() && !LogItems.timeKey(all.get(start).occurredAt(), all.get(start).id()).equals(after)) {
                start++;
            }
            start++;
        }
        List<ConversationEntry> looked = all.subList(Math.min(start, all.size()), Math.min(start + limit, all.size()));
        List<io.switchboard.core.log.LogChange.LoggedEntry> entries = looked.stream()
                .filter(entry -> channel == null || entry.channel() == channel)
                .map(io.switchboard.core.log.LogChange.LoggedEntry::of).toList();
        boolean more = start + limit < all.size();
        ConversationEntry last = more ? looked.get(looked.size() - 1) : null;
        return new TimelinePage(entries, last == null ? null : LogItems.timeKey(last.occurredAt(), last.id()));
    }

    @Override
    public Optional<ConversationEntry> find(String customerId, String entryId) {
        return Optional.ofNullable(entriesByCustomer.getOrDefault(customerId, Map.of()).get(entryId));
    }

    /** The entry of a provider message, whoever's it is, or null; for assertions. */
    public synchronized ConversationEntry byProviderMessageId(Channel channel, String providerMessageId) {
        String entryId = ConversationEntry.idFor(channel, providerMessageId);
        return all().stream().filter(entry -> entry.id().equals(entryId)).findFirst().orElse(null);
    }

    /** Every entry of every customer, for assertions. */
    public synchronized List<ConversationEntry> all() {
        List<ConversationEntry> all = new ArrayList<>();
        entriesByCustomer.values().forEach(entries -> all.addAll(entries.values()));
        return all;
    }

    private static ConversationEntry withStatus(ConversationEntry entry, DeliveryStatus status, java.time.Instant statusAt,
                                                boolean placeholder) {
        return new ConversationEntry(entry.id(), entry.channel(), entry.source(), entry.direction(), entry.kind(),
                entry.occurredAt(), entry.text(), entry.attachments(), entry.providerMessageId(), entry.replyTo(),
                entry.conversationId(), entry.opensConversation(), status,
                statusAt, entry.details(), placeholder);
    }
}
