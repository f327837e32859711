package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Settings;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.SendResult;
import io.switchboard.core.outbound.WindowVerdict;
import io.switchboard.testing.ProviderStub;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a stub SES v2 endpoint on 127.0.0.1 ({@code AWS_ENDPOINT_URL_SESV2}) answering with SES's shapes. */
class SesEmailSenderTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final ReplyRoute ROUTE = new ReplyRoute("/email/ses", "support@shop.example.com",
            "ann@example.com");
    private static final String SES_ID = "0100019a7b3c4d5e-6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c-000000";

    private final ProviderStub ses = ProviderStub.start();
    private final Map<String, String> values = new HashMap<>(Map.of(
            "AWS_ENDPOINT_URL_SESV2", ses.baseUrl(), "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1",
            Settings.AWS_REGION, "us-east-1"));

    @AfterEach
    void stop() {
        ses.close();
    }

    @Test
    void givenAReplyToACustomersEmail_whenSent_thenSesGetsRawMimeThatThreadsAndTheIdIsSesMessageId() throws Exception {
        ses.answerAlways(200, Fixtures.text("ses-send-answer-ok.json"));

        SendResult result = sender().send(message("Thanks, it is on its way.", List.of(new Attachment("document",
                "application/pdf", null, "https://files.example.com/label.pdf", "label.pdf", null, null)),
                customerEmail(), null));

        assertEquals(new SendResult.Sent(SES_ID + "@email.amazonses.com"), result);
        ProviderStub.Request request = ses.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/v2/email/outbound-emails", request.path());
        String authorization = request.header("Authorization");
        // SigV4 for SES v2: signing name "ses" in the region (local endpoints sign with the "local" key).
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=local/"), authorization);
        assertTrue(authorization.contains("/us-east-1/ses/aws4_request"), authorization);
        assertTrue(authorization.matches(".*Signature=[0-9a-f]{64}$"), authorization);
        assertTrue(request.header("Content-Type").startsWith("application/json"), request.header("Content-Type"));
        JsonNode body = Json.MAPPER.readTree(request.body());
        assertEquals(List.of("Content", "Destination", "FromEmailAddress"),
                iterate(body.fieldNames()), "exactly the fields SendEmail needs here");
        assertEquals("support@shop.example.com", body.path("FromEmailAddress").asText());
        assertEquals("ann@example.com", body.path("Destination").path("ToAddresses").path(0).asText());
        byte[] raw = Base64.getDecoder().decode(body.path("Content").path("Raw").path("Data").asText());
        String mime = new String(raw, StandardCharsets.UTF_8);
        assertTrue(mime.contains("In-Reply-To: <c1@mail.example.com>"), mime);
        assertTrue(mime.contains("References: <c0@shop.example.com> <c1@mail.example.com>"), mime);

        ParsedEmail parsed = MimeEmailParser.parse(raw);
        assertEquals("Re: Where is my order?", parsed.subject());
        assertEquals("support@shop.example.com", parsed.from().address());
        assertEquals("ann@example.com", parsed.to().get(0).address());
        assertEquals("c1@mail.example.com", parsed.inReplyTo());
        assertTrue(parsed.text().contains("Thanks, it is on its way."));
        assertTrue(parsed.text().contains("label.pdf: https://files.example.com/label.pdf"));
        assertTrue(mime.contains("text/plain; charset=UTF-8"), mime);
    }

    @Test
    void givenTheCustomersAnswerToTheReply_whenParsed_thenItReferencesTheStoredId() {
        ses.answerAlways(200, Fixtures.text("ses-send-answer-ok.json"));
        String sentId = ((SendResult.Sent) sender().send(message("On its way.", List.of(), customerEmail(), null)))
                .providerMessageId();
        byte[] answer = ("From: Ann <ann@example.com>\r\nTo: support@shop.example.com\r\nSubject: Re: Re: Where is my "
                + "order?\r\nMessage-ID: <c2@mail.example.com>\r\nIn-Reply-To: <" + sentId + ">\r\nReferences: "
                + "<c1@mail.example.com> <" + sentId + ">\r\nDate: Sun, 22 Nov 2026 11:00:00 +0000\r\n\r\nThanks!\r\n")
                .getBytes(StandardCharsets.UTF_8);

        Interaction.LogReply reply = (Interaction.LogReply) EmailInteractions.of(MimeEmailParser.parse(answer), "mime",
                NOW, answer).get(0);

        assertEquals(sentId, reply.threadReferences().get(0));
        assertEquals(sentId, reply.entry().replyTo());
    }

    @Test
    void givenAnotherRegion_whenSent_thenTheIdHasThatRegionsDomain() {
        ses.answerAlways(200, Fixtures.text("ses-send-answer-ok.json"));
        values.put(Settings.AWS_REGION, "eu-west-1");
        assertEquals(new SendResult.Sent(SES_ID + "@eu-west-1.amazonses.com"),
                sender().send(message("Hi", List.of(), null, "Your order")));
    }

    @Test
    void givenSubjects_whenBuilt_thenAskedOrReOnceOrNone() {
        assertEquals("Your order", SesEmailSender.subject(message("Hi", List.of(), customerEmail(), "Your order")));
        assertEquals("Re: Where is my order?", SesEmailSender.subject(message("Hi", List.of(), customerEmail(), null)));
        ConversationEntry alreadyRe = ConversationEntry.builder(Channel.EMAIL, "c3@mail.example.com")
                .source("/email/mime").occurredAt(NOW).detail("subject", "RE: Where is my order?").build();
        assertEquals("RE: Where is my order?", SesEmailSender.subject(message("Hi", List.of(), alreadyRe, null)));
        assertEquals(null, SesEmailSender.subject(message("Hi", List.of(), null, null)));
    }

    @Test
    void givenSesRejectsTheMessage_whenSent_thenRefusedWithSesErrorCode() {
        ses.answerNext(400, Fixtures.text("ses-send-answer-message-rejected.json"),
                Map.of("x-amzn-ErrorType", "MessageRejected"));
        SendResult.Refused refused = assertInstanceOf(SendResult.Refused.class,
                sender().send(message("Hi", List.of(), null, "Hello")));
        assertEquals("MessageRejected", refused.code());
    }

    @Test
    void givenSesThrottlesOrFails_whenSent_thenTransientAndNotRetriedByTheSdk() {
        ses.answerNext(429, "{\"message\":\"Maximum sending rate exceeded.\"}",
                Map.of("x-amzn-ErrorType", "TooManyRequestsException"))
                .answerNext(503, "{\"message\":\"Service unavailable\"}", Map.of());
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hi", List.of(), null, "Hello")));
        SesEmailSender sender = sender();
        assertInstanceOf(SendResult.Transient.class, sender.send(message("Hi", List.of(), null, "Hello")));
        assertEquals(2, ses.requests().size());
    }

    @Test
    void givenSesNeverAnswers_whenTheSendTimesOut_thenUnknown() {
        ses.hangNext();
        values.put(SesEmailSender.SEND_TIMEOUT_SECONDS, "1");
        assertInstanceOf(SendResult.Unknown.class, sender().send(message("Hi", List.of(), null, "Hello")));
        assertEquals(1, ses.requests().size());
    }

    @Test
    void givenNothingListens_whenSent_thenTransient() {
        ProviderStub closed = ProviderStub.start();
        values.put("AWS_ENDPOINT_URL_SESV2", closed.baseUrl());
        closed.close();
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hi", List.of(), null, "Hello")));
    }

    @Test
    void givenTheCustomersLatestEmail_whenRouted_thenFromIsTheAddressTheyWroteTo() {
        Customer customer = new Customer("c-1", "Ann", List.of("email:ann@example.com"), NOW, "/email/mime", null);
        assertEquals(Optional.of(ROUTE), sender().route(Channel.EMAIL, customer, customerEmail()));
        assertEquals("", sender().route(Channel.EMAIL, customer, null).orElseThrow().account());
        values.put(SesEmailSender.SUPPORT_EMAIL_ADDRESS, "help@shop.example.com");
        assertEquals("help@shop.example.com", sender().route(Channel.EMAIL, customer, null).orElseThrow().account());
        assertTrue(sender().route(Channel.EMAIL, new Customer("c-2", null, List.of("phone:+14155550100"), NOW, "/x",
                null), null).isEmpty());
    }

    @Test
    void givenNoFromAddress_whenSent_thenRefusedWithoutCallingSes() {
        OutboundMessage message = new OutboundMessage("cmd-1", Channel.EMAIL, new ReplyRoute("/email/ses", "",
                "ann@example.com"), "Hi", List.of(), null, null, null, null);
        assertEquals("not_configured", assertInstanceOf(SendResult.Refused.class, sender().send(message)).code());
        assertTrue(ses.requests().isEmpty());
    }

    @Test
    void givenEmail_thenNoWindow() {
        assertEquals(WindowVerdict.OPEN, sender().window(message("Hi", List.of(), null, null), null, NOW));
    }

    @Test
    void givenEachDocumentedRefusal_whenSent_thenRefusedWithItsCodeAndPlainReason_andThrottlingIsTransient() {
        // The error type as SES may carry it: the x-amzn-ErrorType header (with a ":<more>" suffix), or the body's
        // __type (namespaced) or code. https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
        List<String> codes = List.copyOf(new java.util.TreeSet<>(SesEmailSender.PLAIN_REASONS.keySet()));
        for (int i = 0; i < codes.size(); i++) {
            String code = codes.get(i);
            int status = code.equals("NotFoundException") ? 404 : 400;
            switch (i % 3) {
                case 0 -> ses.answerNext(status, "{\"message\":\"no\"}",
                        Map.of("x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazonaws.sesv2/"));
                case 1 -> ses.answerNext(status, "{\"__type\":\"com.amazonaws.sesv2#" + code + "\",\"message\":\"no\"}",
                        Map.of());
                default -> ses.answerNext(status, "{\"code\":\"" + code + "\",\"message\":\"no\"}", Map.of());
            }
            SendResult.Refused refused = assertInstanceOf(SendResult.Refused.class,
                    sender().send(message("Hi", List.of(), null, "Hello")), code);
            assertEquals(code, refused.code());
            assertEquals(SesEmailSender.PLAIN_REASONS.get(code), refused.reason());
        }
        for (String throttled : List.of("TooManyRequestsException", "LimitExceededException", "ThrottlingException")) {
            ses.answerNext(throttled.equals("TooManyRequestsException") ? 429 : 400,
                    "{\"__type\":\"" + throttled + "\",\"message\":\"Maximum sending rate exceeded.\"}", Map.of());
            SendResult.Transient later = assertInstanceOf(SendResult.Transient.class,
                    sender().send(message("Hi", List.of(), null, "Hello")), throttled);
            assertTrue(later.reason().contains(throttled), later.reason());
        }
        ses.answerNext(403, "<html>Forbidden</html>", Map.of());
        assertEquals("HTTP403", assertInstanceOf(SendResult.Refused.class,
                sender().send(message("Hi", List.of(), null, "Hello"))).code(), "a proxy's page names no error type");
        assertEquals(codes.size() + 4, ses.requests().size(), "one request per send: no SDK retries");
    }

    @Test
    void givenNoEndpointSetting_whenSent_thenTheRegionsPublicSesEndpointIsCalled() {
        values.remove("AWS_ENDPOINT_URL_SESV2");
        values.put(Settings.AWS_REGION, "eu-west-1");
        List<java.net.URI> called = new java.util.concurrent.CopyOnWriteArrayList<>();
        software.amazon.awssdk.http.SdkHttpClient refusing = new software.amazon.awssdk.http.SdkHttpClient() {
            @Override
            public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(
                    software.amazon.awssdk.http.HttpExecuteRequest request) {
                called.add(request.httpRequest().getUri());
                return new software.amazon.awssdk.http.ExecutableHttpRequest() {
                    @Override
                    public software.amazon.awssdk.http.HttpExecuteResponse call() throws java.io.IOException {
                        throw new java.net.ConnectException("not on this machine's network");
                    }

                    @Override
                    public void abort() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };

        SendResult result = new SesEmailSender(name -> Optional.ofNullable(values.get(name)), refusing)
                .send(message("Hi", List.of(), null, "Hello"));

        assertInstanceOf(SendResult.Transient.class, result);
        assertEquals(List.of(java.net.URI.create("https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails")), called);
    }

    @Test
    void givenAReplyThatQuotesNothing_thenItStillContinuesTheLatestMailThread() {
        assertTrue(sender().continuesLatestThread(Channel.EMAIL));
        assertFalse(sender().answers(Channel.EMAIL, Channel.SMS));
    }

    private SesEmailSender sender() {
        return new SesEmailSender(name -> Optional.ofNullable(values.get(name)));
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> all = new java.util.ArrayList<>();
        names.forEachRemaining(all::add);
        java.util.Collections.sort(all);
        return all;
    }

    private static ConversationEntry customerEmail() {
        return ConversationEntry.builder(Channel.EMAIL, "c1@mail.example.com").source("/email/mime").occurredAt(NOW)
                .text("Where is my order?")
                .detail("to", List.of(Map.of("address", "support@shop.example.com", "name", "Shop")))
                .detail("subject", "Where is my order?")
                .detail("messageId", "c1@mail.example.com")
                .detail("references", List.of("c0@shop.example.com"))
                .build();
    }

    private static OutboundMessage message(String text, List<Attachment> attachments, ConversationEntry replyTo,
                                           String subject) {
        return new OutboundMessage("cmd-1", Channel.EMAIL, ROUTE, text, attachments, replyTo, subject, null, null);
    }
}
