package io.switchboard.core.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A CloudEvents 1.0 event in JSON structured mode: one per SQS message body. The schema of {@code data}
 * is docs/events/switchboard-event.v1.schema.json; {@link #DATA_SCHEMA} names its version.
 * https://cloudevents.io (spec v1.0.2, cloudevents/formats/json-format.md)
 */
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data"})
public record CloudEvent(String specversion, String id, String source, String type, String subject, String time,
                         String datacontenttype, String dataschema, Map<String, Object> data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String DATA_SCHEMA = "urn:switchboard:event:v1";

    public static CloudEvent of(String id, String source, String type, String subject, String time,
                                Map<String, Object> data) {
        return new CloudEvent(SPEC_VERSION, id, source, type, subject, time, "application/json", DATA_SCHEMA, data);
    }
}
