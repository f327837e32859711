package io.switchboard.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaTypesTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theSafeKinds_areNamedFromTheirMagicBytes() {
        assertEquals("image/png", MediaTypes.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0)));
        assertEquals("image/jpeg", MediaTypes.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10)));
        assertEquals("image/gif", MediaTypes.sniff(ascii("GIF89a\u0001\u0000")));
        assertEquals("image/webp", MediaTypes.sniff(ascii("RIFF\u0000\u0000\u0000\u0000WEBPVP8 ")));
        assertEquals("audio/wav", MediaTypes.sniff(ascii("RIFF\u0000\u0000\u0000\u0000WAVEfmt ")));
        assertEquals("application/pdf", MediaTypes.sniff(ascii("%PDF-1.7\n")));
        assertEquals("audio/mpeg", MediaTypes.sniff(ascii("ID3\u0004\u0000")));
        assertEquals("audio/mpeg", MediaTypes.sniff(bytes(0xFF, 0xFB, 0x90, 0x64)));
        assertEquals("audio/ogg", MediaTypes.sniff(ascii("OggS\u0000\u0002")));
        assertEquals("video/mp4", MediaTypes.sniff(ascii("\u0000\u0000\u0000\u0018ftypisom\u0000\u0000")));
        assertEquals("audio/mp4", MediaTypes.sniff(ascii("\u0000\u0000\u0000\u0020ftypM4A \u0000\u0000")));
    }

    @Test
    void anythingElse_isDownloadedNeverRendered() {
        assertEquals(MediaTypes.DOWNLOAD, MediaTypes.sniff(ascii("<svg xmlns=\"http://www.w3.org/2000/svg\"><script/>")));
        assertEquals(MediaTypes.DOWNLOAD, MediaTypes.sniff(ascii("<!DOCTYPE html><html>")));
        assertEquals(MediaTypes.DOWNLOAD, MediaTypes.sniff(ascii("PK\u0003\u0004")));
        assertEquals(MediaTypes.DOWNLOAD, MediaTypes.sniff(ascii("RIFF\u0000\u0000\u0000\u0000AVI ")));
        assertEquals(MediaTypes.DOWNLOAD, MediaTypes.sniff(ascii("%PD")));
        assertEquals(MediaTypes.DOWNLOAD, MediaTypes.sniff(new byte[0]));
        assertEquals(MediaTypes.DOWNLOAD, MediaTypes.sniff(null));
    }
}
