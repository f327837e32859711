package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The event contract as published in docs/events: every event a test reads off a queue is checked against it. */
final class EventSchema {

    private static final JsonSchema SCHEMA = load();

    private EventSchema() {
    }

    static void assertValid(JsonNode event) {
        Set<ValidationMessage> problems = SCHEMA.validate(event);
        if (!problems.isEmpty()) {
            throw new AssertionError("event violates docs/events/switchboard-event.v1.schema.json: " + problems
                    + "\n" + event.toPrettyString());
        }
    }

    private static JsonSchema load() {
        Path path = Repository.root().resolve("docs/events/switchboard-event.v1.schema.json");
        try (InputStream in = Files.newInputStream(path)) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the event schema at " + path, e);
        }
    }
}
