package io.switchboard.it;

import static io.switchboard.it.PipelineCloud.types;
import static io.switchboard.it.WhatsAppPipelineContract.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The telephony function end to end on the embedded cloud, as Twilio and a helpdesk see it: signed form posts over
 * HTTP to the routes template.yaml declares, TwiML back, DynamoDB written, CloudEvents read off SQS. Every test uses
 * its own +1 415 555 8xxx number.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedTelephonyPipelineTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String VOICE = "/webhooks/twilio/voice";
    private static final String VOICE_STATUS = "/webhooks/twilio/voice/status";
    private static final String SMS = "/webhooks/twilio/sms";
    private static final String SMS_STATUS = "/webhooks/twilio/sms/status";
    private static final Instant T0 = Instant.parse("2026-11-22T21:30:00Z");

    private PipelineCloud cloud;

    @BeforeAll
    void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options());
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void whatsAppThenCallFromTheSameNumber_oneCustomer_callStartedCarriesTheMessage_lateRingingKeepsOneCallEnded()
            throws Exception {
        // given a WhatsApp message from +1 415 555 8001
        String number = "+14155558001";
        String wamid = "wamid.HBgLMTQxNTU1NTgwMDEVAgASGBQzRUIwRTdBMjRGNjc0N0JCRjAA";
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text("14155558001", "Ada Lovelace", wamid, T0,
                "My order 4417 arrived damaged")).statusCode());
        String customerId = cloud.customerIdOf("phone:" + number).orElseThrow();

        // when the same number calls
        String callSid = "CA8001aaaabbbbccccddddeeeeffff0001";
        HttpResponse<String> answer = cloud.postTwilio(VOICE, TwilioWebhooks.incomingCall(callSid, number));

        // then the call is answered with TwiML and logged on the same customer
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("content-type").orElse("").startsWith("text/xml"));
        assertEquals(1, xml(answer.body()).getElementsByTagName("Record").getLength());
        assertEquals(customerId, cloud.customerIdOf("phone:" + number).orElseThrow());
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
        assertEquals(List.of("whatsapp", "voice"), entries.stream().map(e -> e.get(LogItems.CHANNEL).s()).toList());

        // and call.started carries the WhatsApp message among the customer's recent entries
        JsonNode started = awaitType(customerId, "switchboard.call.started");
        assertEquals(callSid, started.path("data").path("entry").path("providerMessageId").asText());
        JsonNode recent = started.path("data").path("recentEntries");
        assertTrue(recent.isArray() && recent.size() >= 1, "recentEntries: " + recent);
        JsonNode whatsApp = recent.get(0);
        assertEquals("whatsapp", whatsApp.path("channel").asText());
        assertEquals(wamid, whatsApp.path("providerMessageId").asText());
        assertEquals("My order 4417 arrived damaged", whatsApp.path("text").asText());

        // when Twilio delivers "completed" before "ringing"
        assertEquals(200, cloud.postTwilio(VOICE_STATUS, TwilioWebhooks.callStatus(callSid, number, "completed", 47,
                "Sun, 22 Nov 2026 21:31:47 +0000")).statusCode());
        assertEquals(200, cloud.postTwilio(VOICE_STATUS, TwilioWebhooks.callStatus(callSid, number, "ringing", 0,
                "Sun, 22 Nov 2026 21:31:00 +0000")).statusCode());
        cloud.drainQueue();

        // then the call ends completed, announced ended exactly once
        Map<String, AttributeValue> call = callEntry(customerId, callSid);
        assertEquals("completed", call.get(LogItems.STATUS).s());
        List<JsonNode> events = cloud.eventsFor(customerId);
        assertEquals(1, count(events, "switchboard.call.ended"), "events: " + types(events));
        assertEquals(1, count(events, "switchboard.call.started"), "events: " + types(events));

        // when the status callback is retried
        long stored = cloud.storedItems();
        assertEquals(200, cloud.postTwilio(VOICE_STATUS, TwilioWebhooks.callStatus(callSid, number, "completed", 47,
                "Sun, 22 Nov 2026 21:31:47 +0000")).statusCode());
        cloud.drainQueue();

        // then nothing changes and nothing new is published
        assertEquals(stored, cloud.storedItems());
        assertEquals(call, callEntry(customerId, callSid));
        assertEquals(types(events), types(cloud.eventsFor(customerId)));
    }

    @Test
    void callTakenAsVoicemail_recordingThenTranscription_voicemailReceivedWithTheText() throws Exception {
        // given a call answered with the voicemail TwiML
        String number = "+14155558002";
        String callSid = "CA8002aaaabbbbccccddddeeeeffff0002";
        String recordingSid = "RE8002aaaabbbbccccddddeeeeffff0002";
        HttpResponse<String> answer = cloud.postTwilio(VOICE, TwilioWebhooks.incomingCall(callSid, number));
        assertEquals(200, answer.statusCode(), answer.body());
        Element record = (Element) xml(answer.body()).getElementsByTagName("Record").item(0);
        String recordingCallback = record.getAttribute("recordingStatusCallback");
        String transcriptionCallback = record.getAttribute("transcribeCallback");
        assertTrue(recordingCallback.startsWith(cloud.baseUrl() + "/webhooks/twilio/voice/recording"), recordingCallback);
        String customerId = cloud.customerIdOf("phone:" + number).orElseThrow();

        // when Twilio posts the recording, then its transcription, to the URLs the TwiML gave it
        assertEquals(200, cloud.postTwilioTo(recordingCallback, TwilioWebhooks.recording(callSid, recordingSid, 14,
                Instant.now().plusSeconds(8))).statusCode()); // the recording starts after the greeting
        String text = "Hi, this is Ada. Please call me back about order 4417.";
        assertEquals(200, cloud.postTwilioTo(transcriptionCallback,
                TwilioWebhooks.transcription(callSid, number, recordingSid, text)).statusCode());

        // then one voicemail, answering the call, with the audio and the text; announced on arrival and on transcription
        List<JsonNode> voicemails = cloud.awaitEvents(customerId,
                events -> count(events, "switchboard.voicemail.received") >= 2).stream()
                .filter(event -> "switchboard.voicemail.received".equals(event.path("type").asText())).toList();
        assertEquals(2, voicemails.size());
        JsonNode transcribed = voicemails.get(1).path("data").path("entry");
        assertEquals(recordingSid, transcribed.path("providerMessageId").asText());
        assertEquals(text, transcribed.path("text").asText());
        assertEquals(callSid, transcribed.path("replyTo").asText());
        assertEquals(TwilioWebhooks.recordingUrl(recordingSid), transcribed.path("attachments").get(0).path("url").asText());
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);
        assertEquals(List.of("call", "voicemail"), entries.stream().map(e -> e.get(LogItems.KIND).s()).toList());
        assertEquals(text, entries.get(1).get(LogItems.TEXT).s());
    }

    @Test
    void retriedSmsAndStatusCallback_changeNothingAndPublishNothingNew() {
        // given an SMS from +1 415 555 8003 and a delivery report of the company's answer
        String number = "+14155558003";
        String inbound = "SM8003aaaabbbbccccddddeeeeffff0003";
        String outbound = "SM8003aaaabbbbccccddddeeeeffff9003";
        String sms = TwilioWebhooks.sms(inbound, number, "Where is my parcel?");
        String delivered = TwilioWebhooks.smsStatus(outbound, number, "delivered");
        assertEquals(200, cloud.postTwilio(SMS, sms).statusCode());
        assertEquals(200, cloud.postTwilio(SMS_STATUS, delivered).statusCode());
        String customerId = cloud.customerIdOf("phone:" + number).orElseThrow();
        cloud.drainQueue();
        List<String> before = types(cloud.eventsFor(customerId));
        assertTrue(before.contains("switchboard.message.received"), "events: " + before);
        assertTrue(before.contains("switchboard.message.status"), "events: " + before);
        long stored = cloud.storedItems();
        List<Map<String, AttributeValue>> entries = cloud.entries(customerId);

        // when Twilio retries both
        HttpResponse<String> retriedSms = cloud.postTwilio(SMS, sms);
        HttpResponse<String> retriedStatus = cloud.postTwilio(SMS_STATUS, delivered);
        cloud.drainQueue();

        // then both are acknowledged and nothing changes
        assertEquals(200, retriedSms.statusCode());
        assertEquals("<Response/>", retriedSms.body().replaceAll("<\\?xml[^>]*\\?>", "").trim());
        assertEquals(200, retriedStatus.statusCode());
        assertEquals(stored, cloud.storedItems());
        assertEquals(entries, cloud.entries(customerId));
        assertEquals(before, types(cloud.eventsFor(customerId)));
    }

    @Test
    void givenSmsFromAShortCodeAndAnAlphanumericSenderId_whenPosted_thenEachIsStoredAndAnnouncedUnderItsSmsSender() {
        // given an SMS from the short code 898287 and one from the sender id "MyBrand", both to the company's US number
        String shortCode = TwilioWebhooks.sms("SM8005aaaabbbbccccddddeeeeffff0005", "898287",
                "Your verification code is 482913");
        String senderId = TwilioWebhooks.sms("SM8006aaaabbbbccccddddeeeeffff0006", "MyBrand",
                "Your parcel is out for delivery today.");

        // when Twilio posts them
        HttpResponse<String> first = cloud.postTwilio(SMS, shortCode);
        HttpResponse<String> second = cloud.postTwilio(SMS, senderId);

        // then both are stored, each on a customer of its own keyed by the sender in the To number's country
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(200, second.statusCode(), second.body());
        String shortCodeCustomer = cloud.customerIdOf("sms-sender:US:898287").orElseThrow();
        String senderIdCustomer = cloud.customerIdOf("sms-sender:US:MyBrand").orElseThrow();
        assertTrue(!shortCodeCustomer.equals(senderIdCustomer));
        assertEquals("Your verification code is 482913",
                cloud.entries(shortCodeCustomer).get(0).get(LogItems.TEXT).s());
        assertEquals("Your parcel is out for delivery today.",
                cloud.entries(senderIdCustomer).get(0).get(LogItems.TEXT).s());
        // and announced to the helpdesk with that identity
        JsonNode received = awaitType(senderIdCustomer, "switchboard.message.received");
        assertEquals("sms-sender:US:MyBrand", received.at("/data/customer/identities/0").asText());
    }

    @Test
    void malformedBodyMissingParametersAndBadSignatures_areRefusedAndStoreNothing() {
        // given
        cloud.drainQueue();
        long stored = cloud.storedItems();
        int events = cloud.allEvents().size();
        String number = "+14155558004";
        String sms = TwilioWebhooks.sms("SM8004aaaabbbbccccddddeeeeffff0004", number, "hello");

        // when / then: a malformed form body
        String malformed = "MessageSid=SM1&From=%2B1415555%ZZ8004";
        HttpResponse<String> response = cloud.post(SMS, FORM, malformed, Map.of("X-Twilio-Signature", "c2lnbmF0dXJl"));
        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("malformed form body"), response.body());
        // missing required parameters
        assertEquals(400, cloud.postTwilio(SMS, TwilioWebhooks.form("AccountSid", TwilioWebhooks.ACCOUNT_SID,
                "From", number, "To", TwilioWebhooks.COMPANY_NUMBER, "Body", "no id")).statusCode());
        assertEquals(400, cloud.postTwilio(VOICE, TwilioWebhooks.form("AccountSid", TwilioWebhooks.ACCOUNT_SID,
                "CallSid", "CA8004aaaabbbbccccddddeeeeffff0004", "CallStatus", "ringing",
                "To", TwilioWebhooks.COMPANY_NUMBER)).statusCode());
        // a wrong token, a changed parameter, another URL, no signature
        assertEquals(403, cloud.post(SMS, FORM, sms,
                TwilioWebhooks.signed(cloud.baseUrl() + SMS, sms, "not-the-auth-token")).statusCode());
        assertEquals(403, cloud.post(SMS, FORM, sms.replace("hello", "hellO"),
                TwilioWebhooks.signed(cloud.baseUrl() + SMS, sms, PipelineCloud.TWILIO_AUTH_TOKEN)).statusCode());
        assertEquals(403, cloud.post(SMS, FORM, sms,
                TwilioWebhooks.signed("https://hooks.example.com" + SMS, sms, PipelineCloud.TWILIO_AUTH_TOKEN)).statusCode());
        assertEquals(403, cloud.post(SMS, FORM, sms, Map.of()).statusCode());

        // and nothing was stored or announced
        cloud.drainQueue();
        assertEquals(stored, cloud.storedItems());
        assertTrue(cloud.customerIdOf("phone:" + number).isEmpty());
        assertEquals(events, cloud.allEvents().size());
    }

    // ------------------------------------------------------------------ helpers

    /** A form post signed over the local cloud's URL for the path, as Twilio would sign it. */

    /** A form post to an absolute callback URL this function handed to Twilio (query included), signed over it. */

    private JsonNode awaitType(String customerId, String type) {
        return cloud.awaitEvents(customerId, events -> count(events, type) > 0).stream()
                .filter(event -> type.equals(event.path("type").asText())).findFirst().orElseThrow();
    }

    private Map<String, AttributeValue> callEntry(String customerId, String callSid) {
        return cloud.entries(customerId).stream()
                .filter(entry -> callSid.equals(entry.get(LogItems.PROVIDER_MESSAGE_ID).s())).findFirst().orElseThrow();
    }

    private static Document xml(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
