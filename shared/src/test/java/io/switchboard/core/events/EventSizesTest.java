package io.switchboard.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSizesTest {

    private static Map<String, Object> entry(String id, String text) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("text", text);
        entry.put("details", Map.of("raw", text));
        entry.put("attachments", List.of());
        return entry;
    }

    private static CloudEvent event(Map<String, Object> entry, List<Object> recent) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("customer", Map.of("id", "c1", "identities", List.of("phone:+14155550100")));
        data.put("entry", entry);
        if (recent != null) {
            data.put("recentEntries", recent);
        }
        return CloudEvent.of("id-1", "/voice/AC1", EventTypes.CALL_STARTED, "c1", "2026-11-29T12:00:00.000Z", data);
    }

    @Test
    void smallEvent_isPublishedAsIs() {
        CloudEvent event = event(entry("e1", "hello"), null);
        assertSame(event, EventSizes.fit(event));
    }

    @Test
    void callStartedWithLongRecentEntries_dropsTheirTextFirst_andKeepsTheEntry() {
        // given a call whose ten recent entries carry 30 KB each
        List<Object> recent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            recent.add(entry("r" + i, "y".repeat(30_000)));
        }
        CloudEvent event = event(entry("e1", "the call"), recent);
        assertTrue(EventSizes.size(event) > 256 * 1024);
        // when fitted
        CloudEvent fitted = EventSizes.fit(event);
        // then it fits, is flagged, keeps all ten recent entries (without text) and the call's own entry
        assertTrue(EventSizes.size(fitted) <= EventSizes.MAX_EVENT_BYTES);
        assertEquals(true, fitted.data().get("truncated"));
        assertEquals(10, ((List<?>) fitted.data().get("recentEntries")).size());
        assertEquals("the call", ((Map<?, ?>) fitted.data().get("entry")).get("text"));
        // and the original is untouched
        assertFalse(event.data().containsKey("truncated"));
    }

    @Test
    void hugeMultibyteText_isCutUntilTheEventFits() {
        CloudEvent event = event(entry("e1", "\u20AC".repeat(200_000)), null);
        CloudEvent fitted = EventSizes.fit(event);
        assertTrue(EventSizes.size(fitted) <= EventSizes.MAX_EVENT_BYTES);
        assertTrue(((String) ((Map<?, ?>) fitted.data().get("entry")).get("text")).length() > 10_000);
    }
}
