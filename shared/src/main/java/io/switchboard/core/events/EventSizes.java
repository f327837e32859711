package io.switchboard.core.events;

import io.switchboard.core.json.Json;
import io.switchboard.core.model.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps every event within the SQS message size limit (256 KiB). The log keeps everything; an event that would
 * be larger is cut down, in this order, and marked {@code data.truncated = true}: the text and details of the
 * recent entries a call.started carries, then those entries (oldest first), then the entry's details, then its
 * text, then its attachments. A consumer that sees the flag reads the full entry from the log.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
public final class EventSizes {

    /** SQS takes 262,144 bytes per message; the margin leaves room for the flag and rounding. */
    public static final int MAX_EVENT_BYTES = 256 * 1024 - 4096;
    public static final String TRUNCATED = "truncated";

    private EventSizes() {
    }

    public static int size(CloudEvent event) {
        return Json.write(event).getBytes(StandardCharsets.UTF_8).length;
    }

    public static CloudEvent fit(CloudEvent event) {
        return fit(event, MAX_EVENT_BYTES);
    }

    @SuppressWarnings("unchecked")
    static CloudEvent fit(CloudEvent event, int maxBytes) {
        int size = size(event);
        if (size <= maxBytes) {
            return event;
        }
        Map<String, Object> data = copy(event.data());
        data.put(TRUNCATED, true);
        CloudEvent fitted = with(event, data);
        if (data.get("recentEntries") instanceof List<?> recent) {
            List<Object> slim = new ArrayList<>();
            for (Object item : recent) {
                Map<String, Object> entry = copy((Map<String, Object>) item);
                entry.remove("text");
                entry.put("details", Map.of());
                slim.add(entry);
            }
            data.put("recentEntries", slim);
            while ((size = size(fitted)) > maxBytes && !slim.isEmpty()) {
                slim.remove(0); // oldest first: the most recent ones matter most to the agent
            }
        }
        if (size(fitted) > maxBytes && data.get("entry") instanceof Map<?, ?> original) {
            Map<String, Object> entry = copy((Map<String, Object>) original);
            data.put("entry", entry);
            entry.put("details", Map.of());
            while (size(fitted) > maxBytes && entry.get("text") instanceof String text && !text.isEmpty()) {
                int excess = size(fitted) - maxBytes;
                double bytesPerChar = (double) text.getBytes(StandardCharsets.UTF_8).length / text.length();
                int cut = (int) Math.ceil(excess / Math.max(1.0, bytesPerChar)) + 16;
                entry.put("text", Text.truncate(text, Math.max(0, text.length() - cut)));
            }
            if (size(fitted) > maxBytes) {
                entry.put("attachments", List.of());
            }
        }
        return fitted;
    }

    private static CloudEvent with(CloudEvent event, Map<String, Object> data) {
        return new CloudEvent(event.specversion(), event.id(), event.source(), event.type(), event.subject(),
                event.time(), event.datacontenttype(), event.dataschema(), data);
    }

    private static Map<String, Object> copy(Map<String, Object> map) {
        return new LinkedHashMap<>(map);
    }
}
