package io.switchboard.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.testing.InMemoryConversationLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergedTimelineTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final Customer survivor = customer("survivor");
    private final Customer merged = customer("merged");
    private final Customer chained = customer("chained");

    @Test
    void entriesOfEveryPartition_newestFirst_andEveryPageSizeWalksThemOnceInOrder() {
        // Interleaved in time across three partitions, so every page mixes them.
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            Customer owner = i % 3 == 0 ? survivor : i % 3 == 1 ? merged : chained;
            expected.add(0, append(owner, Channel.WHATSAPP, "m" + i, i).id());
        }
        List<String> partitions = List.of("survivor", "merged", "chained");
        assertEquals(expected, walk(partitions, null, 200));
        for (int limit = 1; limit <= 6; limit++) {
            assertEquals(expected, walk(partitions, null, limit), "pages of " + limit);
        }
    }

    @Test
    void withAChannelFilter_aPartitionWithFewMatchesHoldsNoOtherBack_andNothingIsSkipped() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Customer owner = i < 6 ? survivor : merged;
            ConversationEntry entry = append(owner, i % 4 == 0 ? Channel.SMS : Channel.WHATSAPP, "c" + i, i);
            if (entry.channel() == Channel.SMS) {
                expected.add(0, entry.id());
            }
        }
        for (int limit = 1; limit <= 4; limit++) {
            assertEquals(expected, walk(List.of("survivor", "merged"), Channel.SMS, limit), "pages of " + limit);
        }
    }

    @Test
    void theSameEntryInTwoPartitions_isShownOnce_evenAtAPageBoundary() {
        append(survivor, Channel.EMAIL, "a", 0);
        ConversationEntry twice = append(survivor, Channel.EMAIL, "raced", 1);
        append(merged, Channel.EMAIL, "raced", 1);
        append(merged, Channel.EMAIL, "b", 2);
        for (int limit = 1; limit <= 3; limit++) {
            List<String> walked = walk(List.of("survivor", "merged"), null, limit);
            assertEquals(3, walked.size(), "pages of " + limit + ": " + walked);
            assertEquals(1, walked.stream().filter(twice.id()::equals).count());
        }
    }

    @Test
    void onePartition_isThatPartitionsOwnPage_andAPositionFromBeforeTheMergeStillReads() {
        for (int i = 0; i < 3; i++) {
            append(survivor, Channel.SMS, "s" + i, i * 2);
            append(merged, Channel.SMS, "x" + i, i * 2 + 1);
        }
        ConversationLog.TimelinePage own = MergedTimeline.page(log, List.of("survivor"), null, 1, null);
        assertEquals(log.timeline("survivor", null, 1, null), own);
        ConversationLog.TimelinePage afterMerge = MergedTimeline.page(log, List.of("survivor", "merged"), null, 10, own.next());
        // The survivor's own position holds; the merged partition is read from its newest entry.
        assertEquals(5, afterMerge.entries().size());
        assertNull(afterMerge.next());
    }

    @Test
    void emptyPartitions_endAtOnce() {
        ConversationLog.TimelinePage page = MergedTimeline.page(log, List.of("survivor", "merged"), null, 5, null);
        assertTrue(page.entries().isEmpty());
        assertNull(page.next());
    }

    private List<String> walk(List<String> partitions, Channel channel, int limit) {
        List<String> walked = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            ConversationLog.TimelinePage page = MergedTimeline.page(log, partitions, channel, limit, after);
            assertTrue(page.entries().size() <= limit);
            page.entries().forEach(entry -> walked.add(entry.entry().id()));
            after = page.next();
            assertTrue(++pages < 100, "the walk ends");
        } while (after != null);
        return walked;
    }

    private ConversationEntry append(Customer owner, Channel channel, String providerMessageId, int minutes) {
        ConversationEntry entry = ConversationEntry.builder(channel, providerMessageId).source("/" + channel.wireName() + "/1")
                .occurredAt(T0.plusSeconds(60L * minutes)).text("text " + providerMessageId).build();
        log.append(owner, entry);
        return entry;
    }

    private static Customer customer(String id) {
        return new Customer(id, null, List.of("external:test:" + id), T0, "/test/1", null);
    }
}
