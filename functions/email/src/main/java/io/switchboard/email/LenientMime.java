package io.switchboard.email;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reading real mail the way lenient parsers do (Python's {@code email} package, Thunderbird): what Jakarta Mail
 * refuses with a {@link MessagingException} is repaired or read as text, and each repair is noted as a short
 * defect for the entry's details. The repairs:
 * <ul>
 *   <li>a Content-Type or Content-Disposition whose parameters are cut off or have an unbalanced quote is read
 *       parameter by parameter, keeping what is readable;</li>
 *   <li>a multipart whose boundary parameter is missing, or names a boundary the body never uses, is split at the
 *       delimiter lines the body does use (a line {@code --X} that repeats, or closes with {@code --X--},
 *       and is followed by a header or a blank line);</li>
 *   <li>a multipart without any delimiter line is read as text (its parts cannot be told apart), or as one part
 *       when it begins with that part's own header fields;</li>
 *   <li>a missing close delimiter or an empty multipart is accepted ({@link Multipart}: Jakarta Mail's
 *       {@code mail.mime.multipart.ignoremissingendboundary} and {@code allowempty}, set per instance, not as
 *       system properties);</li>
 *   <li>damaged base64 is decoded as far as it goes; an unknown transfer encoding is read as is.</li>
 * </ul>
 */
final class LenientMime {

    /** More defects than this are not worth listing. */
    static final int MAX_DEFECTS = 20;

    private static final Pattern MIME_TYPE = Pattern.compile("[a-z0-9!#$&^_.+\\-]+/[a-z0-9!#$&^_.+\\-]+");
    private static final Pattern HEADER_LINE = Pattern.compile("[!-9;-~]+[ \\t]*:");
    private static final Pattern PART_HEADER = Pattern.compile("(?i)content-[a-z0-9-]+[ \\t]*:");
    /** A delimiter's boundary: printable ASCII, 1 to 200 characters (RFC 2046 allows 70; real mail is looser). */
    private static final Pattern BOUNDARY = Pattern.compile("[!-~][ -~]{0,199}");

    private LenientMime() {
    }

    /** What was wrong with a message and how it was read anyway, in order, without repeats. */
    static final class Defects {
        private final Set<String> notes = new LinkedHashSet<>();

        void add(String note) {
            if (notes.size() < MAX_DEFECTS) {
                notes.add(note);
            }
        }

        List<String> list() {
            return List.copyOf(notes);
        }
    }

    /**
     * A header value such as {@code multipart/mixed; boundary="b"}: its leading value (lower-cased) and its
     * parameters (names lower-cased).
     */
    record HeaderValue(String value, Map<String, String> parameters) {

        String parameter(String name) {
            return parameters.get(name);
        }
    }

    /** A Content-Type, repaired where it is broken; {@code text/plain} when absent or unreadable (RFC 2045 §5.2). */
    static HeaderValue contentType(String raw, Defects defects) {
        if (raw == null || raw.isBlank()) {
            return new HeaderValue("text/plain", Map.of());
        }
        String unfolded = MimeUtility.unfold(raw).trim();
        try {
            ContentType strict = new ContentType(unfolded);
            String base = strict.getBaseType().toLowerCase(Locale.ROOT);
            if (MIME_TYPE.matcher(base).matches()) {
                return new HeaderValue(base, parameters(strict.getParameterList()));
            }
        } catch (ParseException | RuntimeException broken) {
            // read it by hand below
        }
        HeaderValue lenient = lenient(unfolded, "Content-Type", defects);
        if (!MIME_TYPE.matcher(lenient.value()).matches()) {
            defects.add("Content-Type unreadable, read as text/plain");
            return new HeaderValue("text/plain", lenient.parameters());
        }
        return lenient;
    }

    /** A Content-Disposition, repaired where it is broken; null when absent. */
    static HeaderValue disposition(String raw, Defects defects) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String unfolded = MimeUtility.unfold(raw).trim();
        try {
            ContentDisposition strict = new ContentDisposition(unfolded);
            String value = strict.getDisposition() == null ? "" : strict.getDisposition().toLowerCase(Locale.ROOT);
            return new HeaderValue(value, parameters(strict.getParameterList()));
        } catch (ParseException | RuntimeException broken) {
            return lenient(unfolded, "Content-Disposition", defects);
        }
    }

    private static Map<String, String> parameters(ParameterList list) {
        if (list == null) {
            return Map.of();
        }
        Map<String, String> parameters = new HashMap<>();
        Enumeration<String> names = list.getNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            String value = list.get(name);
            if (name != null && value != null) {
                parameters.put(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * {@code value; name=token; name="quoted"} read by hand: a parameter without '=' ends the list (it was cut
     * off), an unbalanced quote runs to the end of the header. RFC 2231 section numbers are joined in order.
     */
    static HeaderValue lenient(String header, String what, Defects defects) {
        int semicolon = header.indexOf(';');
        String value = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = semicolon < 0 ? header.length() : semicolon + 1;
        int length = header.length();
        while (i < length) {
            while (i < length && (header.charAt(i) == ';' || Character.isWhitespace(header.charAt(i)))) {
                i++;
            }
            if (i >= length) {
                break;
            }
            int nameStart = i;
            while (i < length && header.charAt(i) != '=' && header.charAt(i) != ';') {
                i++;
            }
            String name = header.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            if (i >= length || header.charAt(i) == ';') {
                defects.add(what + " parameter cut off");
                continue;
            }
            i++; // '='
            while (i < length && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder parameter = new StringBuilder();
            if (i < length && header.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < length) {
                    char c = header.charAt(i++);
                    if (c == '\\' && i < length) {
                        parameter.append(header.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        parameter.append(c);
                    }
                }
                if (!closed) {
                    defects.add(what + " has an unbalanced quote");
                    String rest = parameter.toString().stripTrailing();
                    parameter.setLength(0);
                    parameter.append(rest);
                }
                while (i < length && header.charAt(i) != ';') {
                    i++;
                }
            } else {
                int valueStart = i;
                while (i < length && header.charAt(i) != ';') {
                    i++;
                }
                parameter.append(header, valueStart, i);
            }
            if (name.isEmpty()) {
                defects.add(what + " parameter cut off");
                continue;
            }
            String plain = name.replaceFirst("\\*(\\d+\\*?)?$", "");
            parameters.merge(plain, parameter.toString().trim(), String::concat);
        }
        return new HeaderValue(value, Collections.unmodifiableMap(parameters));
    }

    /** The first value of a header, unfolded; null when absent or unreadable. */
    static String header(Part part, String name) {
        try {
            String[] values = part.getHeader(name);
            return values == null || values.length == 0 ? null : MimeUtility.unfold(values[0]);
        } catch (MessagingException | RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * The decoded bytes of a part's body (transfer encoding removed). Damaged base64 is decoded as far as it is
     * readable; an unknown or broken transfer encoding leaves the bytes as they are.
     */
    static byte[] content(Part part, Defects defects) {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        } catch (MessagingException | IOException | RuntimeException undecodable) {
            byte[] raw = raw(part);
            if (raw == null) {
                defects.add("a body part is unreadable");
                return new byte[0];
            }
            String encoding = header(part, "Content-Transfer-Encoding");
            if (encoding != null && encoding.trim().toLowerCase(Locale.ROOT).startsWith("base64")) {
                defects.add("damaged base64, decoded as far as readable");
                return base64(raw);
            }
            defects.add("transfer encoding unknown or broken, read as is");
            return raw;
        }
    }

    private static byte[] raw(Part part) {
        try {
            InputStream in = part instanceof MimeBodyPart body ? body.getRawInputStream()
                    : part instanceof MimeMessage message ? message.getRawInputStream() : null;
            if (in == null) {
                return null;
            }
            try (in) {
                return in.readAllBytes();
            }
        } catch (MessagingException | IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** Base64 with everything outside the alphabet skipped and a cut-off last group completed. */
    static byte[] base64(byte[] raw) {
        StringBuilder clean = new StringBuilder(raw.length);
        for (byte b : raw) {
            char c = (char) (b & 0xFF);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
                clean.append(c);
            }
        }
        switch (clean.length() % 4) {
            case 1 -> clean.setLength(clean.length() - 1);
            case 2 -> clean.append("==");
            case 3 -> clean.append('=');
            default -> {
            }
        }
        try {
            return Base64.getDecoder().decode(clean.toString());
        } catch (IllegalArgumentException unreadable) {
            return new byte[0];
        }
    }

    /** The charset a text part names (UTF-8 when it names none, or one Java does not know: noted). */
    static Charset charset(HeaderValue type, Defects defects) {
        String name = type.parameter("charset");
        if (name == null || name.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(name.trim()));
        } catch (IllegalArgumentException unknown) {
            defects.add("unknown charset, read as UTF-8");
            return StandardCharsets.UTF_8;
        }
    }

    // ------------------------------------------------------------------------------------------ boundaries

    /** Delimiter-looking lines kept per body: enough for any real message, bounded for hostile ones. */
    static final int MAX_DELIMITER_LINES = 10_000;

    /**
     * The lines of a body that could be delimiters ({@code --...}), trailing spaces and tabs removed (as Jakarta
     * Mail compares them), in order, each with whether the line after it is blank or a header field (as the first
     * line of a part is). Other lines are not kept: a body of millions of short lines costs no memory here.
     */
    record DelimiterLines(List<String> lines, List<Boolean> beforePartHeaders) {

        static DelimiterLines of(byte[] body) {
            List<String> lines = new ArrayList<>();
            List<Boolean> beforePartHeaders = new ArrayList<>();
            String text = new String(body, StandardCharsets.ISO_8859_1);
            int length = text.length();
            int start = 0;
            while (start < length && lines.size() < MAX_DELIMITER_LINES) {
                int end = lineEnd(text, start);
                if (end - start > 2 && text.charAt(start) == '-' && text.charAt(start + 1) == '-') {
                    lines.add(stripTrailingBlanks(text.substring(start, end)));
                    int next = nextLineStart(text, end);
                    int nextEnd = next < length ? lineEnd(text, next) : next;
                    String following = text.substring(next, Math.min(nextEnd, next + 200));
                    beforePartHeaders.add(stripTrailingBlanks(following).isEmpty()
                            || HEADER_LINE.matcher(following).lookingAt());
                }
                start = nextLineStart(text, end);
            }
            return new DelimiterLines(lines, beforePartHeaders);
        }

        /** True when a line opens a part with this boundary ({@code --boundary}). */
        boolean opens(String boundary) {
            return lines.contains("--" + boundary);
        }

        /**
         * The boundary the body itself uses: the first line {@code --X} that is followed by a header or a blank
         * line and recurs (another {@code --X} or a closing {@code --X--}); null when there is none.
         */
        String sniff() {
            Map<String, Integer> counts = new HashMap<>();
            for (String line : lines) {
                counts.merge(line, 1, Integer::sum);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.length() <= 2 || allDashes(line) || !beforePartHeaders.get(i)) {
                    continue;
                }
                String boundary = line.substring(2);
                if (!BOUNDARY.matcher(boundary).matches() || boundary.endsWith("--")) {
                    continue;
                }
                if (counts.getOrDefault(line, 0) >= 2 || counts.containsKey(line + "--")) {
                    return boundary;
                }
            }
            return null;
        }
    }

    /** Where the line starting at {@code start} ends (its CR or LF, or the end of the text). */
    private static int lineEnd(String text, int start) {
        int end = start;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return end;
    }

    /** The start of the line after a line ending at {@code end} (CRLF, LF or CR). */
    private static int nextLineStart(String text, int end) {
        if (end < text.length() && text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n') {
            return end + 2;
        }
        return Math.min(text.length(), end + 1);
    }

    private static String stripTrailingBlanks(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return line.substring(0, end);
    }

    private static boolean allDashes(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the {@code n}-th (1-based) line opening a part with this boundary starts, or -1 when the body has
     * fewer. Jakarta Mail parses every part of a multipart at once (about 0.1 ms each): a body of hundreds of
     * thousands of empty parts is cut here first.
     */
    static int delimiterOffset(byte[] body, String boundary, int n) {
        String delimiter = "--" + boundary;
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int seen = 0;
        int start = 0;
        while (start < text.length()) {
            int end = lineEnd(text, start);
            if (end - start >= delimiter.length() && text.startsWith(delimiter, start)
                    && stripTrailingBlanks(text.substring(start, end)).equals(delimiter) && ++seen == n) {
                return start;
            }
            start = nextLineStart(text, end);
        }
        return -1;
    }

    /** The body up to {@code offset}, closed with the boundary's close delimiter. */
    static byte[] closedAt(byte[] body, int offset, String boundary) {
        byte[] close = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] cut = Arrays.copyOf(body, offset + close.length);
        System.arraycopy(close, 0, cut, offset, close.length);
        return cut;
    }

    /** A body without the delimiter lines of a boundary that never opened a part (other bytes kept as they are). */
    static byte[] withoutDelimiters(byte[] body, String boundary) {
        if (boundary == null || boundary.isEmpty()) {
            return body;
        }
        String delimiter = "--" + boundary;
        String text = new String(body, StandardCharsets.ISO_8859_1);
        StringBuilder kept = new StringBuilder(text.length());
        int start = 0;
        while (start < text.length()) {
            int end = lineEnd(text, start);
            int next = nextLineStart(text, end);
            String line = stripTrailingBlanks(text.substring(start, end));
            if (!line.equals(delimiter) && !line.equals(delimiter + "--")) {
                kept.append(text, start, next);
            }
            start = next;
        }
        return kept.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The body begins with a part's own header fields ({@code Content-Type: ...}) although no delimiter line opened
     * the part: it is read as that part.
     */
    static boolean startsWithPartHeaders(byte[] body) {
        int end = 0;
        while (end < body.length && end < 200 && body[end] != '\n' && body[end] != '\r') {
            end++;
        }
        return PART_HEADER.matcher(new String(body, 0, end, StandardCharsets.ISO_8859_1)).lookingAt();
    }

    /** {@code multipart/x; boundary="..."}, quoted so that any boundary survives Jakarta Mail's parser. */
    static String multipartType(String baseType, String boundary) {
        return baseType + "; boundary=\"" + boundary.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Jakarta Mail's multipart parser with its lenient options set on this instance only (they are otherwise
     * read from system properties, shared by the whole JVM): a missing close delimiter and an empty multipart
     * are accepted.
     */
    static final class Multipart extends MimeMultipart {

        Multipart(DataSource source) throws MessagingException {
            super(source);
        }

        @Override
        protected void initializeProperties() {
            super.initializeProperties();
            ignoreMissingEndBoundary = true;
            ignoreMissingBoundaryParameter = true;
            ignoreExistingBoundaryParameter = false;
            allowEmpty = true;
        }
    }
}
