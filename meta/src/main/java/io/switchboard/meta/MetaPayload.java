package io.switchboard.meta;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.switchboard.core.json.Json;
import io.switchboard.core.json.JsonValues;
import io.switchboard.core.model.RejectedInputException;
import java.io.IOException;

/**
 * The envelope every Meta webhook body shares, {@code {"object": ..., "entry": [...]}}, and the JSON reads both
 * Meta parsers make. Shape errors are refused with a reason naming the field (400), so a bad body stores nothing.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
 */
public final class MetaPayload {

    /** Trailing bytes after the JSON document mean the body is not what Meta signed as one document. */
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private MetaPayload() {
    }

    /** What a parser does with one element of an array of the payload. */
    @FunctionalInterface
    public interface Visitor {
        /** @param where the element's path in the payload ({@code entry[0].messaging[2]}), for refusals' reasons */
        void visit(JsonNode element, String where);
    }

    /**
     * Hands each {@code entry[]} object of a body to the visitor, in order; an entry that is not an object is
     * refused when its turn comes, so the first shape error of a body is the one reported.
     *
     * @param object the only {@code object} value the route accepts ({@code page}, {@code instagram},
     *               {@code whatsapp_business_account}): a body of another subscription was not meant for it
     * @throws RejectedInputException when the body is not JSON, not of this object, or an entry is not an object
     */
    public static void forEachEntry(byte[] body, String object, Visitor visitor) {
        JsonNode root = read(body);
        if (!root.isObject()) {
            throw new RejectedInputException("payload is not a JSON object");
        }
        if (!object.equals(root.path("object").asText(null))) {
            throw new RejectedInputException("object is not " + object);
        }
        JsonNode entries = root.get("entry");
        if (entries == null || !entries.isArray()) {
            throw new RejectedInputException("entry is missing or not an array");
        }
        for (int e = 0; e < entries.size(); e++) {
            JsonNode entry = entries.get(e);
            String where = "entry[" + e + "]";
            if (!entry.isObject()) {
                throw new RejectedInputException(where + " is not an object");
            }
            visitor.visit(entry, where);
        }
    }

    /**
     * The body as one JSON document.
     *
     * @throws RejectedInputException when it is empty or not JSON (trailing bytes included)
     */
    public static JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            throw new RejectedInputException("empty body");
        }
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (IOException notJson) {
            throw new RejectedInputException("malformed JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw new RejectedInputException("empty body");
        }
        return root;
    }

    /**
     * Hands each element of an array a payload may leave out (absent or null: none) to the visitor, in order.
     *
     * @param where the path of {@code node}; an element's is {@code where.field[i]}
     * @throws RejectedInputException naming {@code where.field} when it is something else than an array
     */
    public static void forEachOf(JsonNode node, String field, String where, Visitor visitor) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isArray()) {
            throw new RejectedInputException(where + "." + field + " is not an array");
        }
        for (int i = 0; i < value.size(); i++) {
            visitor.visit(value.get(i), where + "." + field + "[" + i + "]");
        }
    }

    /** A field's text; absent, null, empty and blank all mean nothing (null). */
    public static String text(JsonNode node, String field) {
        return JsonValues.nonBlank(node.path(field).asText(null));
    }

    /** The node when it is a JSON object, else null. */
    public static JsonNode object(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    /** A latitude or longitude; NaN and infinities ("NaN", 1e400) are no coordinate: left out rather than stored as text. */
    public static Double coordinate(JsonNode node) {
        Double number = JsonValues.number(node);
        return number != null && Double.isFinite(number) ? number : null;
    }
}
