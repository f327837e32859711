package io.switchboard.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.model.RejectedInputException;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Meta's epoch times. A time must be a JSON string or integer of plain digits: a fraction, an exponent, a sign or
 * an object is refused (400 naming the field), never guessed at, so a retried delivery always keys the same.
 */
public final class MetaTimes {

    /** Epoch values below this are seconds: Messenger sends milliseconds, but some documented examples show seconds. */
    static final long SECONDS_LIMIT = 100_000_000_000L;

    /** Up to 12 digits of seconds: any clock until the year 33658, and nothing that overflows. */
    private static final Pattern SECONDS = Pattern.compile("\\d{1,12}");
    /** Up to 15 digits: milliseconds until the year 33658. */
    private static final Pattern SECONDS_OR_MILLIS = Pattern.compile("\\d{1,15}");

    private MetaTimes() {
    }

    /**
     * A required time in epoch seconds, as WhatsApp sends it: a string ({@code "1749416383"}), a JSON number
     * accepted too.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
     *
     * @param where the field's path in the payload, for the reason of a refusal
     * @throws RejectedInputException when the value is absent or not epoch seconds
     */
    public static Instant epochSeconds(JsonNode value, String where) {
        if (value == null || value.isNull()) {
            throw new RejectedInputException(where + " is missing");
        }
        String digits = digits(value, SECONDS);
        if (digits == null) {
            throw new RejectedInputException(where + " is not epoch seconds");
        }
        return Instant.ofEpochSecond(Long.parseLong(digits));
    }

    /**
     * An optional time of the Messenger Platform: epoch milliseconds as JSON numbers
     * ({@code "timestamp": 1458692752478}); a few documented examples show epoch seconds as strings
     * ({@code "timestamp": "1527459824"}), so both are read, told apart by size.
     * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
     *
     * @param where the field's path in the payload, for the reason of a refusal
     * @return null when the value is absent
     * @throws RejectedInputException when the value is present but not an epoch time
     */
    public static Instant optionalEpoch(JsonNode value, String where) {
        if (value == null || value.isNull()) {
            return null;
        }
        String digits = digits(value, SECONDS_OR_MILLIS);
        if (digits == null) {
            throw new RejectedInputException(where + " is not an epoch time");
        }
        long epoch = Long.parseLong(digits);
        return epoch < SECONDS_LIMIT ? Instant.ofEpochSecond(epoch) : Instant.ofEpochMilli(epoch);
    }

    private static String digits(JsonNode value, Pattern allowed) {
        String text = value.asText("").trim();
        return (value.isTextual() || value.isIntegralNumber()) && allowed.matcher(text).matches() ? text : null;
    }
}
