package io.switchboard.messenger;

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
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.meta.MetaIdentities;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MessengerPayloadParserTest {

    static final String PAGE = "108223764512345";
    static final String PSID = "6234567890123456";
    static final String SOURCE = "/messenger/" + PAGE;
    static final Identity ANN = MetaIdentities.messenger(PAGE, PSID);
    static final String IG_ACCOUNT = "17841400000000001";
    static final String IGSID = "5432109876543210";
    static final String IG_SOURCE = "/instagram/" + IG_ACCOUNT;
    static final Identity IG_ANN = MetaIdentities.instagram(IG_ACCOUNT, IGSID);
    static final Instant T0 = Instant.ofEpochMilli(1763805600000L);

    private final MessengerPayloadParser parser = new MessengerPayloadParser();

    @Nested
    class MessengerMessages {

        @Test
        void textMessage_becomesInboundMessageOfThePageScopedCustomer() {
            // when
            Interaction.LogEntry logged = onlyLogEntry(Platform.MESSENGER, Fixtures.messenger("text_message.json"));
            // then
            ConversationEntry entry = logged.entry();
            assertEquals(ANN, logged.customer());
            assertEquals("messenger:" + PAGE + ":" + PSID, logged.customer().key());
            assertNull(logged.profileName(), "Messenger payloads carry no names");
            assertEquals(Channel.MESSENGER, entry.channel());
            assertEquals(SOURCE, entry.source());
            assertEquals(Direction.INBOUND, entry.direction());
            assertEquals(EntryKind.MESSAGE, entry.kind());
            String mid = "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheUYEDdHJXjDXEAyaS1xxONzb2Iv-DFzmTihfWJV012P5pK0AhQ";
            assertEquals(mid, entry.providerMessageId());
            assertEquals(ConversationEntry.idFor(Channel.MESSENGER, mid), entry.id());
            assertEquals(T0, entry.occurredAt());
            assertEquals("Hi, is my order 4417 on its way?", entry.text());
            assertTrue(entry.attachments().isEmpty());
            assertNull(entry.replyTo());
            assertFalse(entry.details().containsKey("standby"));
        }

        @Test
        void quickReply_keepsTheTitleAsTextAndThePayload() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("quick_reply.json"));
            // then
            assertEquals("Track my order", entry.text());
            assertEquals("TRACK_ORDER_4417", entry.details().get("quickReplyPayload"));
        }

        @Test
        void reply_pointsAtTheMessageItAnswers() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("reply_message.json"));
            // then
            String target = "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P";
            assertEquals(target, entry.replyTo());
            assertEquals(ConversationEntry.idFor(Channel.MESSENGER, target), entry.replyToEntryId());
            assertEquals(false, entry.details().get("selfReply"));
        }

        @Test
        void mediaAttachments_becomeAttachmentsWithTheirUrl() {
            for (String type : List.of("image", "video", "audio", "file")) {
                // when
                ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger(type + "_attachment.json"));
                // then
                assertEquals(EntryKind.MESSAGE, entry.kind(), type);
                assertNull(entry.text(), type);
                Attachment attachment = entry.attachments().get(0);
                assertEquals(type, attachment.type());
                assertTrue(attachment.url().startsWith("https://"), type);
                assertNull(attachment.mediaId(), type);
                assertEquals(AttachmentStatus.PENDING, attachment.status(), type + ": the media function fetches it");
                assertFalse(entry.details().containsKey("attachmentPayloads"), type);
            }
        }

        @Test
        void locationAttachment_becomesLocationWithCoordinatesInDetails() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("location_attachment.json"));
            // then
            assertEquals(EntryKind.LOCATION, entry.kind());
            assertEquals(37.483307, entry.details().get("latitude"));
            assertEquals(-122.148981, entry.details().get("longitude"));
            assertEquals("Pickup point", entry.details().get("locationTitle"));
            Attachment location = entry.attachments().get(0);
            assertEquals("location", location.type());
            assertTrue(location.url().startsWith("https://l.facebook.com/"));
            assertEquals(AttachmentStatus.REFERENCE, location.status(), "a map link, no media of the message");
        }

        @Test
        void fallbackAttachment_keepsTheSharedLinkAndTitleBesideTheText() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("fallback_attachment.json"));
            // then
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals("look at this https://www.example.com/product/4417", entry.text());
            assertEquals(List.of(new Attachment("fallback", null, null, "https://www.example.com/product/4417", null,
                    "Blue running shoe, size 42", null).withStatus(AttachmentStatus.REFERENCE)), entry.attachments());
            assertEquals("Blue running shoe, size 42", entry.details().get("fallbackTitle"));
        }

        @Test
        void standbyMessage_isLoggedAndMarkedStandby() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("standby_message.json"));
            // then
            assertEquals("Are you still there?", entry.text());
            assertEquals(true, entry.details().get("standby"));
        }
    }

    @Nested
    class Echoes {

        @Test
        void echo_isOutboundAndFiledUnderTheRecipientNeverThePage() {
            // when
            Interaction.LogEntry logged = onlyLogEntry(Platform.MESSENGER, Fixtures.messenger("echo_text.json"));
            // then
            assertEquals(ANN, logged.customer(), "the customer is the recipient of an echo");
            ConversationEntry entry = logged.entry();
            assertEquals(Direction.OUTBOUND, entry.direction());
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals("m_echo0001", entry.providerMessageId());
            assertEquals("It left our warehouse this morning.", entry.text());
            assertEquals(T0.plusSeconds(60), entry.occurredAt());
            assertEquals(true, entry.details().get("echo"));
            assertEquals("1517776481860111", entry.details().get("appId"));
            assertEquals("agent:42", entry.details().get("metadata"));
        }

        @Test
        void givenTheEchoOfAReplyThisSystemSent_whenParsed_thenNothingIsLogged_theOutboundFunctionRecordsIt() {
            // when
            List<Interaction> parsed = parser.parse(Platform.MESSENGER, Fixtures.messenger("echo_of_own_reply.json"));
            // then
            assertTrue(parsed.isEmpty(), parsed.toString());
        }

        @Test
        void templateEchoInStandby_keepsTheTemplatePayload() {
            // when
            Interaction.LogEntry logged = onlyLogEntry(Platform.MESSENGER, Fixtures.messenger("echo_template.json"));
            // then
            ConversationEntry entry = logged.entry();
            assertEquals(ANN, logged.customer());
            assertEquals(Direction.OUTBOUND, entry.direction());
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals("template", entry.attachments().get(0).type());
            assertEquals("https://www.facebook.com/commerce/update/", entry.attachments().get(0).url());
            Map<?, ?> template = assertInstanceOf(Map.class, ((List<?>) entry.details().get("templates")).get(0));
            assertEquals("media", template.get("template_type"));
            assertEquals(true, entry.details().get("standby"));
        }
    }

    @Nested
    class Receipts {

        @Test
        void delivery_movesEverythingUpToTheWatermarkAndEachNamedMessage() {
            // when
            List<Interaction> interactions = parser.parse(Platform.MESSENGER, Fixtures.messenger("delivery.json"));
            // then
            Instant watermark = Instant.ofEpochMilli(1763805661000L);
            assertEquals(List.of(
                    new Interaction.Watermark(ANN, Channel.MESSENGER, SOURCE, DeliveryStatus.DELIVERED, watermark),
                    new Interaction.UpdateStatus(ANN, new io.switchboard.core.model.StatusChange(Channel.MESSENGER,
                            SOURCE, "m_echo0001", DeliveryStatus.DELIVERED, watermark, Map.of()))),
                    interactions);
        }

        @Test
        void read_movesEverythingUpToTheWatermarkToRead() {
            // when
            List<Interaction> interactions = parser.parse(Platform.MESSENGER, Fixtures.messenger("read.json"));
            // then
            assertEquals(List.of(new Interaction.Watermark(ANN, Channel.MESSENGER, SOURCE, DeliveryStatus.READ,
                    Instant.ofEpochMilli(1763805661000L))), interactions);
        }

        @Test
        void instagramSeen_marksTheNamedMessageRead() {
            // when
            List<Interaction> interactions = parser.parse(Platform.INSTAGRAM, Fixtures.instagram("seen.json"));
            // then
            assertEquals(List.of(new Interaction.UpdateStatus(IG_ANN, new io.switchboard.core.model.StatusChange(
                    Channel.INSTAGRAM, IG_SOURCE, "ig_echo0001", DeliveryStatus.READ, T0.plusSeconds(120), Map.of()))),
                    interactions);
        }
    }

    @Nested
    class ReactionsEditsAndDeletions {

        @Test
        void reaction_isAttachedToTheMessageItReactsTo() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("reaction_react.json"));
            // then
            assertEquals(EntryKind.REACTION, entry.kind());
            assertEquals(Direction.INBOUND, entry.direction());
            assertEquals("m_echo0001", entry.replyTo());
            assertEquals("\u2764\ufe0f", entry.text());
            assertEquals("\u2764\ufe0f", entry.details().get("emoji"));
            assertEquals("love", entry.details().get("reaction"));
            assertEquals("react", entry.details().get("action"));
            assertEquals("reaction:" + PAGE + ":" + PSID + ":1763805690000:react:m_echo0001", entry.providerMessageId());
        }

        @Test
        void unreact_isAReactionMarkedRemovedWithoutText() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("reaction_unreact.json"));
            // then
            assertEquals(EntryKind.REACTION, entry.kind());
            assertEquals("m_echo0001", entry.replyTo());
            assertNull(entry.text());
            assertEquals("unreact", entry.details().get("action"));
            assertEquals(true, entry.details().get("removed"));
        }

        @Test
        void derivedIds_areStableAcrossRetries() {
            // given the same delivery parsed twice
            byte[] body = Fixtures.messenger("reaction_react.json");
            // when / then
            assertEquals(onlyEntry(Platform.MESSENGER, body).id(), onlyEntry(Platform.MESSENGER, body).id());
        }

        @Test
        void edit_amendsTheMessageWithTheNewText() {
            // when
            List<Interaction> interactions = parser.parse(Platform.MESSENGER, Fixtures.messenger("message_edit.json"));
            // then
            Interaction.AmendEntry amend = assertInstanceOf(Interaction.AmendEntry.class, interactions.get(0));
            assertEquals(1, interactions.size());
            String mid = "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheUYEDdHJXjDXEAyaS1xxONzb2Iv-DFzmTihfWJV012P5pK0AhQ";
            assertEquals(ANN, amend.customer());
            assertEquals(Channel.MESSENGER, amend.channel());
            assertEquals(mid, amend.providerMessageId());
            assertEquals("Hi, is my order 4418 on its way?", amend.text());
            assertEquals(true, amend.details().get("edited"));
            assertEquals(1L, amend.details().get("editCount"));
            assertEquals(T0.plusSeconds(30), amend.at());
            // an edit of a message never seen is logged as the message, already edited
            ConversationEntry ifMissing = amend.ifMissing();
            assertEquals(ConversationEntry.idFor(Channel.MESSENGER, mid), ifMissing.id());
            assertEquals("Hi, is my order 4418 on its way?", ifMissing.text());
            assertEquals(true, ifMissing.details().get("edited"));
            assertEquals(Direction.INBOUND, ifMissing.direction());
        }

        @Test
        void instagramDeletion_amendsTheMessageAsDeleted() {
            // when
            List<Interaction> interactions = parser.parse(Platform.INSTAGRAM, Fixtures.instagram("deleted_message.json"));
            // then
            Interaction.AmendEntry amend = assertInstanceOf(Interaction.AmendEntry.class, interactions.get(0));
            assertEquals(IG_ANN, amend.customer());
            assertEquals(Channel.INSTAGRAM, amend.channel());
            assertEquals("ig_deleted0001", amend.providerMessageId());
            assertEquals("", amend.text(), "the unsent content is removed; the entry is marked deleted");
            assertEquals(true, amend.details().get("deleted"));
            assertEquals(true, amend.ifMissing().details().get("deleted"));
            assertEquals(EntryKind.MESSAGE, amend.ifMissing().kind());
        }
    }

    @Nested
    class PostbacksReferralsOptins {

        @Test
        void postback_isLoggedWithTitleAndPayloadUnderItsMid() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("postback.json"));
            // then
            assertEquals(EntryKind.POSTBACK, entry.kind());
            assertEquals("m_postback0001", entry.providerMessageId());
            assertEquals("Talk to an agent", entry.text());
            assertEquals("Talk to an agent", entry.details().get("title"));
            assertEquals("HANDOVER_TO_AGENT", entry.details().get("payload"));
        }

        @Test
        void postbackWithoutMid_getsADerivedIdAndKeepsItsReferral() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("postback_get_started_referral.json"));
            // then
            assertEquals(EntryKind.POSTBACK, entry.kind());
            assertEquals("postback:" + PAGE + ":" + PSID + ":1763805600000", entry.providerMessageId());
            assertEquals("GET_STARTED", entry.details().get("payload"));
            Map<?, ?> referral = assertInstanceOf(Map.class, entry.details().get("referral"));
            assertEquals("spring-sale", referral.get("ref"));
            assertEquals("SHORTLINK", referral.get("source"));
        }

        @Test
        void adReferral_isKeptAsReferralWithItsSource() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("referral_ad.json"));
            // then
            assertEquals(EntryKind.REFERRAL, entry.kind());
            assertEquals("referral:" + PAGE + ":" + PSID + ":1763805600000", entry.providerMessageId());
            assertEquals("spring-sale", entry.details().get("ref"));
            assertEquals("ADS", entry.details().get("source"));
            assertEquals("OPEN_THREAD", entry.details().get("type"));
            assertEquals("120211345678900123", entry.details().get("adId"));
            Map<?, ?> referral = assertInstanceOf(Map.class, entry.details().get("referral"));
            assertEquals("Spring sale: 20% off running shoes",
                    ((Map<?, ?>) referral.get("ads_context_data")).get("ad_title"));
        }

        @Test
        void optin_isKeptAsOptinWithWhatWasAgreedTo() {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("optin.json"));
            // then
            assertEquals(EntryKind.OPTIN, entry.kind());
            assertEquals("Order updates", entry.text());
            assertEquals("notification_messages", entry.details().get("type"));
            assertEquals("ORDER_UPDATES", entry.details().get("payload"));
            assertEquals("RESUME_NOTIFICATIONS", entry.details().get("status"));
            assertEquals("DAILY", ((Map<?, ?>) entry.details().get("optin")).get("notification_messages_frequency"));
        }

        @Test
        void unknownEvent_isKeptAsUnsupportedWithItsRawJson() throws Exception {
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, Fixtures.messenger("unsupported_event.json"));
            // then
            assertEquals(EntryKind.UNSUPPORTED, entry.kind());
            assertEquals("pass_thread_control", entry.details().get("type"));
            JsonNode raw = Json.MAPPER.readTree((String) entry.details().get("raw"));
            assertEquals("123456789", raw.path("pass_thread_control").path("new_owner_app_id").asText());
            assertEquals("unsupported:" + PAGE + ":" + PSID + ":1763805600000:pass_thread_control",
                    entry.providerMessageId());
        }
    }

    @Nested
    class Instagram {

        @Test
        void text_becomesInboundMessageOfTheInstagramScopedCustomer() {
            // when
            Interaction.LogEntry logged = onlyLogEntry(Platform.INSTAGRAM, Fixtures.instagram("text_message.json"));
            // then
            assertEquals(IG_ANN, logged.customer());
            assertEquals("instagram:" + IG_ACCOUNT + ":" + IGSID, logged.customer().key());
            assertEquals(Channel.INSTAGRAM, logged.entry().channel());
            assertEquals(IG_SOURCE, logged.entry().source());
            assertEquals("Do you ship to Canada?", logged.entry().text());
        }

        @Test
        void storyReply_keepsTheStoryInDetails() {
            // when
            ConversationEntry entry = onlyEntry(Platform.INSTAGRAM, Fixtures.instagram("story_reply.json"));
            // then
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals("Love this colour!", entry.text());
            assertNull(entry.replyTo(), "a story is not a message of the log");
            assertEquals(true, entry.details().get("storyReply"));
            assertEquals("17999999999999999", entry.details().get("storyId"));
            assertTrue(((String) entry.details().get("storyUrl")).startsWith("https://lookaside.fbsbx.com/"));
        }

        @Test
        void storyMention_becomesAStoryMentionAttachment() {
            // when
            ConversationEntry entry = onlyEntry(Platform.INSTAGRAM, Fixtures.instagram("story_mention.json"));
            // then
            assertEquals(EntryKind.MESSAGE, entry.kind());
            assertEquals("story_mention", entry.attachments().get(0).type());
            assertTrue(entry.attachments().get(0).url().startsWith("https://lookaside.fbsbx.com/"));
            assertEquals(AttachmentStatus.REFERENCE, entry.attachments().get(0).status());
            assertEquals(true, entry.details().get("storyMention"));
        }

        @Test
        void image_becomesAttachment() {
            // when
            ConversationEntry entry = onlyEntry(Platform.INSTAGRAM, Fixtures.instagram("image_attachment.json"));
            // then
            assertEquals("image", entry.attachments().get(0).type());
            assertTrue(entry.attachments().get(0).url().startsWith("https://"));
            assertEquals(AttachmentStatus.REFERENCE, entry.attachments().get(0).status(), "Instagram media are never fetched");
        }

        @Test
        void echo_isOutboundToTheCustomer() {
            // when
            Interaction.LogEntry logged = onlyLogEntry(Platform.INSTAGRAM, Fixtures.instagram("echo.json"));
            // then
            assertEquals(IG_ANN, logged.customer());
            assertEquals(Direction.OUTBOUND, logged.entry().direction());
        }

        @Test
        void reaction_postbackAndReferral_keepTheirKinds() {
            assertEquals(EntryKind.REACTION, onlyEntry(Platform.INSTAGRAM, Fixtures.instagram("reaction.json")).kind());
            ConversationEntry postback = onlyEntry(Platform.INSTAGRAM, Fixtures.instagram("postback_icebreaker.json"));
            assertEquals(EntryKind.POSTBACK, postback.kind());
            assertEquals("ICEBREAKER_HOURS", postback.details().get("payload"));
            ConversationEntry referral = onlyEntry(Platform.INSTAGRAM, Fixtures.instagram("referral_igme.json"));
            assertEquals(EntryKind.REFERRAL, referral.kind());
            assertEquals("bio-link", referral.details().get("ref"));
        }

        @Test
        void unsupportedMessage_isKeptWithItsRawJson() {
            // when
            ConversationEntry entry = onlyEntry(Platform.INSTAGRAM, Fixtures.instagram("unsupported_message.json"));
            // then
            assertEquals(EntryKind.UNSUPPORTED, entry.kind());
            assertEquals("ig_unsupported0001", entry.providerMessageId());
            assertTrue(((String) entry.details().get("raw")).contains("is_unsupported"));
        }
    }

    @Nested
    class Batches {

        @Test
        void mixedBatch_yieldsEveryEventOfEveryEntryInOrder() {
            // when
            List<Interaction> interactions = parser.parse(Platform.MESSENGER, Fixtures.messenger("batch_mixed.json"));
            // then
            assertEquals(List.of("LogEntry", "LogEntry", "Watermark", "UpdateStatus", "Watermark", "LogEntry",
                    "LogEntry", "LogEntry"), interactions.stream().map(i -> i.getClass().getSimpleName()).toList());
            assertEquals(ANN, interactions.get(0).customer());
            assertEquals(MetaIdentities.messenger(PAGE, "6234567890123457"), interactions.get(5).customer());
        }
    }

    @Nested
    class Refusals {

        @Test
        void malformedJson_is400() {
            RejectedInputException refused = assertThrows(RejectedInputException.class,
                    () -> parser.parse(Platform.MESSENGER, "{\"object\": \"page\", \"entry\": [".getBytes(StandardCharsets.UTF_8)));
            assertEquals("malformed JSON", refused.reason());
        }

        @Test
        void instagramBodyOnTheMessengerPath_is400() {
            RejectedInputException refused = assertThrows(RejectedInputException.class,
                    () -> parser.parse(Platform.MESSENGER, Fixtures.instagram("text_message.json")));
            assertEquals("object is not page", refused.reason());
        }

        @Test
        void pageBodyOnTheInstagramPath_is400() {
            assertThrows(RejectedInputException.class,
                    () -> parser.parse(Platform.INSTAGRAM, Fixtures.messenger("text_message.json")));
        }

        @Test
        void messageWithoutMid_refusesTheWholeBatch() {
            byte[] body = ("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1763805600000,\"messaging\":["
                    + "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":1763805600000,"
                    + "\"message\":{\"mid\":\"m_ok\",\"text\":\"fine\"}},"
                    + "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":1763805600001,"
                    + "\"message\":{\"text\":\"no id\"}}]}]}").getBytes(StandardCharsets.UTF_8);
            RejectedInputException refused = assertThrows(RejectedInputException.class, () -> parser.parse(Platform.MESSENGER, body));
            assertEquals("entry[0].messaging[1].message.mid is missing", refused.reason());
        }

        @Test
        void entryWithoutId_is400() {
            byte[] body = "{\"object\":\"page\",\"entry\":[{\"time\":1,\"messaging\":[]}]}".getBytes(StandardCharsets.UTF_8);
            assertThrows(RejectedInputException.class, () -> parser.parse(Platform.MESSENGER, body));
        }

        @Test
        void eventNamingOnlyThePage_isSkippedNotRefused() {
            // given a page-level notice with no user on either side
            byte[] body = ("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1763805600000,\"messaging\":["
                    + "{\"recipient\":{\"id\":\"1\"},\"timestamp\":1763805600000,"
                    + "\"policy_enforcement\":{\"action\":\"block\",\"reason\":\"spam\"}}]}]}").getBytes(StandardCharsets.UTF_8);
            // when / then
            assertTrue(parser.parse(Platform.MESSENGER, body).isEmpty());
        }
    }

    /** Values no sender should send (of the kinds MessengerWebhookPropertyTest generates): a 400 naming the field, or left out. */
    @Nested
    class AbsurdValues {

        @Test
        void eventTimestampThatIsNoNumber_is400NamingTheEvent() {
            assertBadRequest("\"soon\"", "entry[0].messaging[0].timestamp is not an epoch time");
        }

        @Test
        void negativeTimestamp_is400() {
            assertBadRequest("-1763805600000", "entry[0].messaging[0].timestamp is not an epoch time");
        }

        @Test
        void timestampTooLargeForAnyClock_is400() {
            assertBadRequest("9".repeat(25), "entry[0].messaging[0].timestamp is not an epoch time");
            assertBadRequest("\"" + "9".repeat(19) + "\"", "entry[0].messaging[0].timestamp is not an epoch time");
        }

        @Test
        void fractionalOrExponentTimestamp_is400() {
            assertBadRequest("1763805600000.5", "entry[0].messaging[0].timestamp is not an epoch time");
            assertBadRequest("1e400", "entry[0].messaging[0].timestamp is not an epoch time");
        }

        @Test
        void locationWithCoordinatesThatAreNoNumbers_isKeptWithoutThem() {
            // given a shared location whose latitude is "Infinity" and longitude "NaN"
            byte[] body = event("1763805600000", "\"message\":{\"mid\":\"m_loc\",\"attachments\":[{\"type\":\"location\","
                    + "\"title\":\"Pickup point\",\"payload\":{\"coordinates\":{\"lat\":\"Infinity\",\"long\":\"NaN\"}}}]}");
            // when
            ConversationEntry entry = onlyEntry(Platform.MESSENGER, body);
            // then
            assertEquals(EntryKind.LOCATION, entry.kind());
            assertNull(entry.details().get("latitude"));
            assertNull(entry.details().get("longitude"));
            assertEquals("Pickup point", entry.details().get("locationTitle"));
        }

        private void assertBadRequest(String timestamp, String reason) {
            byte[] body = event(timestamp, "\"message\":{\"mid\":\"m_t\",\"text\":\"hi\"}");
            RejectedInputException refused = assertThrows(RejectedInputException.class, () -> parser.parse(Platform.MESSENGER, body));
            assertEquals(reason, refused.reason());
        }

        private byte[] event(String timestamp, String content) {
            return ("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1763805600000,\"messaging\":["
                    + "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},\"timestamp\":" + timestamp + ","
                    + content + "}]}]}").getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Interaction.LogEntry onlyLogEntry(Platform platform, byte[] body) {
        List<Interaction> interactions = parser.parse(platform, body);
        assertEquals(1, interactions.size(), "interactions: " + interactions);
        return assertInstanceOf(Interaction.LogEntry.class, interactions.get(0));
    }

    private ConversationEntry onlyEntry(Platform platform, byte[] body) {
        return onlyLogEntry(platform, body).entry();
    }
}
