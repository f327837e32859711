package io.switchboard.email;

import java.util.Locale;

/** The attachment type a helpdesk shows, from a MIME type. */
final class Attachments {

    private Attachments() {
    }

    static String typeOf(String mimeType) {
        if (mimeType == null) {
            return "file";
        }
        String type = mimeType.toLowerCase(Locale.ROOT);
        if (type.startsWith("image/")) {
            return "image";
        }
        if (type.startsWith("audio/")) {
            return "audio";
        }
        if (type.startsWith("video/")) {
            return "video";
        }
        if (type.startsWith("application/pdf") || type.startsWith("text/") || type.contains("word")
                || type.contains("spreadsheet") || type.contains("presentation") || type.contains("opendocument")) {
            return "document";
        }
        return "file";
    }
}
