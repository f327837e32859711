package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers carry each attachment's bytes to the function, one for one with the attachments, and stay pure. */
class AttachmentBytesTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};

    @Test
    void postmark_decodesEachContent_andUnreadableContentIsNull() {
        byte[] json = """
                {"FromFull": {"Email": "ann@example.com", "Name": "Ann"}, "MessageID": "m-1", "TextBody": "hi",
                 "Attachments": [
                   {"Name": "a.png", "ContentType": "image/png", "ContentLength": 11, "Content": "%s"},
                   {"Name": "b.bin", "ContentType": "application/octet-stream", "Content": "not base64!"}]}
                """.formatted(Base64.getEncoder().encodeToString(PNG)).getBytes(StandardCharsets.UTF_8);

        ParsedEmail email = PostmarkParser.parse(json);

        assertEquals(2, email.attachments().size());
        assertArrayEquals(PNG, email.attachmentBytes().get(0));
        assertNull(email.attachmentBytes().get(1));
    }

    @Test
    void mime_carriesEachPartDecoded_asLongAsItsMeasuredSize() {
        ParsedEmail email = MimeEmailParser.parse(Fixtures.bytes("multipart_with_attachment.eml"));

        assertEquals(email.attachments().size(), email.attachmentBytes().size());
        for (int i = 0; i < email.attachments().size(); i++) {
            assertEquals(email.attachments().get(i).sizeBytes(), (long) email.attachmentBytes().get(i).length);
        }
        assertEquals(0x89, email.attachmentBytes().get(0)[0] & 0xFF, "the inline PNG, base64-decoded");
    }

    @Test
    void bytesThatDoNotMatchTheAttachments_areRefused() {
        ParsedEmail email = PostmarkParser.parse("""
                {"FromFull": {"Email": "ann@example.com"}, "MessageID": "m-2", "TextBody": "hi"}""".getBytes(StandardCharsets.UTF_8));

        assertThrows(IllegalArgumentException.class,
                () -> email.withAttachmentBytes(List.of("x".getBytes(StandardCharsets.UTF_8))));
    }
}
