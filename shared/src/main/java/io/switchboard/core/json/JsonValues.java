package io.switchboard.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.model.RejectedInputException;

/**
 * Lenient reads of provider JSON values for parsers: absent, null and wrongly typed values give null instead
 * of an exception, because a detail a provider leaves out must not cost the rest of the payload.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /** A JSON value as plain Java maps, lists, strings, numbers and booleans (what the log can store). */
    public static Object plain(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : Json.MAPPER.convertValue(node, Object.class);
    }

    public static Boolean bool(JsonNode node) {
        return node != null && node.isBoolean() ? node.booleanValue() : null;
    }

    /** A number, also when the provider sends it as text ("37.4"). */
    public static Double number(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.valueOf(node.asText().trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    /**
     * A field a payload cannot be keyed without (an id, a sender): text or a number, not blank.
     *
     * @throws RejectedInputException (400) naming {@code where} when it is absent
     */
    public static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        String text = value != null && (value.isTextual() || value.isNumber()) ? nonBlank(value.asText()) : null;
        if (text == null) {
            throw new RejectedInputException(where + " is missing");
        }
        return text;
    }

    /** Absent, empty and blank text mean the same: nothing. */
    public static String nonBlank(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
