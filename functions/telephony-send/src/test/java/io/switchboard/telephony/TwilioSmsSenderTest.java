package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.SendResult;
import io.switchboard.core.outbound.WindowVerdict;
import io.switchboard.testing.ProviderStub;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a stub Messages API on 127.0.0.1 answering with Twilio's documented shapes. */
class TwilioSmsSenderTest {

    private static final String ACCOUNT = "AC3f2b8c9d0e1f4a5b6c7d8e9f0a1b2c3d";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final ReplyRoute ROUTE = new ReplyRoute("/twilio/" + ACCOUNT, "+14155550199", "+14155550100");

    private final ProviderStub twilio = ProviderStub.start();
    private final Map<String, String> values = new HashMap<>(Map.of(TwilioSmsSender.API_BASE_URL, twilio.baseUrl(),
            TwilioSmsSender.ACCOUNT_SID, ACCOUNT, TwilioVerifier.AUTH_TOKEN, "twilio-auth-token",
            TwilioVerifier.PUBLIC_BASE_URL, "https://hooks.example.com/"));

    @AfterEach
    void stop() {
        twilio.close();
    }

    @Test
    void givenAnMms_whenSent_thenTheMessagesApiGetsTheDocumentedFormAndTheSidIsTheId() {
        twilio.answerAlways(201, Fixtures.text("send-answer-ok.json"));
        List<Attachment> media = List.of(
                new Attachment("image", "image/jpeg", null, "https://files.example.com/1.jpg", null, null, null),
                new Attachment("image", "image/jpeg", null, "https://files.example.com/2.jpg", null, null, null));

        SendResult result = sender().send(message("Your order shipped & is on its way.", media));

        assertEquals(new SendResult.Sent("SM7f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c"), result);
        ProviderStub.Request request = twilio.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json", request.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString((ACCOUNT + ":twilio-auth-token")
                .getBytes(StandardCharsets.UTF_8)), request.header("Authorization"));
        assertTrue(request.header("Content-Type").startsWith("application/x-www-form-urlencoded"));
        TwilioForm form = TwilioForm.parse(request.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(
                new TwilioForm.Param("To", "+14155550100"),
                new TwilioForm.Param("From", "+14155550199"),
                new TwilioForm.Param("Body", "Your order shipped & is on its way."),
                new TwilioForm.Param("MediaUrl", "https://files.example.com/1.jpg"),
                new TwilioForm.Param("MediaUrl", "https://files.example.com/2.jpg"),
                new TwilioForm.Param("StatusCallback", "https://hooks.example.com/webhooks/twilio/sms/status")),
                form.params());
    }

    @Test
    void givenNoPublicBaseUrl_whenSent_thenNoStatusCallback() {
        twilio.answerAlways(201, Fixtures.text("send-answer-ok.json"));
        values.remove(TwilioVerifier.PUBLIC_BASE_URL);
        sender().send(message("Hi", List.of()));
        TwilioForm form = TwilioForm.parse(twilio.requests().get(0).body().getBytes(StandardCharsets.UTF_8));
        assertTrue(form.get("StatusCallback").isEmpty());
    }

    @Test
    void givenTwilioRefusesWith21211_whenSent_thenRefusedWithTheCodeAndAPlainReason() {
        twilio.answerAlways(400, Fixtures.text("send-answer-error-21211.json"));
        SendResult.Refused refused = assertInstanceOf(SendResult.Refused.class, sender().send(message("Hi", List.of())));
        assertEquals("21211", refused.code());
        assertEquals("the customer's number is not a valid phone number", refused.reason());
    }

    @Test
    void givenA503OrA429_whenSent_thenTransient() {
        twilio.answerNext(503, "{\"code\":20500,\"message\":\"Internal Server Error\",\"status\":503}", Map.of())
                .answerNext(429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}", Map.of());
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hi", List.of())));
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hi", List.of())));
    }

    @Test
    void givenTwilioNeverAnswers_whenTheSendTimesOut_thenUnknown() {
        twilio.hangNext();
        values.put(TwilioSmsSender.SEND_TIMEOUT_SECONDS, "1");
        assertInstanceOf(SendResult.Unknown.class, sender().send(message("Hi", List.of())));
        assertEquals(1, twilio.requests().size());
    }

    @Test
    void givenNothingListens_whenSent_thenTransient() {
        ProviderStub closed = ProviderStub.start();
        values.put(TwilioSmsSender.API_BASE_URL, closed.baseUrl());
        closed.close();
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hi", List.of())));
    }

    @Test
    void givenTheCustomersLatestText_whenRouted_thenFromIsTheNumberTheyWroteTo() {
        Customer customer = new Customer("c-1", null, List.of("phone:+14155550100"), NOW, "/twilio/" + ACCOUNT, null);
        ConversationEntry latest = ConversationEntry.builder(Channel.SMS, "SM1").source("/twilio/" + ACCOUNT)
                .occurredAt(NOW).text("hi").detail("from", "+14155550100").detail("to", "+14155550199").build();
        assertEquals(Optional.of(ROUTE), sender().route(Channel.SMS, customer, latest));

        ConversationEntry call = ConversationEntry.builder(Channel.VOICE, "CA1").source("/twilio/" + ACCOUNT)
                .kind(EntryKind.CALL).occurredAt(NOW).detail("to", "+14155550188").build();
        assertEquals("+14155550188", sender().route(Channel.SMS, customer, call).orElseThrow().account());
        assertEquals(new ReplyRoute("/twilio/" + ACCOUNT, "", "+14155550100"),
                sender().route(Channel.SMS, customer, null).orElseThrow());
        assertTrue(sender().route(Channel.SMS, new Customer("c-2", null, List.of("email:a@example.com"), NOW, "/e",
                null), null).isEmpty());
    }

    @Test
    void givenACustomerKnownOnlyAsAShortCodeOrSenderId_whenRouted_thenThereIsNoRouteSoNothingIsSentToIt() {
        // a one-way sender: its latest message names it as From, but nothing can be sent to it
        for (String sender : List.of("898287", "MyBrand")) {
            Customer customer = new Customer("c-3", null, List.of("sms-sender:US:" + sender), NOW,
                    "/twilio/" + ACCOUNT, null);
            ConversationEntry latest = ConversationEntry.builder(Channel.SMS, "SM2").source("/twilio/" + ACCOUNT)
                    .occurredAt(NOW).text("code 482913").detail("from", sender).detail("to", "+14155550199").build();
            assertTrue(sender().route(Channel.SMS, customer, latest).isEmpty(), sender);
        }
    }

    @Test
    void givenNoNumberToSendFrom_whenSent_thenRefusedWithoutCallingTwilio() {
        OutboundMessage message = new OutboundMessage("cmd-1", Channel.SMS, new ReplyRoute("/twilio/" + ACCOUNT, "",
                "+14155550100"), "Hi", List.of(), null, null, null, null);
        assertEquals("not_configured", assertInstanceOf(SendResult.Refused.class, sender().send(message)).code());
        assertTrue(twilio.requests().isEmpty());
    }

    @Test
    void givenSms_thenNoWindowAnd1600Characters() {
        assertEquals(WindowVerdict.OPEN, sender().window(message("Hi", List.of()), null, NOW));
        assertEquals(1600, sender().maxTextLength(Channel.SMS));
    }

    @Test
    void givenACustomerWhoCalled_thenATextAnswersTheCallAndNoOtherChannel() {
        assertTrue(sender().answers(Channel.SMS, Channel.VOICE));
        assertTrue(sender().answers(Channel.SMS, Channel.SMS));
        assertFalse(sender().answers(Channel.SMS, Channel.WHATSAPP));
        assertFalse(sender().continuesLatestThread(Channel.SMS));
    }

    private TwilioSmsSender sender() {
        Settings settings = name -> Optional.ofNullable(values.get(name));
        return new TwilioSmsSender(new Secrets(settings, id -> "{}", Clock.systemUTC()), settings);
    }

    private static OutboundMessage message(String text, List<Attachment> attachments) {
        return new OutboundMessage("cmd-1", Channel.SMS, ROUTE, text, attachments, null, null, null, null);
    }
}
