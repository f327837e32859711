package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples docs/events/switchboard-event.v1.schema.json publishes are events it accepts, and it is strict about them. */
class EventSchemaExamplesTest {

    @Test
    void everyExample_isAValidEvent_andTheAttachmentTypesHaveOne() throws IOException {
        JsonNode schema = Json.MAPPER.readTree(Files.readString(Repository.root()
                .resolve("docs/events/switchboard-event.v1.schema.json")));
        List<String> types = new ArrayList<>();
        for (JsonNode example : schema.path("examples")) {
            EventSchema.assertValid(example);
            types.add(example.path("type").asText());
        }
        assertEquals(List.of("switchboard.attachment.stored", "switchboard.attachment.failed"), types);
    }

    @Test
    void anAttachmentEvent_mustSayWhatItsStateNeeds() throws IOException {
        JsonNode schema = Json.MAPPER.readTree(Files.readString(Repository.root()
                .resolve("docs/events/switchboard-event.v1.schema.json")));
        ObjectNode stored = (ObjectNode) schema.path("examples").get(0).deepCopy();
        ObjectNode failed = (ObjectNode) schema.path("examples").get(1).deepCopy();

        ObjectNode noPath = stored.deepCopy();
        ((ObjectNode) noPath.path("data").path("attachment")).remove("downloadPath");
        ObjectNode noIndex = stored.deepCopy();
        ((ObjectNode) noIndex.path("data")).remove("index");
        ObjectNode failedWithPath = failed.deepCopy();
        ((ObjectNode) failedWithPath.path("data").path("attachment")).put("downloadPath",
                stored.path("data").path("attachment").path("downloadPath").asText());
        ObjectNode noReason = failed.deepCopy();
        ((ObjectNode) noReason.path("data").path("attachment")).remove("reason");
        ObjectNode unknownStatus = failed.deepCopy();
        ((ObjectNode) unknownStatus.path("data").path("attachment")).put("status", "deleted");
        ObjectNode objectKeyLeaked = stored.deepCopy();
        ((ObjectNode) objectKeyLeaked.path("data").path("attachment")).put("objectKey", "c/e/0");

        for (ObjectNode invalid : List.of(noPath, noIndex, failedWithPath, noReason, unknownStatus, objectKeyLeaked)) {
            assertThrows(AssertionError.class, () -> EventSchema.assertValid(invalid), invalid.toString());
        }
    }
}
