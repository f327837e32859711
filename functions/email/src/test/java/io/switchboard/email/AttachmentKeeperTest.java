package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttachmentKeeperTest {

    private static final Instant AT = Instant.parse("2026-12-06T09:00:00Z");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};
    private static final byte[] HTML = "<html><script>x</script>".getBytes(StandardCharsets.UTF_8);

    private static Attachment declared(String type, String filename) {
        return new Attachment("file", type, null, null, filename, null, null)
                .withStatus(AttachmentStatus.REFERENCE);
    }

    @Test
    void eachIsStoredUnderItsKey_typedByItsBytes_tooLargeAndUnreadableFail() {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        AttachmentKeeper keeper = new AttachmentKeeper((key, bytes, type) -> {
            objects.put(key, bytes);
            types.put(key, type);
        }, 30);
        byte[] large = new byte[31];

        List<Attachment> kept = keeper.keep("c-1", "e-1",
                List.of(declared("application/pdf", "a.png"), declared("image/png", "b.html"),
                        declared("image/png", "c.bin"), declared("image/png", "d.png")),
                Arrays.asList(PNG, HTML, large, null), AT);

        assertEquals(List.of("c-1/e-1/0", "c-1/e-1/1"), List.copyOf(objects.keySet()));
        assertArrayEquals(PNG, objects.get("c-1/e-1/0"));
        assertEquals(Map.of("c-1/e-1/0", "image/png", "c-1/e-1/1", "application/octet-stream"), types);

        Attachment png = kept.get(0);
        assertEquals(AttachmentStatus.STORED, png.status());
        assertEquals("image/png", png.contentType(), "sniffed, not the declared application/pdf");
        assertEquals(11L, png.sizeBytes());
        assertEquals(64, png.sha256().length());
        assertEquals("c-1/e-1/0", png.objectKey());
        assertEquals("application/octet-stream", kept.get(1).contentType());
        assertEquals(AttachmentStatus.FAILED, kept.get(2).status());
        assertEquals(Attachment.TOO_LARGE, kept.get(2).reason());
        assertEquals(AttachmentStatus.FAILED, kept.get(3).status());
        assertEquals(Attachment.UNSUPPORTED, kept.get(3).reason());
        assertNull(kept.get(3).objectKey());
    }

    @Test
    void aStoreFailure_isThrown_soThatNothingIsWritten() {
        AttachmentKeeper keeper = new AttachmentKeeper((key, bytes, type) -> {
            throw new IOException("S3 PutObject answered 503");
        }, 1000);

        assertThrows(UncheckedIOException.class, () -> keeper.keep("c-1", "e-1",
                List.of(declared("image/png", "a.png")), List.of(PNG), AT));
    }

    @Test
    void withoutBytes_theAttachmentsAreLeftAsTheyAre() {
        List<Attachment> attachments = List.of(declared("image/png", "a.png"));
        AttachmentKeeper keeper = new AttachmentKeeper((key, bytes, type) -> {
            throw new AssertionError("nothing to store");
        }, 1000);

        assertSame(attachments, keeper.keep("c-1", "e-1", attachments, List.of(), AT));
    }
}
