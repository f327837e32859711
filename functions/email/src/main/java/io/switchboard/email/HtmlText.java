package io.switchboard.email;

import java.util.List;
import java.util.Set;

/**
 * A plain-text rendering of an HTML body, for messages that carry no text/plain part: script, style and head
 * blocks and comments are dropped, source line breaks are spaces (as HTML renders them), {@code <br>} and the ends
 * of blocks ({@code </p>}, {@code </div>}, {@code </li>}, {@code </tr>}, {@code </h1-6>}, {@code </blockquote>})
 * become line breaks, other tags are dropped, the common entities are decoded, lines are trimmed and runs of blank
 * lines become one. Good enough for a helpdesk preview; the HTML itself is not stored (only
 * {@code details.hasHtml}).
 *
 * <p>One pass over the text, linear in its length whatever it contains: a body of unclosed {@code <} or
 * {@code <script} must not keep the function busy until it times out (regular expressions over such input
 * take quadratic time).
 */
final class HtmlText {

    private static final List<String> INVISIBLE = List.of("script", "style", "head");
    private static final Set<String> BLOCK_ENDS = Set.of("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote");
    private static final String[][] ENTITIES = {{"&nbsp;", " "}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
            {"&#39;", "'"}, {"&apos;", "'"}, {"&amp;", "&"}};

    private HtmlText() {
    }

    static String of(String html) {
        if (html == null) {
            return null;
        }
        String source = html.replace("\r\n", "\n");
        int length = source.length();
        StringBuilder out = new StringBuilder(Math.min(length, 1 << 16));
        // Searches that failed once fail for every later position too: remembered, so each is done once.
        boolean[] unclosedInvisible = new boolean[INVISIBLE.size()];
        boolean unclosedComment = false;
        int nextGreaterThan = -2; // -2: not searched yet; -1: none left
        int spaceRunStart = -1;   // where the spaces and tabs before the current position began in out
        boolean afterNewline = false; // spaces and tabs after a source line break are part of it
        int i = 0;
        while (i < length) {
            char c = source.charAt(i);
            if (c == '<') {
                if (!unclosedComment && source.startsWith("<!--", i)) {
                    int end = source.indexOf("-->", i + 4);
                    if (end >= 0) {
                        i = end + 3; // gone without a trace: spaces on both sides are one run
                        continue;
                    }
                    unclosedComment = true;
                }
                int invisible = invisibleTag(source, i);
                if (invisible >= 0 && !unclosedInvisible[invisible]) {
                    int close = indexOfIgnoreCase(source, "</" + INVISIBLE.get(invisible), i + 1);
                    int end = close < 0 ? -1 : source.indexOf('>', close);
                    if (end >= 0) {
                        i = end + 1;
                        continue;
                    }
                    unclosedInvisible[invisible] = true;
                }
                if (nextGreaterThan != -1 && nextGreaterThan <= i) {
                    nextGreaterThan = source.indexOf('>', i + 1);
                }
                if (nextGreaterThan < 0) {
                    out.append(c); // a '<' that opens no tag is text
                    spaceRunStart = -1;
                    afterNewline = false;
                    i++;
                    continue;
                }
                if (isBreak(source, i, nextGreaterThan)) {
                    out.append('\n');
                }
                i = nextGreaterThan + 1;
                spaceRunStart = -1;
                afterNewline = false;
            } else if (c == '\n') {
                if (spaceRunStart >= 0) {
                    out.setLength(spaceRunStart);
                }
                out.append(' ');
                spaceRunStart = -1;
                afterNewline = true;
                i++;
            } else if (c == ' ' || c == '\t') {
                if (!afterNewline) {
                    if (spaceRunStart < 0) {
                        spaceRunStart = out.length();
                    }
                    out.append(c);
                }
                i++;
            } else if (c == '&') {
                String decoded = null;
                for (String[] entity : ENTITIES) {
                    if (source.startsWith(entity[0], i)) {
                        decoded = entity[1];
                        i += entity[0].length();
                        break;
                    }
                }
                if (decoded == null) {
                    out.append(c);
                    i++;
                } else {
                    out.append(decoded);
                }
                spaceRunStart = -1;
                afterNewline = false;
            } else {
                out.append(c);
                spaceRunStart = -1;
                afterNewline = false;
                i++;
            }
        }
        return lines(out);
    }

    /** Each line trimmed, runs of blank lines as one blank line, the whole trimmed. */
    private static String lines(CharSequence text) {
        StringBuilder result = new StringBuilder(text.length());
        int blankLines = 0;
        for (String line : text.toString().split("\n", -1)) {
            String stripped = line.strip();
            if (stripped.isEmpty()) {
                blankLines++;
                if (blankLines <= 1) {
                    result.append('\n');
                }
            } else {
                blankLines = 0;
                result.append(stripped).append('\n');
            }
        }
        return result.toString().strip();
    }

    /** The index in {@link #INVISIBLE} of the tag opening at {@code at} ({@code <script...}), or -1. */
    private static int invisibleTag(String source, int at) {
        for (int k = 0; k < INVISIBLE.size(); k++) {
            String name = INVISIBLE.get(k);
            int end = at + 1 + name.length();
            if (source.regionMatches(true, at + 1, name, 0, name.length())
                    && (end >= source.length() || !isNameChar(source.charAt(end)))) {
                return k;
            }
        }
        return -1;
    }

    /** {@code <br>}, {@code <br/>}, {@code <br class=x>}, or the end of a block, {@code </p>}. */
    private static boolean isBreak(String source, int open, int close) {
        int nameStart = open + 1;
        boolean closing = nameStart < close && source.charAt(nameStart) == '/';
        if (closing) {
            nameStart++;
        }
        int nameEnd = nameStart;
        while (nameEnd < close && isNameChar(source.charAt(nameEnd))) {
            nameEnd++;
        }
        if (nameEnd == nameStart || nameEnd - nameStart > 10) {
            return false;
        }
        String name = source.substring(nameStart, nameEnd).toLowerCase(java.util.Locale.ROOT);
        return closing ? BLOCK_ENDS.contains(name) : name.equals("br");
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private static int indexOfIgnoreCase(String source, String needle, int from) {
        int last = source.length() - needle.length();
        char first = needle.charAt(0);
        for (int i = Math.max(0, from); i <= last; i++) {
            if (source.charAt(i) == first && source.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }
}
