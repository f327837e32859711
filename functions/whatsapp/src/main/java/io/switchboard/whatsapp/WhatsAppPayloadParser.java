package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ingest.Interaction;
import static io.switchboard.core.json.JsonValues.requiredText;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.meta.MetaPayload;
import java.util.List;

/**
 * Turns a WhatsApp Business Cloud API webhook body into canonical interactions. Pure: no AWS, no clock, no
 * state; the same bytes always give the same list.
 *
 * <p>This class walks the envelope (entries, changes of the {@code messages} field, their phone number and
 * contacts) and hands each message to {@link MessageMapper} and each status to {@link StatusMapper}; who the
 * customer is, is decided by {@link WhatsAppIdentities}.
 *
 * <p>The whole body is read before anything is returned, and any shape error throws, so a bad body yields
 * no interactions at all (nothing is stored). Shape rules are strict where an interaction could not be keyed
 * without the field (message id, sender, timestamp, phone number id) and lenient on message content: a message
 * whose content we cannot read is kept as {@link EntryKind#UNSUPPORTED} with its raw JSON rather than rejected,
 * because a 4xx would make the whole batch (up to 1000 changes) be lost.
 *
 * <p>Payload shapes: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
public final class WhatsAppPayloadParser {

    /** The only {@code object} a WhatsApp Business Account webhook carries. */
    static final String OBJECT = "whatsapp_business_account";

    /** Other subscription fields (account_update, message_template_status_update...) carry no customer interaction. */
    static final String MESSAGES_FIELD = "messages";

    /**
     * @param body the raw request body, already authenticated
     * @return every interaction the body carries, in payload order
     * @throws RejectedInputException when the body is not JSON or not a WhatsApp Business Account webhook
     */
    public List<Interaction> parse(byte[] body) {
        Batch batch = new Batch();
        MetaPayload.forEachEntry(body, OBJECT, (entry, where) -> {
            JsonNode changes = entry.get("changes");
            if (changes == null || !changes.isArray()) {
                throw new RejectedInputException(where + ".changes is missing or not an array");
            }
            for (int c = 0; c < changes.size(); c++) {
                parseChange(changes.get(c), where + ".changes[" + c + "]", batch);
            }
        });
        return batch.interactions();
    }

    private static void parseChange(JsonNode change, String where, Batch batch) {
        if (!change.isObject()) {
            throw new RejectedInputException(where + " is not an object");
        }
        if (!MESSAGES_FIELD.equals(change.path("field").asText(null))) {
            return; // another subscription field: nothing for a customer timeline, and not an error
        }
        JsonNode value = change.get("value");
        if (value == null || !value.isObject()) {
            throw new RejectedInputException(where + ".value is missing or not an object");
        }
        String phoneNumberId = requiredText(value.path("metadata"), "phone_number_id",
                where + ".value.metadata.phone_number_id");
        Change context = new Change("/whatsapp/" + phoneNumberId, Contacts.of(value.get("contacts")));

        MetaPayload.forEachOf(value, "messages", where + ".value",
                (message, path) -> MessageMapper.map(message, path, context, batch));
        MetaPayload.forEachOf(value, "statuses", where + ".value",
                (status, path) -> StatusMapper.map(status, path, context, batch));
        // value.errors (webhook-level problems Meta reports, e.g. a message it could not deliver to us) names
        // no message of ours; the unsupported message that comes with such errors is kept through messages[].
    }

    /**
     * One change of the {@code messages} field.
     *
     * @param source   the CloudEvent source: {@code /whatsapp/<phoneNumberId>}, the business number it concerns
     * @param contacts the profiles of the users its messages and statuses name
     */
    record Change(String source, Contacts contacts) {
    }
}
