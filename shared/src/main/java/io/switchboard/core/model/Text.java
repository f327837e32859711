package io.switchboard.core.model;

/**
 * Text as the pipeline stores and publishes it. SQS accepts only the XML character range
 * (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF), and an unpaired surrogate cannot be
 * encoded as UTF-8 at all, so one such character in a customer's message would make its change unpublishable.
 * Everything outside that range, and every Unicode noncharacter, becomes U+FFFD at ingestion.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
public final class Text {

    public static final char REPLACEMENT = '\uFFFD';

    private Text() {
    }

    /** The text with every character SQS or UTF-8 cannot carry replaced by U+FFFD; the same string when clean. */
    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        int length = text.length();
        int firstBad = -1;
        for (int i = 0; i < length; ) {
            int codePoint = text.codePointAt(i);
            int width = Character.charCount(codePoint);
            if (!allowed(codePoint)) {
                firstBad = i;
                break;
            }
            i += width;
        }
        if (firstBad < 0) {
            return text;
        }
        StringBuilder cleaned = new StringBuilder(length).append(text, 0, firstBad);
        for (int i = firstBad; i < length; ) {
            int codePoint = text.codePointAt(i);
            cleaned.appendCodePoint(allowed(codePoint) ? codePoint : REPLACEMENT);
            i += Character.charCount(codePoint);
        }
        return cleaned.toString();
    }

    /**
     * At most {@code maxChars} UTF-16 units, never splitting a surrogate pair.
     */
    public static String truncate(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    static boolean allowed(int codePoint) {
        if (codePoint < 0x20) {
            return codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD;
        }
        if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
            return false; // codePointAt only returns a surrogate when it is unpaired
        }
        if (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) {
            return false;
        }
        return (codePoint & 0xFFFE) != 0xFFFE; // U+xFFFE and U+xFFFF of every plane
    }
}
