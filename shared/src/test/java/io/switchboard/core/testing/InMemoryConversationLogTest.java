package io.switchboard.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.core.log.ConversationLog.AttachmentOutcome;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake keeps the real log's rules for attachment updates (the real one: EmbeddedAttachmentStatesTest in infra/e2e). */
class InMemoryConversationLogTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void attachmentUpdates_moveForwardOnce() {
        InMemoryConversationLog log = new InMemoryConversationLog();
        Customer customer = new Customer("c1", null, List.of("phone:+14155550100"), AT, "/whatsapp/1", null);
        ConversationEntry entry = ConversationEntry.builder(Channel.WHATSAPP, "wamid.1").source("/whatsapp/1").occurredAt(AT)
                .attachments(List.of(new Attachment("image", "image/jpeg", "m1", null, null, null, null),
                        new Attachment("location", null, null, null, null, null, null))).build();
        log.append(customer, entry);
        AttachmentUpdate stored = AttachmentUpdate.stored("image/jpeg", 4L, SHA, "c1/" + entry.id() + "/0", AT);

        assertEquals(AttachmentOutcome.UPDATED, log.updateAttachment("c1", entry.id(), 0, stored));
        assertEquals(AttachmentOutcome.UNCHANGED, log.updateAttachment("c1", entry.id(), 0, stored));
        assertEquals(AttachmentOutcome.STALE, log.updateAttachment("c1", entry.id(), 0, AttachmentUpdate.failed("expired", AT)));
        assertEquals(AttachmentOutcome.STALE, log.updateAttachment("c1", entry.id(), 1, stored), "a reference is never fetched");
        assertEquals(AttachmentOutcome.MISSING, log.updateAttachment("c1", entry.id(), 2, stored));
        assertEquals(AttachmentOutcome.MISSING, log.updateAttachment("c1", "e-unknown", 0, stored));
        ConversationEntry after = log.find("c1", entry.id()).orElseThrow();
        assertEquals(AttachmentStatus.STORED, after.attachments().get(0).status());
        assertEquals(entry.attachments().get(1), after.attachments().get(1));
    }
}
