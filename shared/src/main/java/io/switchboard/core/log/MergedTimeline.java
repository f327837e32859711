package io.switchboard.core.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.store.LogItems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The timeline of a customer that others were merged into: its own log partition and each merged customer's,
 * merged newest first, with one {@link ConversationLog#timeline} read (one Query) per partition per page. Nothing
 * is copied at merge time, so a webhook that raced the merge and landed in a merged customer's partition shows here
 * too.
 *
 * <p>The position of a page is one position per partition, in the order of {@code partitions}: a JSON array whose
 * items are a partition's position (the time key of the last entry taken from it), {@code ""} for a partition not
 * read yet, or null for one read to its end. With one partition it is that partition's own position, as before any
 * merge. An entry is taken only when no partition can still hold a newer one: not below the highest position at
 * which a partition's read stopped (with a channel filter a read can stop with few entries). The same entry in two
 * partitions (a retried delivery that raced the merge) is shown once.
 */
public final class MergedTimeline {

    private static final String NOT_STARTED = "";

    private MergedTimeline() {
    }

    /**
     * @param partitions the survivor's id first, then the merged customers' ({@code Customer.timelinePartitions})
     * @param after      the previous page's {@code next}, or null for the newest entries
     */
    public static ConversationLog.TimelinePage page(ConversationLog log, List<String> partitions, Channel channel,
                                                    int limit, String after) {
        if (partitions.size() == 1) {
            return log.timeline(partitions.get(0), channel, limit, after);
        }
        List<String> positions = positions(after, partitions.size());
        List<Read> reads = new ArrayList<>();
        String boundary = null;
        for (int i = 0; i < partitions.size(); i++) {
            String position = positions.get(i);
            if (position == null) {
                continue;
            }
            ConversationLog.TimelinePage page = log.timeline(partitions.get(i), channel, limit,
                    position.equals(NOT_STARTED) ? null : position);
            reads.add(new Read(i, page));
            if (page.next() != null && (boundary == null || page.next().compareTo(boundary) > 0)) {
                boundary = page.next();
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Read read : reads) {
            for (LogChange.LoggedEntry entry : read.page.entries()) {
                String key = timeKey(entry.entry());
                if (boundary == null || key.compareTo(boundary) >= 0) {
                    candidates.add(new Candidate(read.partition, key, entry));
                }
            }
        }
        candidates.sort(Comparator.comparing(Candidate::key).reversed());

        List<LogChange.LoggedEntry> entries = new ArrayList<>();
        Set<String> shown = new HashSet<>();
        List<String> next = new ArrayList<>(positions);
        int[] taken = new int[partitions.size()];
        String last = null;
        for (Candidate candidate : candidates) {
            // A copy of the entry just taken (same time key) goes with it, so copies never straddle two pages.
            if (entries.size() >= limit && !candidate.key.equals(last)) {
                break;
            }
            if (shown.add(candidate.entry.entry().id())) {
                entries.add(candidate.entry);
            }
            next.set(candidate.partition, candidate.key);
            taken[candidate.partition]++;
            last = candidate.key;
        }
        boolean more = false;
        for (Read read : reads) {
            boolean allTaken = taken[read.partition] == read.page.entries().size();
            if (allTaken && read.page.next() == null) {
                next.set(read.partition, null);
            } else if (allTaken && read.page.next().equals(boundary)) {
                // Read up to the boundary and all of it taken: go on after what the read looked at.
                next.set(read.partition, read.page.next());
                more = true;
            } else {
                more = true;
            }
        }
        return new ConversationLog.TimelinePage(entries, more ? write(next) : null);
    }

    private static String timeKey(ConversationEntry entry) {
        return LogItems.timeKey(entry.occurredAt(), entry.id());
    }

    /** Partitions merged in after the cursor was issued start from their newest entry. */
    private static List<String> positions(String after, int partitions) {
        List<String> positions = new ArrayList<>();
        if (after != null && !after.startsWith("[")) {
            // A position issued before the merge: the survivor's own, the others not read yet.
            positions.add(after);
        } else if (after != null) {
            JsonNode array;
            try {
                array = Json.MAPPER.readTree(after);
            } catch (IOException notJson) {
                throw new IllegalArgumentException("not a merged timeline position");
            }
            if (array == null || !array.isArray()) {
                throw new IllegalArgumentException("not a merged timeline position");
            }
            array.forEach(item -> positions.add(item.isNull() ? null : item.asText()));
        }
        while (positions.size() < partitions) {
            positions.add(NOT_STARTED);
        }
        return positions.subList(0, partitions);
    }

    private static String write(List<String> positions) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        positions.forEach(array::add);
        return array.toString();
    }

    private record Read(int partition, ConversationLog.TimelinePage page) {
    }

    private record Candidate(int partition, String key, LogChange.LoggedEntry entry) {
    }
}
