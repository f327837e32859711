package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The event contract as published in docs/events: every event a test reads off a queue is checked against it. A
 * channel defined outside the repository's modules (the test-only web chat) is added to the schema's channel enums
 * as its module's contract lines would add it (docs/adding-a-channel.md); the published schema lists the real ones.
 */
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
            JsonNode schema = Json.MAPPER.readTree(in);
            addChannels(schema, Channel.values().stream().map(Channel::wireName).toList());
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema, config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the event schema at " + path, e);
        }
    }

    /** Every channel enum (an enum that lists whatsapp) gains the wire names it lacks. */
    private static void addChannels(JsonNode node, List<String> wireNames) {
        if (node.isObject()) {
            JsonNode values = node.get("enum");
            if (values instanceof ArrayNode list && list.toString().contains("\"whatsapp\"")) {
                wireNames.stream().filter(name -> !list.toString().contains("\"" + name + "\"")).forEach(list::add);
            }
            node.elements().forEachRemaining(child -> addChannels(child, wireNames));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> addChannels(child, wireNames));
        }
    }
}
