package io.switchboard.core.media;

import java.nio.charset.StandardCharsets;

/**
 * The content type a stored attachment is served with, sniffed from its first bytes; a declared type is never
 * trusted (docs/architecture.md, "Media"). Only kinds a browser shows without running anything are named: images
 * (PNG, JPEG, GIF, WebP), PDF, audio (MP3, OGG, WAV, M4A) and MP4 video. Everything else, SVG and HTML included
 * (they carry scripts), is {@value #DOWNLOAD}: downloaded, never rendered. The signatures are the ones the WHATWG
 * MIME Sniffing standard lists: https://mimesniff.spec.whatwg.org/#matching-an-image-type-pattern and
 * https://mimesniff.spec.whatwg.org/#matching-an-audio-or-video-type-pattern
 */
public final class MediaTypes {

    /** What anything outside the safe list is stored as. */
    public static final String DOWNLOAD = "application/octet-stream";

    private MediaTypes() {
    }

    /** The safe content type the bytes are, or {@value #DOWNLOAD}. */
    public static String sniff(byte[] bytes) {
        if (bytes == null) {
            return DOWNLOAD;
        }
        if (starts(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (starts(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) {
            return "image/gif";
        }
        if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBPVP")) {
            return "image/webp";
        }
        if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE")) {
            return "audio/wav";
        }
        if (ascii(bytes, 0, "%PDF-")) {
            return "application/pdf";
        }
        if (ascii(bytes, 0, "ID3") || (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xE0) == 0xE0
                && (bytes[1] & 0x06) != 0)) {
            // An ID3v2 tag, or an MPEG audio frame sync with a layer set (a bare MP3).
            return "audio/mpeg";
        }
        if (ascii(bytes, 0, "OggS") && bytes.length > 4 && bytes[4] == 0) {
            return "audio/ogg";
        }
        if (ascii(bytes, 4, "ftyp") && bytes.length >= 12) {
            // ISO base media: the major brand says audio-only (M4A) or video.
            String brand = new String(bytes, 8, 4, StandardCharsets.ISO_8859_1);
            return brand.startsWith("M4A") ? "audio/mp4" : "video/mp4";
        }
        return DOWNLOAD;
    }

    private static boolean starts(byte[] bytes, int at, int... signature) {
        if (bytes.length < at + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((bytes[at + i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] bytes, int at, String signature) {
        return starts(bytes, at, signature.chars().toArray());
    }
}
