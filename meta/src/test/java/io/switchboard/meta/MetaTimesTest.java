package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.RejectedInputException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetaTimesTest {

    @Test
    void epochSeconds_asStringOrNumber() {
        assertEquals(Instant.ofEpochSecond(1763805600L), MetaTimes.epochSeconds(json("\"1763805600\""), "t"));
        assertEquals(Instant.ofEpochSecond(1763805600L), MetaTimes.epochSeconds(json("1763805600"), "t"));
        assertEquals(Instant.ofEpochSecond(1763805600L), MetaTimes.epochSeconds(json("\" 1763805600 \""), "t"));
    }

    @Test
    void epochSeconds_missingOrMalformed_isRefusedNamingTheField() {
        assertEquals("m.timestamp is missing", refusal(() -> MetaTimes.epochSeconds(null, "m.timestamp")));
        assertEquals("m.timestamp is missing", refusal(() -> MetaTimes.epochSeconds(json("null"), "m.timestamp")));
        for (String bad : new String[] {"\"-1\"", "-1", "1763805600.5", "1e400", "\"soon\"", "{\"s\": 1}", "true",
                "\"" + "9".repeat(13) + "\"", "\"\""}) {
            assertEquals("m.timestamp is not epoch seconds",
                    refusal(() -> MetaTimes.epochSeconds(json(bad), "m.timestamp")), bad);
        }
    }

    @Test
    void optionalEpoch_readsMillisecondsAndSeconds() {
        assertEquals(Instant.ofEpochMilli(1763805600123L), MetaTimes.optionalEpoch(json("1763805600123"), "t"));
        assertEquals(Instant.ofEpochSecond(1527459824L), MetaTimes.optionalEpoch(json("\"1527459824\""), "t"));
        // the boundary: below it seconds, from it milliseconds
        assertEquals(Instant.ofEpochSecond(MetaTimes.SECONDS_LIMIT - 1),
                MetaTimes.optionalEpoch(json(String.valueOf(MetaTimes.SECONDS_LIMIT - 1)), "t"));
        assertEquals(Instant.ofEpochMilli(MetaTimes.SECONDS_LIMIT),
                MetaTimes.optionalEpoch(json(String.valueOf(MetaTimes.SECONDS_LIMIT)), "t"));
    }

    @Test
    void optionalEpoch_absentIsNull_malformedIsRefused() {
        assertNull(MetaTimes.optionalEpoch(null, "t"));
        assertNull(MetaTimes.optionalEpoch(json("null"), "t"));
        for (String bad : new String[] {"\"soon\"", "-1763805600000", "1763805600000.5", "1e400", "9".repeat(25),
                "\"" + "9".repeat(16) + "\"", "[]"}) {
            assertEquals("e.timestamp is not an epoch time",
                    refusal(() -> MetaTimes.optionalEpoch(json(bad), "e.timestamp")), bad);
        }
    }

    private static String refusal(org.junit.jupiter.api.function.Executable parse) {
        return assertThrows(RejectedInputException.class, parse).reason();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
