package io.switchboard.local.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.MicronautRequestHandler;
import jakarta.inject.Inject;

/** A stream function that does what the test's {@link StreamScript} says. */
public class RecordingStreamHandler extends MicronautRequestHandler<DynamodbEvent, StreamsEventResponse> {

    @Inject
    StreamScript script;

    public RecordingStreamHandler() {
    }

    public RecordingStreamHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    public StreamsEventResponse execute(DynamodbEvent event) {
        return script.handle(event);
    }
}
