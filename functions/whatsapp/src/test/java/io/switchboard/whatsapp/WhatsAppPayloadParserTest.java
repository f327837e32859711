package io.switchboard.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.StatusChange;
import io.switchboard.meta.MetaIdentities;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WhatsAppPayloadParserTest {

    static final String SOURCE = "/whatsapp/109876543210123";
    static final Identity ANN = Identity.phone("15555550101");
    static final Identity BOB = Identity.phone("15555550102");
    static final String ANN_BSUID = "US.73150826491037265840";
    /** The business's earlier message to Ann that replies, buttons and reactions point at. */
    static final String BUSINESS_MESSAGE = "wamid.HBgLMTU1NTU1NTAxMDEVAgASGBQzQjM2QkEyRTFCNjhDMTM0OTZBMwA=";

    private final WhatsAppPayloadParser parser = new WhatsAppPayloadParser();

    @Test
    void fictionalTestNumbers_areAcceptedAsPhoneIdentities() {
        // given the fictional +1 555-555-01xx numbers the fixtures use
        // when
        Identity ann = Identity.phone("15555550101");
        // then they normalise to E.164 like any real number
        assertEquals("phone:+15555550101", ann.key());
    }

    @Nested
    class Messages {

        @Test
        void textMessage_becomesInboundMessageWithBodyAndProfileName() {
            // given a text message from Ann
            // when
            Interaction.LogEntry logged = onlyLogEntry("text_message.json");
            // then
            ConversationEntry entry = logged.entry();
            assertEquals(ANN, logged.customer());
            assertEquals("Ann Example", logged.profileName());
            assertEquals(Channel.WHATSAPP, entry.channel());
            assertEquals(SOURCE, entry.source());
            assertEquals(Direction.INBOUND, entry.direction());
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals("wamid.HBgLMTU1NTU1NTAxMDEVAgASGBQxMkMzRDZEQzJCQzk5NUEwRjVFOAA=", entry.providerMessageId());
            assertEquals(ConversationEntry.idFor(Channel.WHATSAPP, entry.providerMessageId()), entry.id());
            assertEquals(Instant.ofEpochSecond(1763805600L), entry.occurredAt());
            assertEquals("Hi, is my order 4417 on its way?", entry.text());
            assertTrue(entry.attachments().isEmpty());
            assertNull(entry.replyTo());
        }

        @Test
        void imageMessage_becomesMessageWithAttachment() {
            // when
            ConversationEntry entry = onlyLogEntry("image_message.json").entry();
            // then
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals("This arrived broken", entry.text());
            assertEquals(List.of(Attachment.media("image", "image/jpeg", "1479537139650973", "This arrived broken", null)),
                    entry.attachments());
            assertEquals(io.switchboard.core.model.AttachmentStatus.PENDING, entry.attachments().get(0).status(),
                    "held by Meta until the media function fetches it");
        }

        @Test
        void audioMessage_becomesVoiceAttachment() {
            // when
            ConversationEntry entry = onlyLogEntry("audio_message.json").entry();
            // then
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertNull(entry.text());
            Attachment audio = entry.attachments().get(0);
            assertEquals("audio", audio.type());
            assertEquals("audio/ogg; codecs=opus", audio.mimeType());
            assertEquals("1003383421387256", audio.mediaId());
            assertEquals(true, entry.details().get("voice"));
        }

        @Test
        void videoMessage_becomesMessageWithCaptionedAttachment() {
            // when
            ConversationEntry entry = onlyLogEntry("video_message.json").entry();
            // then
            assertEquals("Unboxing", entry.text());
            assertEquals(List.of(Attachment.media("video", "video/mp4", "1214460896947321", "Unboxing", null)),
                    entry.attachments());
        }

        @Test
        void documentMessage_keepsFilenameAndCaption() {
            // when
            ConversationEntry entry = onlyLogEntry("document_message.json").entry();
            // then
            assertEquals("Invoice attached", entry.text());
            assertEquals(List.of(Attachment.media("document", "application/pdf", "1090836179374104",
                    "Invoice attached", "invoice-4417.pdf")), entry.attachments());
        }

        @Test
        void stickerMessage_becomesAttachmentWithAnimatedFlag() {
            // when
            ConversationEntry entry = onlyLogEntry("sticker_message.json").entry();
            // then
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals(List.of(Attachment.media("sticker", "image/webp", "1031216592224549", null, null)),
                    entry.attachments());
            assertEquals(false, entry.details().get("animated"));
        }

        @Test
        void locationMessage_becomesLocationWithCoordinates() {
            // when
            ConversationEntry entry = onlyLogEntry("location_message.json").entry();
            // then
            assertEquals(EntryKind.LOCATION, entry.kind());
            assertEquals(37.483307, entry.details().get("latitude"));
            assertEquals(-122.148981, entry.details().get("longitude"));
            assertEquals("Pickup point", entry.details().get("name"));
            assertEquals("1 Hacker Way, Menlo Park, CA 94025", entry.details().get("address"));
            assertEquals("https://www.example.com", entry.details().get("url"));
        }

        @Test
        void contactsMessage_keepsTheCardsAsPlainJavaValues() {
            // when
            ConversationEntry entry = onlyLogEntry("contacts_message.json").entry();
            // then
            assertEquals(EntryKind.CONTACTS, entry.kind());
            List<?> cards = assertInstanceOf(List.class, entry.details().get("contacts"));
            Map<?, ?> card = assertInstanceOf(Map.class, cards.get(0));
            assertEquals("Bob Example", ((Map<?, ?>) card.get("name")).get("formatted_name"));
            Map<?, ?> phone = (Map<?, ?>) ((List<?>) card.get("phones")).get(0);
            assertEquals("15555550102", phone.get("wa_id"));
        }

        @Test
        void interactiveButtonReply_becomesInteractiveReplyTitledAndLinkedToTheQuestion() {
            // when
            ConversationEntry entry = onlyLogEntry("interactive_button_reply.json").entry();
            // then
            assertEquals(EntryKind.INTERACTIVE_REPLY, entry.kind());
            assertEquals("Track my order", entry.text());
            assertEquals(BUSINESS_MESSAGE, entry.replyTo());
            assertEquals("button_reply", entry.details().get("type"));
            assertEquals("track-order", entry.details().get("id"));
            assertEquals("Track my order", entry.details().get("title"));
            assertFalse(entry.details().containsKey("description"));
        }

        @Test
        void interactiveListReply_keepsRowIdAndDescription() {
            // when
            ConversationEntry entry = onlyLogEntry("interactive_list_reply.json").entry();
            // then
            assertEquals(EntryKind.INTERACTIVE_REPLY, entry.kind());
            assertEquals("Tuesday morning", entry.text());
            assertEquals("list_reply", entry.details().get("type"));
            assertEquals("slot-tue-am", entry.details().get("id"));
            assertEquals("Between 9:00 and 12:00", entry.details().get("description"));
        }

        @Test
        void templateButton_becomesInteractiveReplyWithPayload() {
            // when
            ConversationEntry entry = onlyLogEntry("button_message.json").entry();
            // then
            assertEquals(EntryKind.INTERACTIVE_REPLY, entry.kind());
            assertEquals("Stop promotions", entry.text());
            assertEquals("STOP_PROMOTIONS", entry.details().get("payload"));
            assertEquals("Stop promotions", entry.details().get("text"));
            assertEquals(BUSINESS_MESSAGE, entry.replyTo());
        }

        @Test
        void reaction_becomesReactionToTheMessageItNames() {
            // when
            ConversationEntry entry = onlyLogEntry("reaction_message.json").entry();
            // then
            assertEquals(EntryKind.REACTION, entry.kind());
            assertEquals(BUSINESS_MESSAGE, entry.replyTo());
            assertEquals("\uD83D\uDC4D", entry.text());
            assertEquals("\uD83D\uDC4D", entry.details().get("emoji"));
            assertFalse(entry.details().containsKey("removed"));
        }

        @Test
        void reactionWithoutEmoji_isAnUnreact() {
            // when
            ConversationEntry entry = onlyLogEntry("reaction_removed.json").entry();
            // then
            assertEquals(EntryKind.REACTION, entry.kind());
            assertEquals(BUSINESS_MESSAGE, entry.replyTo());
            assertNull(entry.text());
            assertEquals(true, entry.details().get("removed"));
        }

        @Test
        void replyWithContext_pointsAtTheQuotedMessageAndKeepsForwardProductAndAdReferral() {
            // when
            ConversationEntry entry = onlyLogEntry("reply_with_context.json").entry();
            // then
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals(BUSINESS_MESSAGE, entry.replyTo());
            assertEquals(entry.replyToEntryId(), ConversationEntry.idFor(Channel.WHATSAPP, BUSINESS_MESSAGE));
            assertEquals("15555550100", entry.details().get("contextFrom"));
            assertEquals(true, entry.details().get("forwarded"));
            assertFalse(entry.details().containsKey("frequentlyForwarded"));
            assertEquals(Map.of("catalog_id", "2864371070528491", "product_retailer_id", "sku-blue-42"),
                    entry.details().get("referredProduct"));
            Map<?, ?> referral = assertInstanceOf(Map.class, entry.details().get("referral"));
            assertEquals("ad", referral.get("source_type"));
            assertEquals("120211345678900123", referral.get("source_id"));
        }

        @Test
        void unsupportedMessage_isKeptWithItsRawJson() throws Exception {
            // when
            ConversationEntry entry = onlyLogEntry("unsupported_message.json").entry();
            // then
            assertEquals(EntryKind.UNSUPPORTED, entry.kind());
            assertEquals("unsupported", entry.details().get("type"));
            JsonNode raw = Json.MAPPER.readTree((String) entry.details().get("raw"));
            assertEquals(entry.providerMessageId(), raw.path("id").asText());
            assertEquals("poll_creation", raw.path("unsupported").path("type").asText());
            assertEquals(131051, raw.path("errors").get(0).path("code").asInt());
        }

        @Test
        void unknownFutureType_isKeptAsUnsupportedNotDropped() {
            // given a message type this parser has never heard of
            String body = messageBody("""
                    {"from": "15555550101", "id": "wamid.future1", "timestamp": "1763805600",
                     "type": "hologram", "hologram": {"id": "42"}}""");
            // when
            ConversationEntry entry = onlyLogEntry(body.getBytes(StandardCharsets.UTF_8)).entry();
            // then
            assertEquals(EntryKind.UNSUPPORTED, entry.kind());
            assertEquals("hologram", entry.details().get("type"));
            assertTrue(((String) entry.details().get("raw")).contains("\"hologram\""));
        }

        @Test
        void knownTypeWithoutItsContent_isKeptAsUnsupportedNotRejected() {
            // given an image message whose image object is missing
            String body = messageBody("""
                    {"from": "15555550101", "id": "wamid.odd1", "timestamp": "1763805600", "type": "image"}""");
            // when
            ConversationEntry entry = onlyLogEntry(body.getBytes(StandardCharsets.UTF_8)).entry();
            // then
            assertEquals(EntryKind.UNSUPPORTED, entry.kind());
            assertEquals("image", entry.details().get("type"));
        }
    }

    @Nested
    class Identities {

        @Test
        void userChangedNumber_becomesSystemEntryAndLinksTheNewNumber() {
            // when
            List<Interaction> interactions = parser.parse(Fixtures.bytes("user_changed_number.json"));
            // then
            assertEquals(2, interactions.size());
            Interaction.LogEntry logged = assertInstanceOf(Interaction.LogEntry.class, interactions.get(0));
            assertEquals(ANN, logged.customer());
            assertNull(logged.profileName(), "system messages carry no contacts array");
            assertEquals(EntryKind.SYSTEM, logged.entry().kind());
            assertEquals("User Ann Example changed from 15555550101 to 15555550142", logged.entry().text());
            assertEquals("user_changed_number", logged.entry().details().get("systemType"));
            assertEquals(new Interaction.LinkIdentity(ANN, Identity.phone("15555550142"), SOURCE,
                    Instant.ofEpochSecond(1763806440L)), interactions.get(1));
        }

        @Test
        void userChangedUserId_withoutPhone_linksTheNewBsuidToThePreviousOne() {
            // when
            List<Interaction> interactions = parser.parse(Fixtures.bytes("user_changed_user_id.json"));
            // then
            Identity previous = MetaIdentities.whatsappUser(ANN_BSUID);
            Interaction.LogEntry logged = assertInstanceOf(Interaction.LogEntry.class, interactions.get(0));
            assertEquals(previous, logged.customer());
            assertEquals(EntryKind.SYSTEM, logged.entry().kind());
            assertEquals(List.of(logged, new Interaction.LinkIdentity(previous,
                    MetaIdentities.whatsappUser("US.73150826491037265999"), SOURCE, Instant.ofEpochSecond(1763806500L))),
                    interactions);
        }

        @Test
        void userIdOnlyMessage_isFiledUnderTheBusinessScopedUserId() {
            // given a username user whose phone number Meta withholds ("" in from and wa_id)
            // when
            List<Interaction> interactions = parser.parse(Fixtures.bytes("user_id_only_message.json"));
            // then
            assertEquals(1, interactions.size(), "no phone, so nothing to link");
            Interaction.LogEntry logged = assertInstanceOf(Interaction.LogEntry.class, interactions.get(0));
            assertEquals(MetaIdentities.whatsappUser("US.52871940365128374610"), logged.customer());
            assertEquals("Eve Example", logged.profileName());
            assertEquals("Does it come in another color?", logged.entry().text());
        }

        @Test
        void userIdOnlyMessage_withPhoneFieldsOmitted_isFiledUnderTheUserId() {
            // given the same message with from and wa_id left out rather than empty
            String body = """
                    {"object": "whatsapp_business_account", "entry": [{"id": "104857600123456", "changes": [{
                      "field": "messages", "value": {"messaging_product": "whatsapp",
                        "metadata": {"display_phone_number": "15555550100", "phone_number_id": "109876543210123"},
                        "contacts": [{"profile": {"name": "Eve Example"}, "user_id": "US.52871940365128374610"}],
                        "messages": [{"from_user_id": "US.52871940365128374610", "id": "wamid.eve2",
                          "timestamp": "1763806861", "type": "text", "text": {"body": "Hello?"}}]}}]}]}""";
            // when
            Interaction.LogEntry logged = onlyLogEntry(body.getBytes(StandardCharsets.UTF_8));
            // then
            assertEquals(MetaIdentities.whatsappUser("US.52871940365128374610"), logged.customer());
            assertEquals("Eve Example", logged.profileName());
        }

        @Test
        void messageWithPhoneAndUserId_isFiledUnderThePhoneAndLinksTheUserId() {
            // when
            List<Interaction> interactions = parser.parse(Fixtures.bytes("text_message_with_user_id.json"));
            // then
            Interaction.LogEntry logged = assertInstanceOf(Interaction.LogEntry.class, interactions.get(0));
            assertEquals(ANN, logged.customer());
            assertEquals(List.of(logged, new Interaction.LinkIdentity(ANN, MetaIdentities.whatsappUser(ANN_BSUID), SOURCE,
                    Instant.ofEpochSecond(1763806920L))), interactions);
        }
    }

    @Nested
    class Statuses {

        static final String SENT_MESSAGE = "wamid.HBgLMTU1NTU1NTAxMDIVAgASGBRFOUVGOUFENTM2QTIwOEI4OTAxNQA=";

        @Test
        void sentStatus_updatesTheRecipientsMessage() {
            // when
            Interaction.UpdateStatus update = onlyStatus("status_sent.json");
            // then
            assertEquals(BOB, update.customer());
            assertEquals(new StatusChange(Channel.WHATSAPP, SOURCE, SENT_MESSAGE, DeliveryStatus.SENT,
                    Instant.ofEpochSecond(1763806620L), Map.of()), update.change());
        }

        @Test
        void deliveredStatus_becomesDelivered() {
            // when
            StatusChange change = onlyStatus("status_delivered.json").change();
            // then
            assertEquals(DeliveryStatus.DELIVERED, change.status());
            assertEquals(SENT_MESSAGE, change.providerMessageId());
            assertEquals(Instant.ofEpochSecond(1763806680L), change.at());
        }

        @Test
        void readStatus_becomesRead() {
            // when
            StatusChange change = onlyStatus("status_read.json").change();
            // then
            assertEquals(DeliveryStatus.READ, change.status());
            assertEquals(Instant.ofEpochSecond(1763806740L), change.at());
        }

        @Test
        void failedStatus_carriesTheFirstError() {
            // when
            Interaction.UpdateStatus update = onlyStatus("status_failed.json");
            // then
            assertEquals(BOB, update.customer());
            assertEquals(DeliveryStatus.FAILED, update.change().status());
            assertEquals(Map.of("code", 131047L, "title", "Re-engagement message", "message", "Re-engagement message",
                    "details", "Message failed to send because more than 24 hours have passed since the customer "
                            + "last replied to this number."), update.change().error());
        }

        @Test
        void untrackedStatus_isSkippedWithoutFailingTheBatch() {
            // given a "played" status (voice messages) beside a delivered one
            String body = statusBody("""
                    {"id": "wamid.voice1", "status": "played", "timestamp": "1763806700", "recipient_id": "15555550102"},
                    {"id": "wamid.voice1", "status": "delivered", "timestamp": "1763806690", "recipient_id": "15555550102"}""");
            // when
            List<Interaction> interactions = parser.parse(body.getBytes(StandardCharsets.UTF_8));
            // then
            assertEquals(1, interactions.size());
            assertEquals(DeliveryStatus.DELIVERED,
                    assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(0)).change().status());
        }

        @Test
        void statusSentToABusinessScopedUserId_isFiledUnderThatId() {
            // given a status whose recipient_id is withheld ("") and recipient_user_id is set
            String body = statusBody("""
                    {"id": "wamid.eve9", "status": "read", "timestamp": "1763806700", "recipient_id": "",
                     "recipient_user_id": "US.52871940365128374610"}""");
            // when
            List<Interaction> interactions = parser.parse(body.getBytes(StandardCharsets.UTF_8));
            // then
            assertEquals(1, interactions.size());
            assertEquals(MetaIdentities.whatsappUser("US.52871940365128374610"), interactions.get(0).customer());
        }
    }

    @Nested
    class Batches {

        @Test
        void batchWithSeveralEntriesChangesMessagesAndStatuses_yieldsEveryInteractionInOrder() {
            // when
            List<Interaction> interactions = parser.parse(Fixtures.bytes("batch_multiple_entries.json"));
            // then
            assertEquals(6, interactions.size());
            Interaction.LogEntry first = assertInstanceOf(Interaction.LogEntry.class, interactions.get(0));
            assertEquals(ANN, first.customer());
            assertEquals("First", first.entry().text());
            Interaction.LogEntry second = assertInstanceOf(Interaction.LogEntry.class, interactions.get(1));
            assertEquals(BOB, second.customer());
            assertEquals("Bob Example", second.profileName());
            Interaction.UpdateStatus delivered = assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(2));
            assertEquals(Identity.phone("15555550103"), delivered.customer());
            assertEquals(DeliveryStatus.DELIVERED, delivered.change().status());
            assertEquals(DeliveryStatus.READ,
                    assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(3)).change().status());
            Interaction.LogEntry image = assertInstanceOf(Interaction.LogEntry.class, interactions.get(4));
            assertEquals("/whatsapp/109876543210456", image.entry().source(), "source follows each change's number");
            assertEquals("Dan Example", image.profileName());
            Interaction.UpdateStatus sent = assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(5));
            assertEquals("/whatsapp/109876543210456", sent.change().source());
            assertEquals(DeliveryStatus.SENT, sent.change().status());
        }

        @Test
        void otherSubscriptionField_yieldsNoInteractions() {
            // given an account_update notification only
            String body = """
                    {"object": "whatsapp_business_account", "entry": [{"id": "104857600123456", "changes": [
                      {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]}]}""";
            // when / then
            assertTrue(parser.parse(body.getBytes(StandardCharsets.UTF_8)).isEmpty());
        }
    }

    @Nested
    class Rejections {

        @Test
        void malformedJson_isA400() {
            assertBadRequest("{\"object\": \"whatsapp_business_account\", \"entry\": [", "malformed JSON");
        }

        @Test
        void trailingGarbageAfterTheDocument_isA400() {
            assertBadRequest("{\"object\": \"whatsapp_business_account\", \"entry\": []} {}", "malformed JSON");
        }

        @Test
        void emptyBody_isA400() {
            assertBadRequest("", "empty body");
        }

        @Test
        void jsonThatIsNotAnObject_isA400() {
            assertBadRequest("[1, 2, 3]", "payload is not a JSON object");
        }

        @Test
        void unknownObject_isA400() {
            assertBadRequest("{\"object\": \"page\", \"entry\": []}", "object is not whatsapp_business_account");
        }

        @Test
        void missingEntry_isA400() {
            assertBadRequest("{\"object\": \"whatsapp_business_account\"}", "entry is missing or not an array");
        }

        @Test
        void entryThatIsNotAnArray_isA400() {
            assertBadRequest("{\"object\": \"whatsapp_business_account\", \"entry\": {}}",
                    "entry is missing or not an array");
        }

        @Test
        void missingPhoneNumberId_isA400() {
            String body = """
                    {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
                      {"field": "messages", "value": {"metadata": {"display_phone_number": "15555550100"}}}]}]}""";
            assertBadRequest(body, "entry[0].changes[0].value.metadata.phone_number_id is missing");
        }

        @Test
        void messageWithoutId_isA400() {
            assertBadRequest(messageBody("""
                    {"from": "15555550101", "timestamp": "1763805600", "type": "text", "text": {"body": "hi"}}"""),
                    "entry[0].changes[0].value.messages[0].id is missing");
        }

        @Test
        void messageWithoutSender_isA400() {
            assertBadRequest(messageBody("""
                    {"id": "wamid.x", "timestamp": "1763805600", "type": "text", "text": {"body": "hi"}}"""),
                    "entry[0].changes[0].value.messages[0] has no from or from_user_id");
        }

        @Test
        void messageWithoutTimestamp_isA400() {
            assertBadRequest(messageBody("""
                    {"from": "15555550101", "id": "wamid.x", "type": "text", "text": {"body": "hi"}}"""),
                    "entry[0].changes[0].value.messages[0].timestamp is missing");
        }

        @Test
        void messageWithNonNumericTimestamp_isA400() {
            assertBadRequest(messageBody("""
                    {"from": "15555550101", "id": "wamid.x", "timestamp": "yesterday", "type": "text"}"""),
                    "entry[0].changes[0].value.messages[0].timestamp is not epoch seconds");
        }

        @Test
        void senderThatIsNotAPhoneNumber_isA400() {
            assertBadRequest(messageBody("""
                    {"from": "12", "id": "wamid.x", "timestamp": "1763805600", "type": "text", "text": {"body": "hi"}}"""),
                    "entry[0].changes[0].value.messages[0].from is not a phone number");
        }

        @Test
        void statusWithoutRecipient_isA400() {
            assertBadRequest(statusBody("""
                    {"id": "wamid.x", "status": "read", "timestamp": "1763806700"}"""),
                    "entry[0].changes[0].value.statuses[0] has no recipient_id or recipient_user_id");
        }

        @Test
        void oneBadMessageInABatch_rejectsTheWholeBody() {
            // given a good message followed by one without an id
            String body = messageBody("""
                    {"from": "15555550101", "id": "wamid.good", "timestamp": "1763805600", "type": "text",
                     "text": {"body": "fine"}},
                    {"from": "15555550101", "timestamp": "1763805601", "type": "text", "text": {"body": "broken"}}""");
            // when / then: nothing comes back, not even the good one
            assertBadRequest(body, "entry[0].changes[0].value.messages[1].id is missing");
        }

        private void assertBadRequest(String body, String reason) {
            RejectedInputException refused = assertThrows(RejectedInputException.class,
                    () -> parser.parse(body.getBytes(StandardCharsets.UTF_8)));
            assertEquals(reason, refused.reason());
        }
    }

    /** Values no sender should send (of the kinds WhatsAppWebhookPropertyTest generates): a 400 naming the field, or left out. */
    @Nested
    class AbsurdValues {

        @Test
        void negativeTimestamp_isA400() {
            assertBadRequest("\"-1\"", "entry[0].changes[0].value.messages[0].timestamp is not epoch seconds");
        }

        @Test
        void timestampTooLargeForAnyClock_isA400() {
            assertBadRequest("\"" + "9".repeat(25) + "\"",
                    "entry[0].changes[0].value.messages[0].timestamp is not epoch seconds");
        }

        @Test
        void fractionalOrExponentTimestamp_isA400() {
            assertBadRequest("1763805600.5", "entry[0].changes[0].value.messages[0].timestamp is not epoch seconds");
            assertBadRequest("1e400", "entry[0].changes[0].value.messages[0].timestamp is not epoch seconds");
        }

        @Test
        void timestampThatIsAnObject_isA400() {
            assertBadRequest("{\"seconds\": 1763805600}",
                    "entry[0].changes[0].value.messages[0].timestamp is not epoch seconds");
        }

        @Test
        void changedNumberThatIsNotAPhoneNumber_isA400NamingTheField() {
            // given a user_changed_number whose new number is no phone number
            String body = messageBody("""
                    {"from": "15555550101", "id": "wamid.sys1", "timestamp": "1763805600", "type": "system",
                     "system": {"body": "changed", "type": "user_changed_number", "wa_id": "12"}}""");
            // when
            RejectedInputException refused = assertThrows(RejectedInputException.class,
                    () -> parser.parse(body.getBytes(StandardCharsets.UTF_8)));
            // then
            assertEquals("entry[0].changes[0].value.messages[0].system.wa_id is not a phone number", refused.reason());
        }

        @Test
        void locationWithCoordinatesThatAreNoNumbers_isKeptWithoutThem() {
            // given a location whose latitude is "NaN" and longitude overflows a double
            String body = messageBody("""
                    {"from": "15555550101", "id": "wamid.loc1", "timestamp": "1763805600", "type": "location",
                     "location": {"latitude": "NaN", "longitude": 1e400, "name": "Pier 39"}}""");
            // when
            ConversationEntry entry = onlyLogEntry(body.getBytes(StandardCharsets.UTF_8)).entry();
            // then
            assertEquals(EntryKind.LOCATION, entry.kind());
            assertEquals(Map.of("name", "Pier 39"), entry.details());
        }

        private void assertBadRequest(String timestamp, String reason) {
            String body = messageBody("""
                    {"from": "15555550101", "id": "wamid.t1", "timestamp": %s, "type": "text", "text": {"body": "hi"}}"""
                    .formatted(timestamp));
            RejectedInputException refused = assertThrows(RejectedInputException.class,
                    () -> parser.parse(body.getBytes(StandardCharsets.UTF_8)));
            assertEquals(reason, refused.reason());
        }
    }

    // ---------------------------------------------------------------- helpers

    private Interaction.LogEntry onlyLogEntry(String fixture) {
        return onlyLogEntry(Fixtures.bytes(fixture));
    }

    private Interaction.LogEntry onlyLogEntry(byte[] body) {
        List<Interaction> interactions = parser.parse(body);
        assertEquals(1, interactions.size(), "interactions: " + interactions);
        return assertInstanceOf(Interaction.LogEntry.class, interactions.get(0));
    }

    private Interaction.UpdateStatus onlyStatus(String fixture) {
        List<Interaction> interactions = parser.parse(Fixtures.bytes(fixture));
        assertEquals(1, interactions.size(), "interactions: " + interactions);
        return assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(0));
    }

    /** One messages change around the given message objects (comma-separated JSON). */
    static String messageBody(String messages) {
        return valueBody("\"messages\": [" + messages + "]");
    }

    static String statusBody(String statuses) {
        return valueBody("\"statuses\": [" + statuses + "]");
    }

    private static String valueBody(String arrays) {
        return """
                {"object": "whatsapp_business_account", "entry": [{"id": "104857600123456", "changes": [{
                  "field": "messages", "value": {"messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15555550100", "phone_number_id": "109876543210123"},
                    %s}}]}]}""".formatted(arrays);
    }
}
