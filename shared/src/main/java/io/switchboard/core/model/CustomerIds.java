package io.switchboard.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The form of a customer id: a UUID (RFC 9562), lower-case as the directory writes it. Checked wherever an id comes
 * from outside (an API path, a send command) before the store is asked, so a malformed id is a refusal, never a key
 * the store rejects (DynamoDB refuses a key over 2048 bytes with a ValidationException).
 */
public final class CustomerIds {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private CustomerIds() {
    }

    /** The id in its stored form (lower case), or null when {@code text} is not a customer id. */
    public static String normalize(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        String id = text.toLowerCase(Locale.ROOT);
        return UUID.matcher(id).matches() ? id : null;
    }
}
