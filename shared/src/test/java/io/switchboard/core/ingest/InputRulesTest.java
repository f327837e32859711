package io.switchboard.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.StatusChange;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputRulesTest {

    private static final Instant ARRIVAL = Instant.parse("2026-11-29T12:00:00Z");
    private static final Identity ANN = Identity.phone("14155550100");

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final InteractionRecorder recorder = new InteractionRecorder(directory, log, Clock.fixed(ARRIVAL, ZoneOffset.UTC));

    private static ConversationEntry.Builder message(String id) {
        return ConversationEntry.builder(Channel.WHATSAPP, id).source("/whatsapp/1").occurredAt(ARRIVAL.minusSeconds(5))
                .text("hello");
    }

    @Test
    void poisonCharacters_areStoredAsReplacementCharacters_everywhere() {
        // given text, a profile name and details with characters SQS refuses
        var entry = message("wamid.\uFFFE").text("a\uFFFEb\uD83Dc").detail("raw", Map.of("k\uFFFF", List.of("v\uD800")))
                .build();
        // when recorded
        recorder.record(List.of(new Interaction.LogEntry(ANN, "Ann\uFFFF", entry)));
        // then everything stored is clean
        ConversationEntry stored = log.all().get(0);
        assertEquals("a\uFFFDb\uFFFDc", stored.text());
        assertEquals("wamid.\uFFFD", stored.providerMessageId());
        assertEquals(Map.of("k\uFFFD", List.of("v\uFFFD")), stored.details().get("raw"));
        assertEquals("Ann\uFFFD", directory.find(ANN).orElseThrow().displayName());
    }

    @Test
    void farFutureTime_isClampedToArrival_flagged_andTheProviderValueKept() {
        // given WhatsApp's "timestamp": "99999999999" (the year 5138)
        var entry = message("wamid.F").occurredAt(Instant.ofEpochSecond(99_999_999_999L)).build();
        // when recorded
        recorder.record(List.of(new Interaction.LogEntry(ANN, null, entry)));
        // then it occurred at arrival, with the provider's time in details
        ConversationEntry stored = log.all().get(0);
        assertEquals(ARRIVAL, stored.occurredAt());
        assertEquals(true, stored.details().get(InputRules.TIME_CLAMPED));
        assertEquals("5138-11-16T09:46:39Z", stored.details().get(InputRules.PROVIDER_TIME));
    }

    @Test
    void timeWithinTheAllowedSkew_isKept() {
        var entry = message("wamid.S").occurredAt(ARRIVAL.plusSeconds(120)).build();
        recorder.record(List.of(new Interaction.LogEntry(ANN, null, entry)));
        assertEquals(ARRIVAL.plusSeconds(120), log.all().get(0).occurredAt());
        assertNull(log.all().get(0).details().get(InputRules.TIME_CLAMPED));
    }

    @Test
    void futureStatusTime_isClampedToArrival() {
        var change = new StatusChange(Channel.WHATSAPP, "/whatsapp/1", "wamid.X", DeliveryStatus.READ,
                Instant.parse("2099-01-01T00:00:00Z"), Map.of());
        recorder.record(List.of(new Interaction.UpdateStatus(ANN, change)));
        assertEquals(ARRIVAL, log.all().get(0).statusAt());
    }

    @Test
    void textOverTheLimit_isTruncatedAndFlagged() {
        var entry = message("wamid.T").text("x".repeat(500_000)).build();
        recorder.record(List.of(new Interaction.LogEntry(ANN, null, entry)));
        ConversationEntry stored = log.all().get(0);
        assertEquals(InputRules.MAX_TEXT_CHARS, stored.text().length());
        assertEquals(true, stored.details().get(InputRules.TEXT_TRUNCATED));
        assertEquals(500_000, stored.details().get(InputRules.ORIGINAL_TEXT_LENGTH));
    }

    @Test
    void overlongProviderId_isRefused_andNothingOfTheBatchIsWritten() {
        // given a good message followed by one whose id no provider would issue
        var good = message("wamid.G").build();
        var bad = message("x".repeat(InputRules.MAX_ID_CHARS + 1)).build();
        // when the batch is recorded
        assertThrows(RejectedInputException.class, () -> recorder.record(List.of(
                new Interaction.LogEntry(ANN, null, good), new Interaction.LogEntry(ANN, null, bad))));
        // then not even the good one, nor its customer, was written
        assertEquals(0, directory.customerCount());
        assertTrue(log.all().isEmpty());
    }

    @Test
    void overlongSource_isRefused() {
        var entry = message("wamid.A").source("/whatsapp/" + "1".repeat(3000)).build();
        assertThrows(RejectedInputException.class, () -> recorder.record(List.of(new Interaction.LogEntry(ANN, null, entry))));
        assertEquals(0, directory.customerCount());
    }

    @Test
    void overlongIdentityKey_isAnInvalidIdentity() {
        assertThrows(InvalidIdentityException.class, () -> Identity.email("a".repeat(5000) + "@example.com"));
        assertThrows(InvalidIdentityException.class, () -> new Identity("messenger:" + "1".repeat(2000) + ":2"));
    }

    @Test
    void hugeDetailValue_isTruncatedAndFlagged() {
        var entry = message("wamid.D").detail("raw", "{".repeat(100_000)).build();
        recorder.record(List.of(new Interaction.LogEntry(ANN, null, entry)));
        ConversationEntry stored = log.all().get(0);
        assertEquals(InputRules.MAX_DETAIL_CHARS, ((String) stored.details().get("raw")).length());
        assertEquals(true, stored.details().get(InputRules.DETAILS_TRUNCATED));
    }
}
