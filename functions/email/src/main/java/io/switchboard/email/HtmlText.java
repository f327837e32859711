package io.switchboard.email;

import java.util.regex.Pattern;

/**
 * A plain-text rendering of an HTML body, for messages that carry no text/plain part: block ends become line
 * breaks, tags are dropped, the common entities are decoded. Good enough for a helpdesk preview; the HTML itself
 * is not stored (only {@code details.hasHtml}).
 */
final class HtmlText {

    private static final Pattern INVISIBLE = Pattern.compile("(?is)<(script|style|head)\\b.*?</\\1\\s*>");
    private static final Pattern COMMENTS = Pattern.compile("(?s)<!--.*?-->");
    private static final Pattern BREAKS = Pattern.compile("(?i)<br\\s*/?>|</(p|div|li|tr|h[1-6]|blockquote)\\s*>");
    private static final Pattern TAGS = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern BLANK_RUNS = Pattern.compile("\\n[ \\t]*\\n(?:[ \\t]*\\n)+");

    private HtmlText() {
    }

    static String of(String html) {
        if (html == null) {
            return null;
        }
        String text = INVISIBLE.matcher(html).replaceAll("");
        text = COMMENTS.matcher(text).replaceAll("");
        text = text.replace("\r\n", "\n").replaceAll("[ \\t]*\\n[ \\t]*", " ");
        text = BREAKS.matcher(text).replaceAll("\n");
        text = TAGS.matcher(text).replaceAll("");
        text = text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
        StringBuilder lines = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            lines.append(line.strip()).append('\n');
        }
        return BLANK_RUNS.matcher(lines.toString()).replaceAll("\n\n").strip();
    }
}
