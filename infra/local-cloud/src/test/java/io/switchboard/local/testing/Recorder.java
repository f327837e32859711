package io.switchboard.local.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The events the echo handler received, by the test's x-test-id header (a bean handed in by the test). */
public final class Recorder {

    private final Map<String, APIGatewayV2HTTPEvent> events = new ConcurrentHashMap<>();

    void record(APIGatewayV2HTTPEvent event) {
        String id = event.getHeaders() == null ? null : event.getHeaders().get("x-test-id");
        if (id != null) {
            events.put(id, event);
        }
    }

    public Optional<APIGatewayV2HTTPEvent> event(String testId) {
        return Optional.ofNullable(events.get(testId));
    }
}
