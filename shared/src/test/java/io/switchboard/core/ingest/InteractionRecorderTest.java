package io.switchboard.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InteractionRecorderTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InteractionRecorder recorder = new InteractionRecorder(directory, new InMemoryConversationLog());

    @Test
    void retriedBatch_appendsNothingTheSecondTime() {
        var batch = List.of(message("14155550100", "wamid.1"), message("14155550100", "wamid.2"));

        var first = recorder.record(batch);
        var retry = recorder.record(batch);

        assertEquals(1, first.customersCreated);
        assertEquals(2, first.appended);
        assertEquals(0, retry.appended);
        assertEquals(2, retry.duplicates);
    }

    @Test
    void newNumberOfAKnownCustomer_joinsThatCustomer() {
        recorder.record(List.of(message("14155550100", "wamid.1")));

        var summary = recorder.record(List.of(new Interaction.LinkIdentity(Identity.phone("14155550100"),
                Identity.phone("14155550199"), "/whatsapp/1", AT)));

        assertEquals(1, summary.identitiesLinked);
        assertEquals(directory.find(Identity.phone("14155550100")), directory.find(Identity.phone("14155550199")));
    }

    @Test
    void linkToAnIdentityOwnedByAnotherCustomer_isRefused_andBothKeepTheirOwner() {
        recorder.record(List.of(message("14155550100", "wamid.1"), message("14155550199", "wamid.2")));

        var summary = recorder.record(List.of(new Interaction.LinkIdentity(Identity.phone("14155550100"),
                Identity.phone("14155550199"), "/whatsapp/1", AT)));

        assertEquals(0, summary.identitiesLinked);
        assertEquals(1, summary.linksRefused);
        assertEquals(2, directory.customerCount());
    }

    private static Interaction.LogEntry message(String waId, String wamid) {
        return new Interaction.LogEntry(Identity.phone(waId), "Ann",
                ConversationEntry.builder(Channel.WHATSAPP, wamid).source("/whatsapp/1").occurredAt(AT).text("hi").build());
    }
}
