package io.switchboard.api;

import io.switchboard.core.model.Attachment;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The Content-Disposition a download is served with: {@code attachment}, with the attachment's file name (else one
 * made of its index and content type) as RFC 6266 gives it: {@code filename} in ASCII for every client, and
 * {@code filename*} (RFC 8187, UTF-8) when the name has more than ASCII.
 * https://www.rfc-editor.org/rfc/rfc6266#section-4.3 and https://www.rfc-editor.org/rfc/rfc8187#section-3.2
 */
final class Downloads {

    /** Extensions of the types the media function keeps; anything else is .bin. */
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/jpeg", "jpg"), Map.entry("image/png", "png"), Map.entry("image/gif", "gif"),
            Map.entry("image/webp", "webp"), Map.entry("audio/ogg", "ogg"), Map.entry("audio/mpeg", "mp3"),
            Map.entry("audio/mp4", "m4a"), Map.entry("audio/amr", "amr"), Map.entry("audio/aac", "aac"),
            Map.entry("video/mp4", "mp4"), Map.entry("video/3gpp", "3gp"), Map.entry("application/pdf", "pdf"),
            Map.entry("text/plain", "txt"));
    private static final int MAX_NAME_CHARACTERS = 200;

    private Downloads() {
    }

    static String contentDisposition(Attachment attachment, int index) {
        String name = fileName(attachment, index);
        String ascii = asciiFallback(name);
        StringBuilder value = new StringBuilder("attachment; filename=\"").append(ascii).append('"');
        if (!ascii.equals(name)) {
            value.append("; filename*=UTF-8''").append(extValue(name));
        }
        return value.toString();
    }

    /** The attachment's own name without any path (a sender's "C:\\x\\a.pdf" is "a.pdf"), else attachment-n.ext. */
    static String fileName(Attachment attachment, int index) {
        String given = attachment.filename();
        if (given != null) {
            String last = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
            String cleaned = last.codePoints().filter(c -> !Character.isISOControl(c))
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
            if (!cleaned.isEmpty() && !cleaned.equals(".") && !cleaned.equals("..")) {
                return cleaned.codePointCount(0, cleaned.length()) <= MAX_NAME_CHARACTERS ? cleaned
                        : cleaned.substring(0, cleaned.offsetByCodePoints(0, MAX_NAME_CHARACTERS));
            }
        }
        String type = attachment.contentType() == null ? "" : attachment.contentType().split(";")[0].strip().toLowerCase(Locale.ROOT);
        return "attachment-" + index + "." + EXTENSIONS.getOrDefault(type, "bin");
    }

    /** A quoted-string of printable ASCII: other characters, and the quote and backslash, as '_'. */
    private static String asciiFallback(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
        return out.toString();
    }

    /** RFC 8187's value-chars: attr-char as is, every other byte of the UTF-8 as %XY. */
    private static String extValue(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
