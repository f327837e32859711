package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class TwilioWebhookHandlerTest {

    static final String AUTH_TOKEN = "test-twilio-auth-token-9f8e7d";
    static final String HOST = "abc123.execute-api.us-east-1.amazonaws.com";
    static final String BASE = "https://" + HOST;
    static final String ADA = "phone:+14155550100";
    static final String CALL_SID = "CA5d2f1e0c9b8a7f6e5d4c3b2a1f0e9d8c";
    static final String RECORDING_SID = "RE7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d";

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private TwilioWebhookHandler handler = handler(Map.of(TwilioWebhookHandler.AUTH_TOKEN, AUTH_TOKEN));

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    // ---------------------------------------------------------------- signature

    @Test
    void signedIncomingCall_isLoggedAndAnsweredWithVoicemailTwiml() throws Exception {
        // given an incoming call signed over the API's URL
        byte[] body = Fixtures.bytes("incoming_call.form");
        // when
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body));
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals("text/xml", response.getHeaders().get("content-type"));
        Document twiml = xml(response.getBody());
        assertEquals("Response", twiml.getDocumentElement().getTagName());
        assertEquals(TwilioWebhookHandler.DEFAULT_GREETING, only(twiml, "Say").getTextContent());
        Element record = only(twiml, "Record");
        assertEquals(BASE + "/webhooks/twilio/voice/recording?customer=%2B14155550100",
                record.getAttribute("recordingStatusCallback"));
        assertEquals(BASE + "/webhooks/twilio/voice/transcription?customer=%2B14155550100",
                record.getAttribute("transcribeCallback"));
        assertEquals("true", record.getAttribute("transcribe"));
        assertEquals(BASE + "/webhooks/twilio/voice", record.getAttribute("action"));
        ConversationEntry call = only(log.all());
        assertEquals(EntryKind.CALL, call.kind());
        assertEquals(CALL_SID, call.providerMessageId());
        assertEquals(DeliveryStatus.RINGING, call.status());
        assertEquals("Lovelace Ada", directory.find(Identity.phone("+14155550100")).orElseThrow().displayName());
    }

    @Test
    void signatureMadeWithAnotherToken_is403AndStoresNothing() {
        byte[] body = Fixtures.bytes("incoming_call.form");
        String forged = TwilioSignature.sign(BASE + TwilioWebhookHandler.VOICE,
                TwilioForm.parse(body).params(), "someone-elses-token");
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, forged);
        assertEquals(403, response.getStatusCode());
        assertEquals("invalid signature", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void parameterChangedAfterSigning_is403AndStoresNothing() {
        // given a signature over the original SMS, and a body whose text was changed
        byte[] original = Fixtures.bytes("sms_inbound.form");
        String signature = sign(TwilioWebhookHandler.SMS, original);
        byte[] tampered = Fixtures.text("sms_inbound.form").replace("shipped", "refunded")
                .getBytes(StandardCharsets.UTF_8);
        // when
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.SMS, tampered, signature);
        // then
        assertEquals(403, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void signatureForAnotherUrl_is403AndStoresNothing() {
        // given a status callback signed for the SMS URL, replayed to the voice status URL
        byte[] body = Fixtures.bytes("call_status_completed.form");
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE_STATUS, body,
                sign(TwilioWebhookHandler.SMS_STATUS, body));
        assertEquals(403, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void consoleUrlWithItsOwnQuery_isVerifiedAgainstTheQueryAsReceived() {
        // given a webhook URL configured in the Twilio console with a query in no particular order
        byte[] body = Fixtures.bytes("sms_inbound.form");
        String pathAndQuery = TwilioWebhookHandler.SMS + "?tenant=acme&bucket=2";

        // when Twilio calls it, signing the URL exactly as configured
        APIGatewayV2HTTPResponse response = send(pathAndQuery, body, sign(pathAndQuery, body));

        // then the signature matches (a query rebuilt in sorted order would not)
        assertEquals(200, response.getStatusCode(), response.getBody());
    }

    @Test
    void missingSignature_is403AndStoresNothing() {
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.SMS, Fixtures.bytes("sms_inbound.form"), null);
        assertEquals(403, response.getStatusCode());
        assertEquals("missing signature", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void signatureOverTheUrlWithPort443_isAccepted() {
        byte[] body = Fixtures.bytes("sms_inbound.form");
        String signature = TwilioSignature.sign("https://" + HOST + ":443" + TwilioWebhookHandler.SMS,
                TwilioForm.parse(body).params(), AUTH_TOKEN);
        assertEquals(200, send(TwilioWebhookHandler.SMS, body, signature).getStatusCode());
        assertEquals(1, log.all().size());
    }

    @Test
    void configuredPublicBaseUrl_isTheUrlTheSignatureIsCheckedAgainst() throws Exception {
        // given a custom domain in front of API Gateway
        handler.close();
        handler = handler(Map.of(TwilioWebhookHandler.AUTH_TOKEN, AUTH_TOKEN,
                TwilioWebhookHandler.PUBLIC_BASE_URL, "https://hooks.example.com/"));
        byte[] body = Fixtures.bytes("incoming_call.form");
        String signedForDomain = TwilioSignature.sign("https://hooks.example.com" + TwilioWebhookHandler.VOICE,
                TwilioForm.parse(body).params(), AUTH_TOKEN);
        // when the request arrives with API Gateway's own host
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, signedForDomain);
        // then it is verified against the public URL, and the callbacks point there too
        assertEquals(200, response.getStatusCode());
        assertTrue(only(xml(response.getBody()), "Record").getAttribute("recordingStatusCallback")
                .startsWith("https://hooks.example.com/webhooks/twilio/voice/recording?"));
        assertEquals(403, send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body)).getStatusCode());
    }

    @Test
    void base64EncodedBody_isVerifiedOverTheDecodedForm() {
        byte[] body = Fixtures.bytes("sms_inbound.form");
        Map<String, String> headers = headers(sign(TwilioWebhookHandler.SMS, body));
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                event("POST", TwilioWebhookHandler.SMS, Base64.getEncoder().encode(body), headers, null, true), null);
        assertEquals(200, response.getStatusCode());
        assertEquals(Channel.SMS, only(log.all()).channel());
    }

    @Test
    void unconfiguredAuthToken_is500SoTwilioRetries() {
        handler.close();
        handler = handler(Map.of());
        byte[] body = Fixtures.bytes("sms_inbound.form");
        assertEquals(500, send(TwilioWebhookHandler.SMS, body, sign(TwilioWebhookHandler.SMS, body)).getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void malformedFormBody_is400AndStoresNothing() {
        byte[] body = "CallSid=CA1&From=%E2%8&To=%2B14155550199".getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, "irrelevant");
        assertEquals(400, response.getStatusCode());
        assertTrue(response.getBody().startsWith("malformed form body"), response.getBody());
        assertNothingRecorded();
    }

    @Test
    void signedCallWithoutFrom_is400WithTheReasonAndStoresNothing() {
        byte[] body = "AccountSid=AC1&CallSid=CA1&CallStatus=ringing&To=%2B14155550199".getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body));
        assertEquals(400, response.getStatusCode());
        assertEquals("missing parameter From", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void signedSmsWithoutMessageSid_is400AndStoresNothing() {
        byte[] body = "AccountSid=AC1&From=%2B14155550100&To=%2B14155550199&Body=hi".getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.SMS, body, sign(TwilioWebhookHandler.SMS, body));
        assertEquals(400, response.getStatusCode());
        assertEquals("missing parameter MessageSid", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void givenASignedSmsFromNoSenderAtAll_whenPosted_thenItIs400AndStoresNothing() {
        // a From with a control character in it is no phone number, short code or sender id
        byte[] body = "AccountSid=AC1&MessageSid=SM1&From=hel%0Alo&To=%2B14155550199&Body=hi"
                .getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.SMS, body, sign(TwilioWebhookHandler.SMS, body));
        assertEquals(400, response.getStatusCode());
        assertEquals("From is no phone number, short code or sender id", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void givenASignedFormWithAByteThatIsNoUtf8_whenPosted_thenItIs400NotABadSignatureAndStoresNothing() {
        // given a form whose Body holds %E9 (é in Latin-1, no UTF-8), signed over the values a Latin-1 reader sees
        String form = "AccountSid=AC1&MessageSid=SM1&From=%2B14155550100&To=%2B14155550199&Body=Caf%E9";
        byte[] body = form.getBytes(StandardCharsets.US_ASCII);
        String signature = TwilioHarness.sign(TwilioWebhookHandler.SMS,
                TwilioForm.of(latin1Params(form)));
        // when
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.SMS, body, signature);
        // then a decoding fault, said so
        assertEquals(400, response.getStatusCode());
        assertEquals("body is not valid UTF-8 text", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void givenASignedFormDeclaringLatin1_whenPosted_thenItIsDecodedByThatCharsetAndStored() {
        // given the same form, declared as ISO-8859-1 and signed over its Latin-1 values
        String form = "AccountSid=AC1&MessageSid=SM1&From=%2B14155550100&To=%2B14155550199&Body=Caf%E9";
        byte[] body = form.getBytes(StandardCharsets.US_ASCII);
        Map<String, String> headers = headers(TwilioHarness.sign(TwilioWebhookHandler.SMS,
                TwilioForm.of(latin1Params(form))));
        headers.put("content-type", "application/x-www-form-urlencoded; charset=ISO-8859-1");
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                event("POST", TwilioWebhookHandler.SMS, body, headers, null, false), null);
        // then
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("Caf\u00e9", only(log.all()).text());
    }

    /** A form's parameters decoded as ISO-8859-1 (what a sender writing Latin-1 signs). */
    private static List<TwilioForm.Param> latin1Params(String form) {
        return java.util.Arrays.stream(form.split("&")).map(pair -> pair.split("=", 2))
                .map(pair -> new TwilioForm.Param(pair[0],
                        java.net.URLDecoder.decode(pair[1], StandardCharsets.ISO_8859_1)))
                .toList();
    }

    @Test
    void getRequest_is405() {
        assertEquals(405, handler.handleRequest(event("GET", TwilioWebhookHandler.SMS, null, Map.of(), null, false), null)
                .getStatusCode());
    }

    // ---------------------------------------------------------------- voice

    @Test
    void forwardToNumberConfigured_answersWithDial() throws Exception {
        handler.close();
        handler = handler(Map.of(TwilioWebhookHandler.AUTH_TOKEN, AUTH_TOKEN, TwilioWebhookHandler.FORWARD_TO, "+14155550142"));
        byte[] body = Fixtures.bytes("incoming_call.form");
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body));
        assertEquals("+14155550142", only(xml(response.getBody()), "Dial").getTextContent());
        assertEquals(1, log.all().size());
    }

    @Test
    void forwardToSipAddress_answersWithDialSip() throws Exception {
        handler.close();
        handler = handler(Map.of(TwilioWebhookHandler.AUTH_TOKEN, AUTH_TOKEN,
                TwilioWebhookHandler.FORWARD_TO, "sip:support@pbx.example.com;transport=tls"));
        byte[] body = Fixtures.bytes("incoming_call.form");
        Document twiml = xml(send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body)).getBody());
        assertEquals("sip:support@pbx.example.com;transport=tls", only(twiml, "Sip").getTextContent());
        assertEquals("Dial", ((Element) only(twiml, "Sip").getParentNode()).getTagName());
    }

    @Test
    void greetingWithMarkup_isEscapedIntoValidTwiml() throws Exception {
        handler.close();
        String greeting = "Tom & Jerry's <support> \"line\": leave a message";
        handler = handler(Map.of(TwilioWebhookHandler.AUTH_TOKEN, AUTH_TOKEN, TwilioWebhookHandler.GREETING, greeting));
        byte[] body = Fixtures.bytes("incoming_call.form");
        Document twiml = xml(send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body)).getBody());
        assertEquals(greeting, only(twiml, "Say").getTextContent());
    }

    @Test
    void anonymousCaller_isAnsweredAndLoggedAsTheAnonymousCallerOfThatCall() throws Exception {
        // (this test asserted "answered, nothing stored" before callers without a number were logged)
        byte[] body = ("AccountSid=AC1&CallSid=CA1&CallStatus=ringing&Direction=inbound&From=anonymous"
                + "&To=%2B14155550199").getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body));
        assertEquals(200, response.getStatusCode());
        assertEquals(BASE + "/webhooks/twilio/voice/recording?customer=anonymous%3ACA1",
                only(xml(response.getBody()), "Record").getAttribute("recordingStatusCallback"));
        assertEquals("CA1", only(log.all()).providerMessageId());
        assertTrue(directory.find(new Identity("anonymous:CA1")).isPresent());
        assertEquals(1, directory.customerCount());
    }

    @Test
    void recordActionRequest_hangsUp() throws Exception {
        // given Twilio's request to the <Record> action once the caller finished the message
        byte[] body = (Fixtures.text("incoming_call.form").replace("CallStatus=ringing", "CallStatus=in-progress")
                + "&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2Fr%2FRE1&RecordingDuration=14&Digits=hangup")
                .getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse response = send(TwilioWebhookHandler.VOICE, body, sign(TwilioWebhookHandler.VOICE, body));
        Document twiml = xml(response.getBody());
        assertEquals(1, twiml.getElementsByTagName("Hangup").getLength());
        assertEquals(0, twiml.getElementsByTagName("Record").getLength());
    }

    @Test
    void statusesOutOfOrder_endWithTheCallCompleted() {
        // given the completed status arrives before the call webhook and before ringing
        post(TwilioWebhookHandler.VOICE_STATUS, Fixtures.bytes("call_status_completed.form"));
        post(TwilioWebhookHandler.VOICE, Fixtures.bytes("incoming_call.form"));
        // when
        APIGatewayV2HTTPResponse late = post(TwilioWebhookHandler.VOICE_STATUS, Fixtures.bytes("call_status_ringing.form"));
        // then
        assertEquals(200, late.getStatusCode());
        ConversationEntry call = only(log.all());
        assertEquals(DeliveryStatus.COMPLETED, call.status());
        assertEquals(EntryKind.CALL, call.kind());
        assertFalse(call.placeholder());
        assertEquals(1, directory.customerCount());
    }

    @Test
    void retriedStatusCallback_changesNothing() {
        post(TwilioWebhookHandler.VOICE, Fixtures.bytes("incoming_call.form"));
        post(TwilioWebhookHandler.VOICE_STATUS, Fixtures.bytes("call_status_completed.form"));
        Set<ConversationEntry> before = Set.copyOf(log.all());
        APIGatewayV2HTTPResponse retry = post(TwilioWebhookHandler.VOICE_STATUS, Fixtures.bytes("call_status_completed.form"));
        assertEquals(200, retry.getStatusCode());
        assertEquals(before, Set.copyOf(log.all()));
        assertEquals(47, only(log.all()).details().get("durationSeconds"));
    }

    @Test
    void recordingThenTranscription_leaveOneVoicemailWithItsText() {
        post(TwilioWebhookHandler.VOICE, Fixtures.bytes("incoming_call.form"));
        post(TwilioWebhookHandler.VOICE_RECORDING + "?customer=%2B14155550100", Fixtures.bytes("recording_completed.form"));
        post(TwilioWebhookHandler.VOICE_TRANSCRIPTION + "?customer=%2B14155550100",
                Fixtures.bytes("transcription_completed.form"));
        ConversationEntry voicemail = voicemail();
        assertTrue(voicemail.text().startsWith("Hi, this is Ada."));
        assertEquals(14, voicemail.details().get("durationSeconds"));
        assertEquals(CALL_SID, voicemail.replyTo());
        assertEquals(2, log.all().size());
    }

    @Test
    void transcriptionBeforeRecording_leavesOneVoicemailWithItsText() {
        post(TwilioWebhookHandler.VOICE_TRANSCRIPTION + "?customer=%2B14155550100",
                Fixtures.bytes("transcription_completed.form"));
        APIGatewayV2HTTPResponse recording = post(TwilioWebhookHandler.VOICE_RECORDING + "?customer=%2B14155550100",
                Fixtures.bytes("recording_completed.form"));
        assertEquals(200, recording.getStatusCode());
        assertEquals(1, log.all().size());
        assertTrue(voicemail().text().startsWith("Hi, this is Ada."));
    }

    @Test
    void recordingCallbackWhoseCustomerQueryWasAltered_is403() {
        // given a callback signed for Ada's URL, replayed with another customer in the query
        byte[] body = Fixtures.bytes("recording_completed.form");
        String signature = sign(TwilioWebhookHandler.VOICE_RECORDING + "?customer=%2B14155550100", body);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("POST", TwilioWebhookHandler.VOICE_RECORDING,
                body, headers(signature), Map.of("customer", "+14155550111"), false), null);
        assertEquals(403, response.getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- messages

    @Test
    void inboundSms_isLoggedAndAnsweredWithAnEmptyResponse() throws Exception {
        APIGatewayV2HTTPResponse response = post(TwilioWebhookHandler.SMS, Fixtures.bytes("sms_inbound.form"));
        assertEquals(200, response.getStatusCode());
        assertEquals("text/xml", response.getHeaders().get("content-type"));
        Document twiml = xml(response.getBody());
        assertEquals("Response", twiml.getDocumentElement().getTagName());
        assertEquals(0, twiml.getDocumentElement().getChildNodes().getLength());
        assertEquals("Hi! Is my order 4417 shipped yet? Ünïcödé 👍 & more", only(log.all()).text());
    }

    @Test
    void givenAnSmsFromAShortCode_whenPosted_thenItIsStoredForTheSmsSenderOfItsCountry() {
        APIGatewayV2HTTPResponse response = post(TwilioWebhookHandler.SMS, Fixtures.bytes("sms_inbound_short_code.form"));
        assertEquals(200, response.getStatusCode());
        assertEquals("Your verification code is 482913", only(log.all()).text());
        assertTrue(directory.find(new Identity("sms-sender:US:898287")).isPresent());
    }

    @Test
    void givenAnSmsFromAnAlphanumericSenderId_whenPosted_thenItIsStoredForTheSmsSenderOfItsCountry() {
        APIGatewayV2HTTPResponse response = post(TwilioWebhookHandler.SMS,
                Fixtures.bytes("sms_inbound_alphanumeric_sender.form"));
        assertEquals(200, response.getStatusCode());
        assertEquals("Your parcel is out for delivery today.", only(log.all()).text());
        assertTrue(directory.find(new Identity("sms-sender:GB:MyBrand")).isPresent());
    }

    @Test
    void retriedSms_createsNothingNew() {
        post(TwilioWebhookHandler.SMS, Fixtures.bytes("mms_inbound.form"));
        Set<ConversationEntry> before = Set.copyOf(log.all());
        APIGatewayV2HTTPResponse retry = post(TwilioWebhookHandler.SMS, Fixtures.bytes("mms_inbound.form"));
        assertEquals(200, retry.getStatusCode());
        assertEquals(before, Set.copyOf(log.all()));
        assertEquals(1, directory.customerCount());
    }

    @Test
    void smsStatuses_moveForwardOnly() {
        post(TwilioWebhookHandler.SMS_STATUS, Fixtures.bytes("sms_status_delivered.form"));
        post(TwilioWebhookHandler.SMS_STATUS, Fixtures.bytes("sms_status_sent.form"));
        assertEquals(DeliveryStatus.DELIVERED, only(log.all()).status());
    }

    @Test
    void whatsappThroughTwilio_meetsTheSmsCustomer() {
        post(TwilioWebhookHandler.SMS, Fixtures.bytes("sms_inbound.form"));
        post(TwilioWebhookHandler.SMS, Fixtures.bytes("whatsapp_inbound.form"));
        assertEquals(1, directory.customerCount());
        assertEquals(Set.of(Channel.SMS, Channel.WHATSAPP),
                Set.copyOf(log.all().stream().map(ConversationEntry::channel).toList()));
    }

    // ---------------------------------------------------------------- helpers

    private TwilioWebhookHandler handler(Map<String, String> settings) {
        return new TwilioWebhookHandler(Contexts.with(Settings.of(settings), directory, log));
    }

    private ConversationEntry voicemail() {
        return log.all().stream().filter(entry -> entry.kind() == EntryKind.VOICEMAIL).findFirst().orElseThrow();
    }

    private void assertNothingRecorded() {
        assertTrue(log.all().isEmpty(), "nothing may be logged");
        assertEquals(0, directory.customerCount(), "no customer may be created");
    }

    /** A correctly signed POST; {@code pathAndQuery} may carry a query string. */
    private APIGatewayV2HTTPResponse post(String pathAndQuery, byte[] body) {
        APIGatewayV2HTTPResponse response = send(pathAndQuery, body, sign(pathAndQuery, body));
        assertEquals(200, response.getStatusCode(), response.getBody());
        return response;
    }

    private APIGatewayV2HTTPResponse send(String pathAndQuery, byte[] body, String signature) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        Map<String, String> query = null;
        if (q >= 0) {
            query = new HashMap<>();
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
        }
        APIGatewayV2HTTPEvent event = event("POST", path, body, headers(signature), query, false);
        event.setRawQueryString(q < 0 ? "" : pathAndQuery.substring(q + 1));
        return handler.handleRequest(event, null);
    }

    /** Signed the way Twilio signs, computed independently of the handler's URL reconstruction. */
    private static String sign(String pathAndQuery, byte[] body) {
        StringBuilder sorted = new StringBuilder();
        TwilioForm.parse(body).params().stream()
                .sorted(java.util.Comparator.comparing(TwilioForm.Param::name).thenComparing(TwilioForm.Param::value))
                .forEach(param -> sorted.append(param.name()).append(param.value()));
        return TwilioSignatureTest.independentSignature(BASE + pathAndQuery, sorted.toString(), AUTH_TOKEN);
    }

    private static Map<String, String> headers(String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/x-www-form-urlencoded");
        headers.put("host", HOST);
        headers.put("x-forwarded-proto", "https");
        headers.put("x-forwarded-port", "443");
        if (signature != null) {
            headers.put("X-Twilio-Signature", signature);
        }
        return headers;
    }

    private static APIGatewayV2HTTPEvent event(String method, String path, byte[] body, Map<String, String> headers,
                                               Map<String, String> query, boolean base64) {
        return io.switchboard.core.testing.ApiGatewayEvents.request(method, path, headers, query,
                body == null ? null : new String(body, StandardCharsets.UTF_8), base64);
    }

    static Document xml(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static Element only(Document document, String tag) {
        assertEquals(1, document.getElementsByTagName(tag).getLength(), tag + " in the TwiML");
        return (Element) document.getElementsByTagName(tag).item(0);
    }

    static <T> T only(List<T> items) {
        assertEquals(1, items.size(), "items: " + items);
        return items.get(0);
    }
}
