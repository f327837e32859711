package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

/**
 * Calls from callers Twilio gives no phone number for (withheld caller ID, SIP, Voice SDK clients) are logged on an
 * identity of their own, and their statuses and voicemail follow them there.
 */
class CallersWithoutAPhoneNumberTest {

    static final String ANONYMOUS_CALL_SID = "CA91d90e8e94cd38c898f57a3b9be6f4e5";
    static final String ANONYMOUS_RECORDING_SID = "RE66157c73e51385d8e04d215532796678";

    private final TwilioHarness twilio = new TwilioHarness();

    @AfterEach
    void close() {
        twilio.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "call_from_anonymous.form,       anonymous:CA91d90e8e94cd38c898f57a3b9be6f4e5",
            "call_from_withheld_number.form, anonymous:CAfc1b0737c4fdec4dd724368113c308c4",
            "call_from_sip.form,             sip:alice@pbx.example.com",
            "call_from_client.form,          client:Ada_Lovelace"})
    void callerWithoutAPhoneNumber_isAnsweredAndTheCallIsLoggedOnAnIdentityOfItsOwn(String fixture, String identity)
            throws Exception {
        // given an incoming call whose From is no phone number
        // when Twilio asks what to do with it
        APIGatewayV2HTTPResponse response = twilio.post(TwilioWebhookHandler.VOICE, TwilioHarness.fixture(fixture));

        // then the caller hears the voicemail prompt, whose callbacks name the caller
        assertEquals(200, response.getStatusCode(), response.getBody());
        Element record = TwilioWebhookHandlerTest.only(TwilioWebhookHandlerTest.xml(response.getBody()), "Record");
        assertEquals(TwilioHarness.BASE + TwilioWebhookHandler.VOICE_RECORDING + "?customer="
                + java.net.URLEncoder.encode(identity, StandardCharsets.UTF_8), record.getAttribute("recordingStatusCallback"));
        // and the call is one call entry, on the customer of that identity
        ConversationEntry call = TwilioWebhookHandlerTest.only(twilio.log.all());
        assertEquals(EntryKind.CALL, call.kind());
        assertEquals(DeliveryStatus.RINGING, call.status());
        Customer customer = twilio.directory.find(new Identity(identity)).orElseThrow();
        assertEquals(List.of(identity), customer.identities());
        assertEquals(List.of(call), twilio.log.history(customer.id(), 10));
        assertEquals(1, twilio.directory.customerCount());
    }

    @Test
    void anonymousCallersVoicemail_recordingThenTranscription_landOnTheCustomerOfTheCall() throws Exception {
        // given an anonymous caller whose call was answered with the voicemail prompt
        APIGatewayV2HTTPResponse answer = twilio.post(TwilioWebhookHandler.VOICE,
                TwilioHarness.fixture("call_from_anonymous.form"));
        Element record = TwilioWebhookHandlerTest.only(TwilioWebhookHandlerTest.xml(answer.getBody()), "Record");

        // when Twilio calls back the URLs of that prompt with the recording, then its transcription
        assertEquals(200, twilio.post(TwilioHarness.pathAndQuery(record.getAttribute("recordingStatusCallback")),
                TwilioHarness.fixture("recording_completed_anonymous.form")).getStatusCode());
        assertEquals(200, twilio.post(TwilioHarness.pathAndQuery(record.getAttribute("transcribeCallback")),
                TwilioHarness.fixture("transcription_completed_anonymous.form")).getStatusCode());

        // then the call and one voicemail with its text are the timeline of one customer, the caller's
        assertEquals(1, twilio.directory.customerCount());
        Customer caller = twilio.directory.find(TelephonyIdentity.anonymous(ANONYMOUS_CALL_SID)).orElseThrow();
        List<ConversationEntry> timeline = twilio.log.history(caller.id(), 10);
        assertEquals(Set.of(EntryKind.CALL, EntryKind.VOICEMAIL), kinds(timeline));
        assertEquals(2, timeline.size());
        ConversationEntry voicemail = timeline.stream().filter(entry -> entry.kind() == EntryKind.VOICEMAIL)
                .findFirst().orElseThrow();
        assertEquals(ANONYMOUS_RECORDING_SID, voicemail.providerMessageId());
        assertEquals(ANONYMOUS_CALL_SID, voicemail.replyTo());
        assertTrue(voicemail.text().startsWith("Hello, I would rather not give my number."), voicemail.text());
        assertEquals(22, voicemail.details().get("durationSeconds"));
    }

    @Test
    void anonymousCallersTranscriptionBeforeItsRecording_leavesOneVoicemailOnTheCustomerOfTheCall() {
        twilio.post(TwilioWebhookHandler.VOICE, TwilioHarness.fixture("call_from_anonymous.form"));
        String query = "?customer=anonymous%3A" + ANONYMOUS_CALL_SID;
        assertEquals(200, twilio.post(TwilioWebhookHandler.VOICE_TRANSCRIPTION + query,
                TwilioHarness.fixture("transcription_completed_anonymous.form")).getStatusCode());
        assertEquals(200, twilio.post(TwilioWebhookHandler.VOICE_RECORDING + query,
                TwilioHarness.fixture("recording_completed_anonymous.form")).getStatusCode());
        Customer caller = twilio.directory.find(TelephonyIdentity.anonymous(ANONYMOUS_CALL_SID)).orElseThrow();
        List<ConversationEntry> timeline = twilio.log.history(caller.id(), 10);
        assertEquals(Set.of(EntryKind.CALL, EntryKind.VOICEMAIL), kinds(timeline));
        assertEquals(2, timeline.size());
        assertEquals(1, twilio.directory.customerCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"call_from_anonymous.form", "call_from_withheld_number.form"})
    void twoAnonymousCalls_areTwoCustomers(String fixture) {
        // given two calls with the caller ID withheld
        String first = TwilioHarness.text(fixture);
        String firstSid = TwilioForm.parse(first.getBytes(StandardCharsets.UTF_8)).require("CallSid");
        String second = first.replace(firstSid, "CA00000000000000000000000000000002");
        // when both come in
        twilio.post(TwilioWebhookHandler.VOICE, first.getBytes(StandardCharsets.UTF_8));
        twilio.post(TwilioWebhookHandler.VOICE, second.getBytes(StandardCharsets.UTF_8));
        // then each is the only call of a customer of its own
        assertEquals(2, twilio.directory.customerCount());
        Customer one = twilio.directory.find(TelephonyIdentity.anonymous(firstSid)).orElseThrow();
        Customer two = twilio.directory.find(TelephonyIdentity.anonymous("CA00000000000000000000000000000002"))
                .orElseThrow();
        assertNotEquals(one.id(), two.id());
        assertEquals(firstSid, TwilioWebhookHandlerTest.only(twilio.log.history(one.id(), 10)).providerMessageId());
        assertEquals("CA00000000000000000000000000000002",
                TwilioWebhookHandlerTest.only(twilio.log.history(two.id(), 10)).providerMessageId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"call_from_anonymous.form", "call_from_withheld_number.form", "call_from_sip.form",
            "call_from_client.form"})
    void statusesOfACallWithoutAPhoneNumber_attachToItsCall(String fixture) {
        // given a call from a caller without a phone number
        String call = TwilioHarness.text(fixture);
        twilio.post(TwilioWebhookHandler.VOICE, call.getBytes(StandardCharsets.UTF_8));
        // when its status callbacks (same From/To, CallSid) report it answered, then completed after 31 s
        String inProgress = call.replace("CallStatus=ringing", "CallStatus=in-progress");
        String completed = call.replace("CallStatus=ringing", "CallStatus=completed&CallDuration=31");
        assertEquals(200, twilio.post(TwilioWebhookHandler.VOICE_STATUS,
                completed.getBytes(StandardCharsets.UTF_8)).getStatusCode());
        assertEquals(200, twilio.post(TwilioWebhookHandler.VOICE_STATUS,
                inProgress.getBytes(StandardCharsets.UTF_8)).getStatusCode());
        // then they moved the one call forward, on the same customer
        assertEquals(1, twilio.directory.customerCount());
        ConversationEntry entry = TwilioWebhookHandlerTest.only(twilio.log.all());
        assertEquals(DeliveryStatus.COMPLETED, entry.status());
        assertEquals(31, entry.details().get("durationSeconds"));
    }

    @Test
    void anonymousCallsStatusBeforeItsWebhook_leavesOneCompletedCallOnOneCustomer() {
        // given the completed status of an anonymous call arrives before the call webhook
        assertEquals(200, twilio.post(TwilioWebhookHandler.VOICE_STATUS,
                TwilioHarness.fixture("call_status_completed_anonymous.form")).getStatusCode());
        // when the call webhook arrives
        assertEquals(200, twilio.post(TwilioWebhookHandler.VOICE,
                TwilioHarness.fixture("call_from_anonymous.form")).getStatusCode());
        // then there is one call, completed, on the anonymous caller of that call
        ConversationEntry call = TwilioWebhookHandlerTest.only(twilio.log.all());
        assertEquals(DeliveryStatus.COMPLETED, call.status());
        assertEquals(List.of("anonymous:" + ANONYMOUS_CALL_SID),
                twilio.directory.find(TelephonyIdentity.anonymous(ANONYMOUS_CALL_SID)).orElseThrow().identities());
        assertEquals(1, twilio.directory.customerCount());
    }

    @Test
    void anonymousCallersRecordingReplayedWithAnotherCallInItsQuery_is403AndStoresNothing() {
        // given a recording callback signed for one anonymous call's URL, sent with another call in the query
        byte[] body = TwilioHarness.fixture("recording_completed_anonymous.form");
        String signature = TwilioHarness.sign(TwilioWebhookHandler.VOICE_RECORDING + "?customer=anonymous%3A"
                + ANONYMOUS_CALL_SID, TwilioForm.parse(body));
        // when
        APIGatewayV2HTTPResponse response = twilio.send(TwilioWebhookHandler.VOICE_RECORDING,
                "customer=anonymous%3ACA00000000000000000000000000000002", body, signature);
        // then
        assertEquals(403, response.getStatusCode());
        assertTrue(twilio.log.all().isEmpty());
        assertEquals(0, twilio.directory.customerCount());
    }

    private static Set<EntryKind> kinds(List<ConversationEntry> entries) {
        return entries.stream().map(ConversationEntry::kind).collect(Collectors.toSet());
    }
}
