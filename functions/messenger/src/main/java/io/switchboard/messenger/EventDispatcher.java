package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.RejectedInputException;
import static io.switchboard.meta.MetaPayload.object;
import io.switchboard.meta.MetaTimes;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One messaging event: who its customer is ({@link MessengerIdentities}), when it happened, and which mapper
 * reads it. An event says what it is by the one field it carries besides sender, recipient and timestamp.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
 */
final class EventDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    /** Fields every messaging event has besides the one that says what it is. */
    private static final Set<String> ENVELOPE = Set.of("sender", "recipient", "timestamp");

    /** Reads the content of one kind of event (the object under its field) into interactions. */
    @FunctionalInterface
    private interface Mapper {
        void map(JsonNode content, Event event, List<Interaction> out);
    }

    /** Mappers by field, in the order they are looked for; an event with none of them is kept as unsupported. */
    private static final Map<String, Mapper> MAPPERS = new LinkedHashMap<>();

    static {
        MAPPERS.put("message", MessageMapper::message);
        MAPPERS.put("message_edit", ActionMapper::edit);
        MAPPERS.put("postback", ActionMapper::postback);
        MAPPERS.put("reaction", ActionMapper::reaction);
        MAPPERS.put("delivery", ReceiptMapper::delivery);
        MAPPERS.put("read", ReceiptMapper::read);
        MAPPERS.put("referral", ActionMapper::referral);
        MAPPERS.put("optin", ActionMapper::optin);
    }

    private EventDispatcher() {
    }

    static void dispatch(JsonNode event, String where, Event.Account account, boolean standby, List<Interaction> out) {
        if (!event.isObject()) {
            throw new RejectedInputException(where + " is not an object");
        }
        JsonNode message = object(event.get("message"));
        boolean echo = message != null && message.path("is_echo").asBoolean(false);
        MessengerIdentities.Party party = MessengerIdentities.party(event, account, echo, where);
        if (party == null) {
            // Page-level notices (policy enforcement, app roles) name no customer: nothing for a timeline.
            LOG.info("skipped a {} event of a {} account that names no customer", kindOf(event),
                    account.platform().channel().wireName());
            return;
        }
        Instant at = MetaTimes.optionalEpoch(event.get("timestamp"), where + ".timestamp");
        Event context = new Event(account, party, standby, echo, at != null ? at : account.time(), where);
        for (Map.Entry<String, Mapper> kind : MAPPERS.entrySet()) {
            JsonNode content = object(event.get(kind.getKey()));
            if (content != null) {
                kind.getValue().map(content, context, out);
                return;
            }
        }
        ActionMapper.unsupported(event, context, out);
    }

    /** The field that says what an event is: the first one besides sender, recipient and timestamp. */
    static String kindOf(JsonNode event) {
        Iterator<String> names = event.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!ENVELOPE.contains(name)) {
                return name;
            }
        }
        return "empty";
    }
}
