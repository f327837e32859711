package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.http.WebhookException;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.StatusChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TwilioPayloadParserTest {

    static final Instant RECEIVED = Instant.parse("2026-11-22T21:40:00Z");
    static final String SOURCE = "/twilio/AC3f2b8c9d0e1f4a5b6c7d8e9f0a1b2c3d";
    static final Identity ADA = Identity.phone("+14155550100");
    static final String CALL_SID = "CA5d2f1e0c9b8a7f6e5d4c3b2a1f0e9d8c";
    static final String RECORDING_SID = "RE7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d";

    private final TwilioPayloadParser parser = new TwilioPayloadParser();

    @Nested
    class Calls {

        @Test
        void incomingCall_becomesInboundRingingCallOfTheCaller() {
            // given Twilio's request for an incoming call
            // when
            Interaction.LogEntry logged = only(parser.incomingCall(Fixtures.form("incoming_call.form"), RECEIVED),
                    Interaction.LogEntry.class);
            // then
            ConversationEntry call = logged.entry();
            assertEquals(ADA, logged.customer());
            assertEquals("Lovelace Ada", logged.profileName());
            assertEquals(Channel.VOICE, call.channel());
            assertEquals(EntryKind.CALL, call.kind());
            assertEquals(Direction.INBOUND, call.direction());
            assertEquals(CALL_SID, call.providerMessageId());
            assertEquals(SOURCE, call.source());
            assertEquals(DeliveryStatus.RINGING, call.status());
            assertEquals(RECEIVED, call.occurredAt());
            assertEquals("+14155550100", call.details().get("from"));
            assertEquals("+14155550199", call.details().get("to"));
            assertEquals("SAN FRANCISCO", call.details().get("fromCity"));
            assertEquals("CA", call.details().get("fromState"));
            assertEquals("US", call.details().get("fromCountry"));
            assertEquals("inbound", call.details().get("twilioDirection"));
        }

        @Test
        void outboundApiCall_belongsToTheCalledCustomer() {
            // given a call the company placed through the API
            // when
            Interaction.LogEntry logged = only(parser.incomingCall(Fixtures.form("outbound_api_call.form"), RECEIVED),
                    Interaction.LogEntry.class);
            // then the customer is To, and no caller name of ours fills the customer's name
            assertEquals(ADA, logged.customer());
            assertEquals(Direction.OUTBOUND, logged.entry().direction());
            assertEquals(DeliveryStatus.IN_PROGRESS, logged.entry().status());
            assertNull(logged.profileName());
        }

        @Test
        void callWithoutCallSid_is400() {
            TwilioForm form = form("AccountSid=AC1&From=%2B14155550100&To=%2B14155550199&CallStatus=ringing");
            RejectedInputException refused = assertThrows(RejectedInputException.class,
                    () -> parser.incomingCall(form, RECEIVED));
            assertEquals("missing parameter CallSid", refused.reason());
        }

        @Test
        void callWithoutFrom_is400() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&To=%2B14155550199&CallStatus=ringing");
            RejectedInputException refused = assertThrows(RejectedInputException.class,
                    () -> parser.incomingCall(form, RECEIVED));
            assertEquals("missing parameter From", refused.reason());
        }

        @Test
        void anonymousCaller_isTheAnonymousCallerOfThatCall() {
            // (this test asserted "not a phone identity: refused" before callers without a number were logged)
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&From=anonymous&To=%2B14155550199&CallStatus=ringing");
            Interaction.LogEntry logged = only(parser.incomingCall(form, RECEIVED), Interaction.LogEntry.class);
            assertEquals(new Identity("anonymous:CA1"), logged.customer());
            assertEquals("anonymous", logged.entry().details().get("from"));
        }

        @Test
        void statusOfAnAnonymousCall_isForTheAnonymousCallerOfThatCall() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&From=Anonymous&To=%2B14155550199&CallStatus=busy");
            Interaction.UpdateStatus update = assertInstanceOf(Interaction.UpdateStatus.class,
                    parser.callStatus(form, RECEIVED).get(0));
            assertEquals(new Identity("anonymous:CA1"), update.customer());
        }

        @Test
        void transcriptionOfAnAnonymousCallWithoutCallSidOrCustomerQuery_is400() {
            TwilioForm form = form("AccountSid=AC1&RecordingSid=RE1&From=Anonymous&TranscriptionStatus=completed");
            assertEquals("missing parameter CallSid", assertThrows(RejectedInputException.class,
                    () -> parser.transcription(form, Optional.empty(), RECEIVED)).reason());
        }

        @Test
        void voicemailCallbackNamingAnAnonymousCaller_isThatCallersVoicemail() {
            Interaction.LogEntry logged = only(parser.recording(Fixtures.form("recording_completed.form"),
                    Optional.of("anonymous:" + CALL_SID), RECEIVED), Interaction.LogEntry.class);
            assertEquals(new Identity("anonymous:" + CALL_SID), logged.customer());
        }

        @Test
        void callSidThatIsNotLettersAndDigits_is400NamingIt() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1%0A%22x&From=%2B14155550100&To=%2B14155550199");
            assertEquals("malformed parameter CallSid",
                    assertThrows(RejectedInputException.class, () -> parser.incomingCall(form, RECEIVED)).reason());
        }

        @Test
        void accountSidThatIsNotLettersAndDigits_is400NamingIt() {
            TwilioForm form = form("AccountSid=AC%2F..%2F1&CallSid=CA1&From=%2B14155550100&To=%2B14155550199");
            assertEquals("malformed parameter AccountSid",
                    assertThrows(RejectedInputException.class, () -> parser.incomingCall(form, RECEIVED)).reason());
        }

        @Test
        void completedStatus_movesTheCallWithACallPlaceholderAndRecordsItsDuration() {
            // given
            // when
            List<Interaction> interactions = parser.callStatus(Fixtures.form("call_status_completed.form"), RECEIVED);
            // then
            assertEquals(2, interactions.size());
            Interaction.UpdateStatus update = assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(0));
            StatusChange change = update.change();
            assertEquals(ADA, update.customer());
            assertEquals(Channel.VOICE, change.channel());
            assertEquals(CALL_SID, change.providerMessageId());
            assertEquals(DeliveryStatus.COMPLETED, change.status());
            assertEquals(Instant.parse("2026-11-22T21:40:56Z"), change.at());
            assertEquals(new StatusChange.Placeholder(EntryKind.CALL, Direction.INBOUND), change.placeholder());
            assertTrue(change.error().isEmpty());
            Interaction.AmendEntry duration = assertInstanceOf(Interaction.AmendEntry.class, interactions.get(1));
            assertEquals(CALL_SID, duration.providerMessageId());
            assertEquals(Map.of("durationSeconds", 47), duration.details());
            assertNull(duration.text());
            assertNull(duration.ifMissing());
        }

        @Test
        void everyTwilioCallStatus_mapsToItsStatus() {
            Map<String, DeliveryStatus> expected = Map.of("ringing", DeliveryStatus.RINGING,
                    "in-progress", DeliveryStatus.IN_PROGRESS, "completed", DeliveryStatus.COMPLETED,
                    "busy", DeliveryStatus.BUSY, "no-answer", DeliveryStatus.NO_ANSWER,
                    "failed", DeliveryStatus.FAILED, "canceled", DeliveryStatus.CANCELED);
            expected.forEach((twilio, status) -> {
                TwilioForm form = form("AccountSid=AC1&CallSid=CA1&From=%2B14155550100&To=%2B14155550199&CallStatus="
                        + twilio);
                Interaction.UpdateStatus update = assertInstanceOf(Interaction.UpdateStatus.class,
                        parser.callStatus(form, RECEIVED).get(0));
                assertEquals(status, update.change().status(), twilio);
                assertTrue(update.change().status().endsCall() == !List.of("ringing", "in-progress").contains(twilio));
            });
        }

        @Test
        void failedCall_carriesTheErrorDetails() {
            Interaction.UpdateStatus update = assertInstanceOf(Interaction.UpdateStatus.class,
                    parser.callStatus(Fixtures.form("call_status_failed.form"), RECEIVED).get(0));
            assertEquals(DeliveryStatus.FAILED, update.change().status());
            assertEquals(Map.of("sipResponseCode", "400", "code", "13224", "message", "Dial: Invalid phone number"),
                    update.change().error());
        }

        @Test
        void queuedOrInitiatedStatus_recordsNothing() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&From=%2B14155550100&To=%2B14155550199&CallStatus=queued");
            assertEquals(List.of(), parser.callStatus(form, RECEIVED));
        }

        @Test
        void statusWithoutCallStatus_is400() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&From=%2B14155550100&To=%2B14155550199");
            assertEquals("missing parameter CallStatus",
                    assertThrows(RejectedInputException.class, () -> parser.callStatus(form, RECEIVED)).reason());
        }

        @Test
        void negativeCallDuration_isLeftOutAndTheStatusKept() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&From=%2B14155550100&To=%2B14155550199"
                    + "&CallStatus=completed&CallDuration=-5");
            List<Interaction> interactions = parser.callStatus(form, RECEIVED);
            assertEquals(1, interactions.size());
            assertEquals(DeliveryStatus.COMPLETED,
                    assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(0)).change().status());
        }

        @Test
        void statusWithoutTimestamp_usesTheArrivalTime() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&From=%2B14155550100&To=%2B14155550199&CallStatus=ringing");
            Interaction.UpdateStatus update = assertInstanceOf(Interaction.UpdateStatus.class,
                    parser.callStatus(form, RECEIVED).get(0));
            assertEquals(RECEIVED, update.change().at());
        }
    }

    @Nested
    class Voicemail {

        @Test
        void completedRecording_becomesAVoicemailAnsweringTheCall() {
            // given the recording status callback, whose URL names the caller
            // when
            Interaction.LogEntry logged = only(parser.recording(Fixtures.form("recording_completed.form"),
                    Optional.of("+14155550100"), RECEIVED), Interaction.LogEntry.class);
            // then
            ConversationEntry voicemail = logged.entry();
            assertEquals(ADA, logged.customer());
            assertEquals(EntryKind.VOICEMAIL, voicemail.kind());
            assertEquals(Channel.VOICE, voicemail.channel());
            assertEquals(Direction.INBOUND, voicemail.direction());
            assertEquals(RECORDING_SID, voicemail.providerMessageId());
            assertEquals(CALL_SID, voicemail.replyTo());
            assertEquals(ConversationEntry.idFor(Channel.VOICE, CALL_SID), voicemail.replyToEntryId());
            assertEquals(Instant.parse("2026-11-22T21:40:20Z"), voicemail.occurredAt());
            assertEquals(14, voicemail.details().get("durationSeconds"));
            Attachment audio = voicemail.attachments().get(0);
            assertEquals("audio", audio.type());
            assertEquals("https://api.twilio.com/2010-04-01/Accounts/AC3f2b8c9d0e1f4a5b6c7d8e9f0a1b2c3d/Recordings/"
                    + RECORDING_SID, audio.url());
            assertEquals(io.switchboard.core.model.AttachmentStatus.PENDING, audio.status(), "the recording is to be fetched");
            assertNull(voicemail.text());
        }

        @Test
        void recordingWithoutCustomerInUrlOrBody_is400() {
            assertThrows(RejectedInputException.class, () ->
                    parser.recording(Fixtures.form("recording_completed.form"), Optional.empty(), RECEIVED));
        }

        @Test
        void absentRecording_recordsNothing() {
            assertEquals(List.of(), parser.recording(Fixtures.form("recording_absent.form"),
                    Optional.of("+14155550100"), RECEIVED));
        }

        @Test
        void recordingWithoutRecordingSid_is400() {
            TwilioForm form = form("AccountSid=AC1&CallSid=CA1&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2Fr");
            assertEquals("missing parameter RecordingSid", assertThrows(RejectedInputException.class,
                    () -> parser.recording(form, Optional.of("+14155550100"), RECEIVED)).reason());
        }

        @Test
        void transcription_amendsTheVoicemailAndCarriesAVoicemailWithTheTextIfTheRecordingIsNotLoggedYet() {
            // given
            // when
            Interaction.AmendEntry amend = only(parser.transcription(Fixtures.form("transcription_completed.form"),
                    Optional.empty(), RECEIVED), Interaction.AmendEntry.class);
            // then
            String text = "Hi, this is Ada. My order 4417 arrived damaged, please call me back & tell me what to do.";
            assertEquals(ADA, amend.customer());
            assertEquals(Channel.VOICE, amend.channel());
            assertEquals(RECORDING_SID, amend.providerMessageId());
            assertEquals(text, amend.text());
            assertEquals("completed", amend.details().get("transcriptionStatus"));
            ConversationEntry ifMissing = amend.ifMissing();
            assertEquals(EntryKind.VOICEMAIL, ifMissing.kind());
            assertEquals(ConversationEntry.idFor(Channel.VOICE, RECORDING_SID), ifMissing.id());
            assertEquals(text, ifMissing.text());
            assertEquals(CALL_SID, ifMissing.replyTo());
            assertEquals("audio", ifMissing.attachments().get(0).type());
        }

        @Test
        void failedTranscription_changesNoTextButSaysItFailed() {
            Interaction.AmendEntry amend = only(parser.transcription(Fixtures.form("transcription_failed.form"),
                    Optional.of("+14155550100"), RECEIVED), Interaction.AmendEntry.class);
            assertNull(amend.text());
            assertEquals("failed", amend.details().get("transcriptionStatus"));
        }
    }

    @Nested
    class Messages {

        @Test
        void inboundSms_becomesAnSmsMessageWithItsBody() {
            Interaction.LogEntry logged = only(parser.inboundMessage(Fixtures.form("sms_inbound.form"), RECEIVED),
                    Interaction.LogEntry.class);
            ConversationEntry message = logged.entry();
            assertEquals(ADA, logged.customer());
            assertEquals(Channel.SMS, message.channel());
            assertEquals(EntryKind.MESSAGE, message.kind());
            assertEquals(Direction.INBOUND, message.direction());
            assertEquals("SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", message.providerMessageId());
            assertEquals("Hi! Is my order 4417 shipped yet? Ünïcödé 👍 & more", message.text());
            assertEquals(List.of(), message.attachments());
            assertEquals(SOURCE, message.source());
        }

        @Test
        void mms_carriesEveryMediaAsAnAttachment() {
            ConversationEntry message = only(parser.inboundMessage(Fixtures.form("mms_inbound.form"), RECEIVED),
                    Interaction.LogEntry.class).entry();
            assertEquals("Here is the damaged box", message.text());
            assertEquals(2, message.attachments().size());
            assertEquals("image", message.attachments().get(0).type());
            assertEquals("image/jpeg", message.attachments().get(0).mimeType());
            assertTrue(message.attachments().get(0).url().endsWith("/Media/ME0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"));
            assertEquals("document", message.attachments().get(1).type());
            assertEquals("application/pdf", message.attachments().get(1).mimeType());
            assertEquals(io.switchboard.core.model.AttachmentStatus.PENDING, message.attachments().get(1).status());
        }

        @Test
        void whatsappThroughTwilio_isTheWhatsAppChannelOfTheSamePhoneIdentity() {
            Interaction.LogEntry logged = only(parser.inboundMessage(Fixtures.form("whatsapp_inbound.form"), RECEIVED),
                    Interaction.LogEntry.class);
            assertEquals(ADA, logged.customer());
            assertEquals("Ada Lovelace", logged.profileName());
            assertEquals(Channel.WHATSAPP, logged.entry().channel());
            assertEquals("Hello from WhatsApp", logged.entry().text());
        }

        @Test
        void givenAnSmsFromAShortCode_whenParsed_thenItIsKeptAsTheSmsSenderOfTheCountryItWasReceivedIn() {
            Interaction.LogEntry logged = only(parser.inboundMessage(Fixtures.form("sms_inbound_short_code.form"),
                    RECEIVED), Interaction.LogEntry.class);
            assertEquals(new Identity("sms-sender:US:898287"), logged.customer());
            assertEquals(Channel.SMS, logged.entry().channel());
            assertEquals("Your verification code is 482913", logged.entry().text());
            assertEquals("898287", logged.entry().details().get("from"));
        }

        @Test
        void givenAnSmsFromAnAlphanumericSenderId_whenParsed_thenItIsKeptAsTheSmsSenderOfTheCountryItWasReceivedIn() {
            Interaction.LogEntry logged = only(parser.inboundMessage(
                    Fixtures.form("sms_inbound_alphanumeric_sender.form"), RECEIVED), Interaction.LogEntry.class);
            assertEquals(new Identity("sms-sender:GB:MyBrand"), logged.customer());
            assertEquals("Your parcel is out for delivery today.", logged.entry().text());
        }

        @Test
        void givenASenderIdAndNoToCountry_whenParsed_thenTheCountryIsTheRegionOfTheToNumber() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=+VERIFY+&To=%2B447700900123&Body=hi");
            assertEquals(new Identity("sms-sender:GB:VERIFY"),
                    only(parser.inboundMessage(form, RECEIVED), Interaction.LogEntry.class).customer());
        }

        @Test
        void givenASenderIdWithSpacesBetweenWords_whenParsed_thenItIsKeptAsGiven() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=My+Shop&ToCountry=de&Body=hi");
            assertEquals(new Identity("sms-sender:DE:My Shop"),
                    only(parser.inboundMessage(form, RECEIVED), Interaction.LogEntry.class).customer());
        }

        @Test
        void givenAShortCodeWithoutAnyCountry_whenParsed_thenItIsTheSmsSenderOfTheUnknownRegion() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=12345&Body=hi");
            assertEquals(new Identity("sms-sender:ZZ:12345"),
                    only(parser.inboundMessage(form, RECEIVED), Interaction.LogEntry.class).customer());
        }

        @Test
        void givenAFromThatIsNoSender_whenParsed_thenItIs400() {
            for (String junk : List.of("My%0ABrand", "Brand%09X", "%E2%80%AEBrand", "%2B12", "123456789012345678",
                    "%2B", "B" + "r".repeat(300), "!!!")) {
                TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=" + junk + "&ToCountry=US&Body=hi");
                assertThrows(RejectedInputException.class, () -> parser.inboundMessage(form, RECEIVED), junk);
            }
        }

        @Test
        void smsWithoutMessageSid_is400() {
            TwilioForm form = form("AccountSid=AC1&From=%2B14155550100&To=%2B14155550199&Body=hi");
            assertEquals("missing parameter MessageSid",
                    assertThrows(RejectedInputException.class, () -> parser.inboundMessage(form, RECEIVED)).reason());
        }

        @Test
        void mmsMissingAnAnnouncedMediaUrl_is400() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=MM1&From=%2B14155550100&To=%2B14155550199&NumMedia=1");
            assertEquals("missing parameter MediaUrl0",
                    assertThrows(RejectedInputException.class, () -> parser.inboundMessage(form, RECEIVED)).reason());
        }

        @Test
        void replyReferenceThatIsNoSid_isDroppedAndTheMessageKept() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=%2B14155550100&Body=hi"
                    + "&OriginalRepliedMessageSid=SM1%0A%3Cx%3E");
            ConversationEntry message = only(parser.inboundMessage(form, RECEIVED), Interaction.LogEntry.class).entry();
            assertEquals("hi", message.text());
            assertNull(message.replyTo());
        }

        @Test
        void messageSidThatIsNotLettersAndDigits_is400NamingIt() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=SM%E2%80%AE1&From=%2B14155550100&Body=hi");
            assertEquals("malformed parameter MessageSid",
                    assertThrows(RejectedInputException.class, () -> parser.inboundMessage(form, RECEIVED)).reason());
        }

        @Test
        void nonNumericNumMedia_is400() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=MM1&From=%2B14155550100&To=%2B14155550199&NumMedia=two");
            assertThrows(RejectedInputException.class, () -> parser.inboundMessage(form, RECEIVED));
        }

        @Test
        void deliveredStatus_movesTheOutboundMessageOfTheRecipient() {
            Interaction.UpdateStatus update = only(parser.messageStatus(Fixtures.form("sms_status_delivered.form"),
                    RECEIVED), Interaction.UpdateStatus.class);
            assertEquals(ADA, update.customer());
            assertEquals(Channel.SMS, update.change().channel());
            assertEquals("SM4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a", update.change().providerMessageId());
            assertEquals(DeliveryStatus.DELIVERED, update.change().status());
            assertEquals(StatusChange.Placeholder.OUTBOUND_MESSAGE, update.change().placeholder());
        }

        @Test
        void undeliveredStatus_isAFailureWithTheErrorCode() {
            Interaction.UpdateStatus update = only(parser.messageStatus(Fixtures.form("sms_status_undelivered.form"),
                    RECEIVED), Interaction.UpdateStatus.class);
            assertEquals(DeliveryStatus.FAILED, update.change().status());
            assertEquals(Map.of("status", "undelivered", "code", "30003"), update.change().error());
        }

        @Test
        void whatsappReadStatus_isOnTheWhatsAppChannel() {
            Interaction.UpdateStatus update = only(parser.messageStatus(Fixtures.form("whatsapp_status_read.form"),
                    RECEIVED), Interaction.UpdateStatus.class);
            assertEquals(Channel.WHATSAPP, update.change().channel());
            assertEquals(DeliveryStatus.READ, update.change().status());
            assertEquals(ADA, update.customer());
        }

        @Test
        void everyTwilioMessageStatus_mapsToItsStatus() {
            Map<String, DeliveryStatus> expected = Map.of("queued", DeliveryStatus.ACCEPTED,
                    "accepted", DeliveryStatus.ACCEPTED, "scheduled", DeliveryStatus.ACCEPTED,
                    "sending", DeliveryStatus.ACCEPTED, "sent", DeliveryStatus.SENT,
                    "delivered", DeliveryStatus.DELIVERED, "read", DeliveryStatus.READ,
                    "undelivered", DeliveryStatus.FAILED, "failed", DeliveryStatus.FAILED);
            expected.forEach((twilio, status) -> {
                TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=%2B14155550199&To=%2B14155550100"
                        + "&MessageStatus=" + twilio);
                assertEquals(status, only(parser.messageStatus(form, RECEIVED), Interaction.UpdateStatus.class)
                        .change().status(), twilio);
            });
        }

        @Test
        void receivedStatusOfAnInboundMessage_recordsNothing() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=%2B14155550100&To=%2B14155550199"
                    + "&MessageStatus=received");
            assertEquals(List.of(), parser.messageStatus(form, RECEIVED));
        }

        @Test
        void statusWithoutMessageStatus_is400() {
            TwilioForm form = form("AccountSid=AC1&MessageSid=SM1&From=%2B14155550199&To=%2B14155550100");
            assertThrows(RejectedInputException.class, () -> parser.messageStatus(form, RECEIVED));
        }
    }

    @Nested
    class Forms {

        @Test
        void badPercentEncoding_is400() {
            WebhookException refused = assertThrows(WebhookException.class,
                    () -> TwilioForm.parse("CallSid=CA1&From=%ZZ".getBytes(StandardCharsets.UTF_8)));
            assertEquals(400, refused.status());
        }

        @Test
        void givenAByteThatIsNoUtf8_whenParsed_thenItIs400SayingSoRatherThanReplaced() {
            for (byte[] body : List.of("Body=Caf%E9".getBytes(StandardCharsets.US_ASCII),
                    "Body=Caf\u00e9".getBytes(StandardCharsets.ISO_8859_1))) {
                WebhookException refused = assertThrows(WebhookException.class, () -> TwilioForm.parse(body));
                assertEquals(400, refused.status());
                assertEquals("body is not valid UTF-8 text", refused.reason());
            }
        }

        @Test
        void plusAndPercentEscapes_decodeAsFormEncoding() {
            TwilioForm form = form("Body=a+b%26c%3Dd&From=%2B14155550100&Empty=");
            assertEquals(Optional.of("a b&c=d"), form.get("Body"));
            assertEquals(Optional.of("+14155550100"), form.get("From"));
            assertEquals(Optional.empty(), form.get("Empty"));
            assertEquals(3, form.params().size());
        }
    }

    static TwilioForm form(String body) {
        return TwilioForm.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    static <T extends Interaction> T only(List<Interaction> interactions, Class<T> type) {
        assertEquals(1, interactions.size(), "interactions: " + interactions);
        return assertInstanceOf(type, interactions.get(0));
    }
}
