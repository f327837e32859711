package io.switchboard.email;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One normalization for Message-ID, In-Reply-To and References, so that a reply names its original exactly as
 * the original's entry was keyed: surrounding whitespace and angle brackets are removed
 * ({@code <a1@mail.example.com>} → {@code a1@mail.example.com}); the case is kept (the left part of a
 * Message-ID is case-sensitive, RFC 5322 §3.6.4).
 */
public final class MessageIds {

    private static final Pattern BRACKETED = Pattern.compile("<([^<>\\s]+)>");

    private MessageIds() {
    }

    /** The id of a Message-ID or In-Reply-To value (its first id), or null when blank. */
    public static String normalize(String raw) {
        List<String> ids = list(raw);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** The ids of a References (or In-Reply-To) value in header order; bare ids without brackets are accepted. */
    public static List<String> list(String raw) {
        List<String> ids = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return ids;
        }
        Matcher matcher = BRACKETED.matcher(raw);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        if (ids.isEmpty()) {
            for (String token : raw.trim().split("[\\s,]+")) {
                String id = token.replace("<", "").replace(">", "").trim();
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /**
     * What a reply's conversation is looked up by: In-Reply-To first, then References newest first (the header
     * lists them oldest first), without repeats and without the message's own id.
     */
    public static List<String> threadReferences(String inReplyTo, List<String> references, String ownId) {
        LinkedHashSet<String> ordered = new LinkedHashSet<>();
        if (inReplyTo != null) {
            ordered.add(inReplyTo);
        }
        for (int i = references.size() - 1; i >= 0; i--) {
            ordered.add(references.get(i));
        }
        if (ownId != null) {
            ordered.remove(ownId);
        }
        return List.copyOf(ordered);
    }
}
