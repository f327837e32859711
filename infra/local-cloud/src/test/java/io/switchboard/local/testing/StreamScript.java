package io.switchboard.local.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * What the recording stream handler received (each batch as the list of its items' ids), and what it answers
 * (the test decides). A bean handed in by the test.
 */
public final class StreamScript {

    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<DynamodbEvent> events = new CopyOnWriteArrayList<>();
    private volatile Function<DynamodbEvent, StreamsEventResponse> behaviour = event -> null;

    StreamsEventResponse handle(DynamodbEvent event) {
        List<String> ids = new ArrayList<>();
        event.getRecords().forEach(record -> ids.add(record.getDynamodb().getKeys().get("id").getS()));
        batches.add(List.copyOf(ids));
        events.add(event);
        return behaviour.apply(event);
    }

    public void behave(Function<DynamodbEvent, StreamsEventResponse> behaviour) {
        this.behaviour = behaviour;
    }

    /** Every batch so far, as item ids, keeping only the ids that start with the prefix (empty batches dropped). */
    public List<List<String>> batches(String prefix) {
        List<List<String>> result = new ArrayList<>();
        for (List<String> batch : batches) {
            List<String> matching = batch.stream().filter(id -> id.startsWith(prefix)).toList();
            if (!matching.isEmpty()) {
                result.add(matching);
            }
        }
        return result;
    }

    public List<DynamodbEvent> events() {
        return List.copyOf(events);
    }
}
