package io.switchboard.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Attachments in the log's items: the state fields written and read back, and items written before them. */
class LogItemsAttachmentsTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void givenAParsersAttachment_thenProviderHeldMediaIsPending_andOneNamingNothingIsAReference() {
        assertEquals(AttachmentStatus.PENDING, new Attachment("image", "image/jpeg", "media-1", null, null, null, null).status());
        assertEquals(AttachmentStatus.PENDING, new Attachment("audio", null, null, "https://api.twilio.com/r", null, null, null).status());
        assertEquals(AttachmentStatus.PENDING, Attachment.media("image", "image/png", "m", null, null).status());
        assertEquals(AttachmentStatus.REFERENCE, new Attachment("location", null, null, null, null, null, null).status());
        assertEquals(AttachmentStatus.REFERENCE,
                new Attachment("image", null, null, "https://cdn.example/x", null, null, null).withStatus(AttachmentStatus.REFERENCE).status());
    }

    @Test
    void givenAnItemWrittenBeforeMediaWereKept_whenRead_thenItsAttachmentsAreReferences_withEverythingElseAsBefore() {
        // The shape the store wrote until now: the record's seven fields, absent ones left out.
        Map<String, AttributeValue> item = itemWith("[{\"type\":\"image\",\"mimeType\":\"image/jpeg\",\"mediaId\":\"1234\","
                + "\"url\":\"https://lookaside.fbsbx.com/x\",\"caption\":\"look\",\"sizeBytes\":2048},{\"type\":\"location\"}]");

        List<Attachment> read = LogItems.entryFrom(item).attachments();

        assertEquals(List.of(
                new Attachment("image", "image/jpeg", "1234", "https://lookaside.fbsbx.com/x", null, "look", 2048L,
                        AttachmentStatus.REFERENCE, null, null, null, null, null),
                new Attachment("location", null, null, null, null, null, null, AttachmentStatus.REFERENCE, null, null,
                        null, null, null)), read);
    }

    @Test
    void givenAttachmentsInEveryState_whenWrittenAndRead_thenTheyComeBackEqual_withoutEmptyFields() {
        Attachment pending = new Attachment("image", "image/jpeg", "m1", null, "a.jpg", "cap", 10L);
        Attachment stored = new Attachment("document", "application/pdf", "m2", null, "b.pdf", null, 99L)
                .with(AttachmentUpdate.stored("application/pdf", 12_345L, SHA, "c1/e1/1", AT));
        Attachment failed = new Attachment("video", null, null, "https://x.example/v", null, null, 5_000_000_000L)
                .with(AttachmentUpdate.failed(Attachment.TOO_LARGE, AT.plusSeconds(3)));
        Attachment reference = new Attachment("share", null, null, "https://instagram.example/p", null, null, null)
                .withStatus(AttachmentStatus.REFERENCE);
        ConversationEntry entry = ConversationEntry.builder(Channel.WHATSAPP, "wamid.1").source("/whatsapp/1")
                .occurredAt(AT).attachments(List.of(pending, stored, failed, reference)).build();

        Map<String, AttributeValue> item = new HashMap<>(LogItems.entryAttributes(entry));
        item.putAll(LogItems.key("c1", LogItems.entrySk(entry.id())));

        assertEquals(entry.attachments(), LogItems.entryFrom(item).attachments());
        String json = item.get(LogItems.ATTACHMENTS).s();
        assertFalse(json.contains("null"), json);
        assertTrue(json.contains("\"status\":\"pending\"") && json.contains("\"objectKey\":\"c1/e1/1\"")
                && json.contains("\"settledAt\":\"2026-11-20T10:00:00"), json);
        assertEquals(12_345L, LogItems.entryFrom(item).attachments().get(1).sizeBytes(), "the stored object's size");
        assertEquals(5_000_000_000L, LogItems.entryFrom(item).attachments().get(2).sizeBytes(), "the provider's, kept");
    }

    @Test
    void anUpdate_isStoredWithWhatWasKept_orFailedWithAReason_nothingElse() {
        Attachment stored = new Attachment("image", "image/jpeg", "m1", null, "a.jpg", "cap", 10L)
                .with(AttachmentUpdate.stored("image/png", 11L, SHA, "c/e/0", AT));
        assertEquals(new Attachment("image", "image/jpeg", "m1", null, "a.jpg", "cap", 11L, AttachmentStatus.STORED,
                "image/png", SHA, null, "c/e/0", AT), stored);
        Attachment failed = new Attachment("image", "image/jpeg", "m1", null, "a.jpg", "cap", 10L)
                .with(AttachmentUpdate.failed(Attachment.EXPIRED, AT));
        assertEquals(new Attachment("image", "image/jpeg", "m1", null, "a.jpg", "cap", 10L, AttachmentStatus.FAILED,
                null, null, "expired", null, AT), failed);

        assertThrows(IllegalArgumentException.class, () -> AttachmentUpdate.stored("image/png", 1, "ABC", "k", AT));
        assertThrows(IllegalArgumentException.class, () -> AttachmentUpdate.failed("Not A Code", AT));
        assertThrows(IllegalArgumentException.class, () -> new AttachmentUpdate(AttachmentStatus.PENDING, null, null,
                null, null, null, AT));
        assertEquals("c1/e1/2", Attachment.objectKey("c1", "e1", 2));
        assertEquals("/v1/customers/c1/entries/e1/attachments/2", Attachment.downloadPath("c1", "e1", 2));
    }

    @Test
    void statesOnlyMoveForward() {
        assertTrue(AttachmentStatus.PENDING.canMoveTo(AttachmentStatus.STORED));
        assertTrue(AttachmentStatus.PENDING.canMoveTo(AttachmentStatus.FAILED));
        assertTrue(AttachmentStatus.FAILED.canMoveTo(AttachmentStatus.STORED));
        assertFalse(AttachmentStatus.STORED.canMoveTo(AttachmentStatus.FAILED));
        assertFalse(AttachmentStatus.FAILED.canMoveTo(AttachmentStatus.FAILED));
        assertFalse(AttachmentStatus.REFERENCE.canMoveTo(AttachmentStatus.STORED));
        assertFalse(AttachmentStatus.STORED.canMoveTo(AttachmentStatus.PENDING));
        for (AttachmentStatus status : AttachmentStatus.values()) {
            assertEquals(status, AttachmentStatus.fromWire(status.wireName()));
        }
        assertNull(new Attachment("file", null, null, null, null, null, null).objectKey());
    }

    private static Map<String, AttributeValue> itemWith(String attachmentsJson) {
        ConversationEntry entry = ConversationEntry.builder(Channel.MESSENGER, "m.1").source("/messenger/1")
                .occurredAt(AT).build();
        Map<String, AttributeValue> item = new HashMap<>(LogItems.entryAttributes(entry));
        item.putAll(LogItems.key("c1", LogItems.entrySk(entry.id())));
        item.put(LogItems.ATTACHMENTS, AttributeValue.fromS(attachmentsJson));
        return item;
    }
}
