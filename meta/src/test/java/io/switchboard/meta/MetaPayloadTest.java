package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.RejectedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetaPayloadTest {

    @Test
    void forEachEntry_visitsEveryEntryInOrderWithItsPath() {
        List<String> seen = new ArrayList<>();
        MetaPayload.forEachEntry(bytes("{\"object\":\"page\",\"entry\":[{\"id\":\"1\"},{\"id\":\"2\"}]}"), "page",
                (entry, where) -> seen.add(where + "=" + entry.get("id").asText()));
        assertEquals(List.of("entry[0]=1", "entry[1]=2"), seen);
    }

    @Test
    void envelopeErrors_areRefusedWithAReason() {
        assertEquals("empty body", refusal(""));
        assertEquals("empty body", refusal("   "));
        assertEquals("malformed JSON", refusal("{\"object\": \"page\", \"entry\": ["));
        assertEquals("malformed JSON", refusal("{\"object\":\"page\",\"entry\":[]} {}"));
        assertEquals("payload is not a JSON object", refusal("[]"));
        assertEquals("object is not page", refusal("{\"object\":\"instagram\",\"entry\":[]}"));
        assertEquals("object is not page", refusal("{\"entry\":[]}"));
        assertEquals("entry is missing or not an array", refusal("{\"object\":\"page\"}"));
        assertEquals("entry is missing or not an array", refusal("{\"object\":\"page\",\"entry\":{}}"));
        assertEquals("entry[1] is not an object", refusal("{\"object\":\"page\",\"entry\":[{},3]}"));
    }

    @Test
    void anEntryIsRefusedWhenItsTurnComes_soTheFirstErrorOfABodyIsReported() {
        List<String> seen = new ArrayList<>();
        RejectedInputException refused = assertThrows(RejectedInputException.class, () -> MetaPayload.forEachEntry(
                bytes("{\"object\":\"page\",\"entry\":[{\"id\":\"1\"},3]}"), "page", (entry, where) -> seen.add(where)));
        assertEquals(List.of("entry[0]"), seen);
        assertEquals("entry[1] is not an object", refused.reason());
    }

    @Test
    void forEachOf_treatsAbsentAndNullAsEmpty_andRefusesAnythingButAnArray() throws Exception {
        JsonNode node = Json.MAPPER.readTree("{\"a\":[1,2],\"n\":null,\"o\":{}}");
        List<String> seen = new ArrayList<>();
        MetaPayload.forEachOf(node, "a", "entry[0]", (element, where) -> seen.add(where + "=" + element));
        MetaPayload.forEachOf(node, "n", "entry[0]", (element, where) -> seen.add(where));
        MetaPayload.forEachOf(node, "missing", "entry[0]", (element, where) -> seen.add(where));
        assertEquals(List.of("entry[0].a[0]=1", "entry[0].a[1]=2"), seen);
        assertEquals("entry[0].o is not an array", assertThrows(RejectedInputException.class,
                () -> MetaPayload.forEachOf(node, "o", "entry[0]", (element, where) -> { })).reason());
    }

    @Test
    void text_blankAndNonTextAreNothing() throws Exception {
        JsonNode node = Json.MAPPER.readTree("{\"t\":\"hi\",\"b\":\"  \",\"n\":5,\"o\":{}}");
        assertEquals("hi", MetaPayload.text(node, "t"));
        assertNull(MetaPayload.text(node, "b"));
        assertEquals("5", MetaPayload.text(node, "n"));
        assertNull(MetaPayload.text(node, "o"));
        assertNull(MetaPayload.text(node, "missing"));
    }

    @Test
    void coordinate_leavesOutWhatIsNoFiniteNumber() throws Exception {
        JsonNode node = Json.MAPPER.readTree("{\"a\":37.5,\"s\":\"-122.4\",\"nan\":\"NaN\",\"inf\":1e400,\"x\":\"north\"}");
        assertEquals(37.5, MetaPayload.coordinate(node.get("a")));
        assertEquals(-122.4, MetaPayload.coordinate(node.get("s")));
        assertNull(MetaPayload.coordinate(node.get("nan")));
        assertNull(MetaPayload.coordinate(node.get("inf")));
        assertNull(MetaPayload.coordinate(node.get("x")));
        assertNull(MetaPayload.coordinate(null));
    }

    @Test
    void object_isTheNodeOnlyWhenItIsAnObject() throws Exception {
        JsonNode node = Json.MAPPER.readTree("{\"o\":{},\"a\":[]}");
        assertTrue(MetaPayload.object(node.get("o")).isObject());
        assertNull(MetaPayload.object(node.get("a")));
        assertNull(MetaPayload.object(null));
    }

    private static String refusal(String body) {
        return assertThrows(RejectedInputException.class,
                () -> MetaPayload.forEachEntry(bytes(body), "page", (entry, where) -> { })).reason();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
