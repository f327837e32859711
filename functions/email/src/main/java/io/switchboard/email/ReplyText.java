package io.switchboard.email;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The new part of a reply, without the quoted history, when the provider did not compute it. A simple rule,
 * deliberately conservative:
 * <ol>
 *   <li>cut at the first attribution line, {@code On <date>, <name> wrote:} (also when the mail client wrapped it
 *       onto two lines);</li>
 *   <li>cut at the first Outlook separator: {@code -----Original Message-----}, or a {@code From:} line
 *       followed within three lines by {@code Sent:} (optionally after a line of underscores);</li>
 *   <li>drop lines quoted with {@code >};</li>
 *   <li>trim trailing blank lines.</li>
 * </ol>
 * When nothing would be left (a message that is all quote), the text is kept whole: losing a customer's words
 * is worse than showing a quote.
 */
public final class ReplyText {

    private static final Pattern ATTRIBUTION = Pattern.compile("^\\s*On\\s.+wrote:\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTION_START = Pattern.compile("^\\s*On\\s.+", Pattern.CASE_INSENSITIVE);
    private static final Pattern WROTE_END = Pattern.compile(".*wrote:\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ORIGINAL_MESSAGE =
            Pattern.compile("^\\s*-{2,}\\s*Original Message\\s*-{2,}\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OUTLOOK_FROM = Pattern.compile("^\\s*\\*?From:\\*?\\s.+");
    private static final Pattern OUTLOOK_SENT = Pattern.compile("^\\s*\\*?Sent:\\*?\\s.+");
    private static final Pattern UNDERSCORES = Pattern.compile("^\\s*_{10,}\\s*$");

    private ReplyText() {
    }

    public static String strip(String text) {
        if (text == null) {
            return null;
        }
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        int cut = lines.length;
        for (int i = 0; i < lines.length && cut == lines.length; i++) {
            String line = lines[i];
            if (ATTRIBUTION.matcher(line).matches()
                    || ORIGINAL_MESSAGE.matcher(line).matches()
                    || isOutlookHeaderBlock(lines, i)) {
                cut = i;
            } else if (ATTRIBUTION_START.matcher(line).matches() && i + 1 < lines.length
                    && WROTE_END.matcher(lines[i + 1]).matches() && !lines[i + 1].trim().startsWith(">")) {
                cut = i;
            } else if (UNDERSCORES.matcher(line).matches() && isOutlookHeaderBlock(lines, i + 1)) {
                cut = i;
            }
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < cut; i++) {
            if (!lines[i].stripLeading().startsWith(">")) {
                kept.add(lines[i]);
            }
        }
        while (!kept.isEmpty() && kept.get(kept.size() - 1).isBlank()) {
            kept.remove(kept.size() - 1);
        }
        while (!kept.isEmpty() && kept.get(0).isBlank()) {
            kept.remove(0);
        }
        if (kept.isEmpty()) {
            return text.strip();
        }
        return String.join("\n", kept);
    }

    private static boolean isOutlookHeaderBlock(String[] lines, int index) {
        if (index >= lines.length || !OUTLOOK_FROM.matcher(lines[index]).matches()) {
            return false;
        }
        for (int j = index + 1; j < lines.length && j <= index + 3; j++) {
            if (OUTLOOK_SENT.matcher(lines[j]).matches()) {
                return true;
            }
        }
        return false;
    }
}
