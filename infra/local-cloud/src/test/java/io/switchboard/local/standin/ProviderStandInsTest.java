package io.switchboard.local.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.SendResult;
import io.switchboard.email.MimeEmailParser;
import io.switchboard.email.ParsedEmail;
import io.switchboard.email.SesStandIn;
import io.switchboard.meta.GraphApiClient;
import io.switchboard.meta.HubSignature;
import io.switchboard.messenger.MessengerSender;
import io.switchboard.messenger.MessengerStandIn;
import io.switchboard.telephony.TwilioSmsSender;
import io.switchboard.telephony.TwilioStandIn;
import io.switchboard.telephony.TwilioVerifier;
import io.switchboard.whatsapp.WhatsAppSender;
import io.switchboard.whatsapp.WhatsAppStandIn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

/** The stand-ins over HTTP, called by the project's own senders; the webhooks they post checked by its verifiers. */
class ProviderStandInsTest {

    private static final String APP_SECRET = "local-app-secret";
    private static final String AUTH_TOKEN = "local-twilio-token";
    private static final String ACCOUNT = "AC3f2b8c9d0e1f4a5b6c7d8e9f0a1b2c3d";
    private static final String IG_ACCOUNT = "17841400000000001";

    /** A webhook the gateway received. */
    record Received(String path, Map<String, String> headers, byte[] body) {
    }

    private final List<Received> gatewayReceived = new CopyOnWriteArrayList<>();
    private HttpServer gateway;
    private ProviderStandIns standIns;
    private Map<String, String> values;

    @BeforeEach
    void start() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((n, v) -> headers.put(n.toLowerCase(Locale.ROOT), v.get(0)));
            gatewayReceived.add(new Received(exchange.getRequestURI().getPath(), headers,
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        gateway.start();
        String gatewayUrl = "http://127.0.0.1:" + gateway.getAddress().getPort();
        // What the functions receiving the webhooks would have: one app secret for every Meta product.
        Map<String, String> receivers = Map.of("WHATSAPP_APP_SECRET", APP_SECRET, "MESSENGER_APP_SECRET", APP_SECRET,
                "INSTAGRAM_APP_SECRET", APP_SECRET, TwilioVerifier.AUTH_TOKEN, AUTH_TOKEN);
        standIns = ProviderStandIns.start(0, new ProviderStandIns.Config(gatewayUrl, (path, name) -> receivers.get(name)),
                List.of(new WhatsAppStandIn(), new MessengerStandIn(Set.of(IG_ACCOUNT)), new TwilioStandIn(),
                        new SesStandIn()));
        values = new HashMap<>(standIns.senderSettings());
        values.putAll(Map.of(
                WhatsAppSender.ACCESS_TOKEN, "wa-token", MessengerSender.PAGE_ACCESS_TOKEN, "page-token",
                MessengerSender.INSTAGRAM_ACCESS_TOKEN, "ig-token", TwilioSmsSender.ACCOUNT_SID, ACCOUNT,
                TwilioVerifier.AUTH_TOKEN, AUTH_TOKEN, TwilioVerifier.PUBLIC_BASE_URL, gatewayUrl,
                "APP_SECRET", APP_SECRET));
    }

    @AfterEach
    void stop() {
        standIns.close();
        gateway.stop(0);
    }

    @Test
    void givenTheStandIns_whenAsked_thenTheirSettingsPointTheSendersHereAndTheirCredentialsAreDevelopmentValues() {
        assertEquals(Map.of(GraphApiClient.BASE_URL, standIns.baseUrl(), TwilioSmsSender.API_BASE_URL, standIns.baseUrl(),
                "AWS_ENDPOINT_URL_SESV2", standIns.baseUrl()), standIns.senderSettings());
        assertEquals(Set.of(WhatsAppSender.ACCESS_TOKEN, MessengerSender.PAGE_ACCESS_TOKEN,
                MessengerSender.INSTAGRAM_ACCESS_TOKEN, TwilioSmsSender.ACCOUNT_SID, "SUPPORT_EMAIL_ADDRESS"),
                standIns.senderCredentials().keySet());
        assertEquals(List.of("whatsapp", "messenger", "twilio", "ses"),
                standIns.all().stream().map(ProviderStandIns.StandIn::name).toList());
        Assertions.assertThrows(IllegalArgumentException.class, () -> standIns.standIn("carrier-pigeon"));
    }

    @Test
    void givenAWhatsAppReply_whenSent_thenAWamidIsAnsweredAndSignedStatusesSentDeliveredReadFollowInOrder()
            throws Exception {
        ConversationEntry quoted = ConversationEntry.builder(Channel.WHATSAPP, "wamid.customer").source("/whatsapp/1")
                .occurredAt(Instant.now()).text("hi").build();
        SendResult result = whatsapp().send(new OutboundMessage("cmd-1", Channel.WHATSAPP,
                new ReplyRoute("/whatsapp/109876543210123", "109876543210123", "15555550102"), "Hello", List.of(),
                quoted, null, null, null));

        String wamid = assertInstanceOf(SendResult.Sent.class, result).providerMessageId();
        assertTrue(wamid.startsWith("wamid."), wamid);
        SentRequest request = standIns.standIn("whatsapp").requests().get(0);
        assertEquals("/v21.0/109876543210123/messages", request.path());
        assertEquals("Bearer wa-token", request.header("Authorization"));
        assertEquals("15555550102", request.json().path("to").asText());
        assertEquals("Hello", request.json().path("text").path("body").asText());
        assertEquals("wamid.customer", request.json().path("context").path("message_id").asText());
        assertEquals(wamid, request.providerMessageId());

        assertTrue(standIns.awaitWebhooks(Duration.ofSeconds(10)));
        assertEquals(3, gatewayReceived.size());
        String[] expected = {"sent", "delivered", "read"};
        for (int i = 0; i < 3; i++) {
            Received webhook = gatewayReceived.get(i);
            assertEquals("/webhooks/whatsapp", webhook.path());
            verifyMeta(webhook);
            JsonNode status = Json.MAPPER.readTree(webhook.body()).path("entry").path(0).path("changes").path(0)
                    .path("value").path("statuses").path(0);
            assertEquals(wamid, status.path("id").asText());
            assertEquals(expected[i], status.path("status").asText());
            assertEquals("15555550102", status.path("recipient_id").asText());
            assertEquals(i < 2, status.has("pricing"));
            assertEquals(i < 2, status.has("conversation"));
        }
    }

    @Test
    void givenAMessengerReply_whenSent_thenEchoDeliveryAndReadArePostedSigned() throws Exception {
        SendResult result = messenger().send(new OutboundMessage("cmd-2", Channel.MESSENGER,
                new ReplyRoute("/messenger/108223764512345", "108223764512345", "6234567890123456"), "On its way",
                List.of(), null, null, null, null));

        String mid = assertInstanceOf(SendResult.Sent.class, result).providerMessageId();
        assertTrue(mid.startsWith("m_"), mid);
        assertEquals("RESPONSE", standIns.standIn("messenger").requests().get(0).json().path("messaging_type").asText());
        assertTrue(standIns.awaitWebhooks(Duration.ofSeconds(10)));
        assertEquals(3, gatewayReceived.size());
        gatewayReceived.forEach(webhook -> {
            assertEquals("/webhooks/messenger", webhook.path());
            verifyMeta(webhook);
        });
        JsonNode echo = event(gatewayReceived.get(0)).path("message");
        assertTrue(echo.path("is_echo").asBoolean());
        assertEquals(MessengerStandIn.APP_ID, echo.path("app_id").asLong());
        assertEquals(mid, echo.path("mid").asText());
        assertEquals("On its way", echo.path("text").asText());
        assertEquals(mid, event(gatewayReceived.get(1)).path("delivery").path("mids").path(0).asText());
        assertTrue(event(gatewayReceived.get(1)).path("delivery").has("watermark"));
        assertTrue(event(gatewayReceived.get(2)).path("read").has("watermark"));
    }

    @Test
    void givenAnInstagramAccount_whenSent_thenItsWebhooksGoToTheInstagramRoute() throws Exception {
        messenger().send(new OutboundMessage("cmd-3", Channel.INSTAGRAM,
                new ReplyRoute("/instagram/" + IG_ACCOUNT, IG_ACCOUNT, "987654"), "Hi", List.of(), null, null, null,
                null));
        assertTrue(standIns.awaitWebhooks(Duration.ofSeconds(10)));
        assertEquals("/webhooks/instagram", gatewayReceived.get(0).path());
        assertEquals("instagram", Json.MAPPER.readTree(gatewayReceived.get(0).body()).path("object").asText());
    }

    @Test
    void givenAnSms_whenSent_thenTheSidIsAnsweredAndSignedStatusCallbacksSentThenDeliveredReachTheStatusRoute()
            throws Exception {
        SendResult result = twilioSender().send(new OutboundMessage("cmd-4", Channel.SMS,
                new ReplyRoute("/twilio/" + ACCOUNT, "+14155550199", "+14155550100"), "Shipped", List.of(), null,
                null, null, null));

        String sid = assertInstanceOf(SendResult.Sent.class, result).providerMessageId();
        assertTrue(sid.matches("SM[0-9a-f]{32}"), sid);
        SentRequest request = standIns.standIn("twilio").requests().get(0);
        assertEquals(Optional.of("+14155550199"), request.formValue("From"));
        assertEquals(Optional.of("Shipped"), request.formValue("Body"));
        assertTrue(standIns.awaitWebhooks(Duration.ofSeconds(10)));
        assertEquals(2, gatewayReceived.size());
        TwilioVerifier verifier = new TwilioVerifier(secrets(), settings());
        String[] expected = {"sent", "delivered"};
        for (int i = 0; i < 2; i++) {
            Received callback = gatewayReceived.get(i);
            assertEquals("/webhooks/twilio/sms/status", callback.path());
            verifier.verify(new WebhookRequest("POST", callback.path(), callback.headers(), Map.of(), "",
                    callback.body()));
            String form = new String(callback.body(), StandardCharsets.UTF_8);
            assertTrue(form.contains("MessageStatus=" + expected[i]), form);
            assertTrue(form.contains("MessageSid=" + sid), form);
        }
    }

    @Test
    void givenTwilioCredentialsThatAreWrong_whenSent_thenTwilios20003() {
        values.put(TwilioVerifier.AUTH_TOKEN, "wrong");
        SendResult.Refused refused = assertInstanceOf(SendResult.Refused.class, twilioSender().send(
                new OutboundMessage("cmd-5", Channel.SMS, new ReplyRoute("/twilio/" + ACCOUNT, "+14155550199",
                        "+14155550100"), "Hi", List.of(), null, null, null, null)));
        assertEquals("20003", refused.code());
    }

    @Test
    void givenAnSesSendEmail_whenCalled_thenItAnswersAMessageIdAndRecordsTheMime() throws Exception {
        String mime = "From: support@shop.example.com\r\nTo: ann@example.com\r\nSubject: Re: Order\r\n"
                + "In-Reply-To: <c1@mail.example.com>\r\nReferences: <c1@mail.example.com>\r\n\r\nOn its way.\r\n";
        String body = Json.write(Map.of("Content", Map.of("Raw", Map.of("Data",
                Base64.getEncoder().encodeToString(mime.getBytes(StandardCharsets.UTF_8))))));

        HttpResponse<String> answer = post("/v2/email/outbound-emails", body, "application/json", Duration.ofSeconds(10));

        assertEquals(200, answer.statusCode());
        String id = Json.MAPPER.readTree(answer.body()).path("MessageId").asText();
        assertTrue(id.matches("0100[0-9a-f]{12}-[0-9a-f-]{36}-000000"), id);
        SentRequest request = standIns.standIn("ses").requests().get(0);
        ParsedEmail email = MimeEmailParser.parse(SesStandIn.rawMessage(request.json()));
        assertEquals("c1@mail.example.com", email.inReplyTo());
        assertEquals("Re: Order", email.subject());
        assertEquals(id, request.providerMessageId());
        assertTrue(standIns.awaitWebhooks(Duration.ofSeconds(10)));
        assertTrue(gatewayReceived.isEmpty());
    }

    @Test
    void givenTwoFaultsThenSuccess_whenSentThreeTimes_thenTwo503sThenASendAndEveryRequestRecorded() {
        standIns.standIn("whatsapp").failNext(2, 503, "{\"error\":{\"message\":\"Service unavailable\",\"code\":2}}");
        OutboundMessage message = new OutboundMessage("cmd-6", Channel.WHATSAPP,
                new ReplyRoute("/whatsapp/1", "1", "15555550102"), "Hello", List.of(), null, null, null, null);

        assertInstanceOf(SendResult.Transient.class, whatsapp().send(message));
        assertInstanceOf(SendResult.Transient.class, whatsapp().send(message));
        assertInstanceOf(SendResult.Sent.class, whatsapp().send(message));
        assertEquals(3, standIns.standIn("whatsapp").requests().size());
        assertEquals(null, standIns.standIn("whatsapp").requests().get(0).providerMessageId());
    }

    @Test
    void givenAHang_whenTheClientGivesUp_thenTheRequestIsRecordedAndTheNextIsAnswered() throws Exception {
        standIns.standIn("ses").hangNext();
        Assertions.assertThrows(HttpTimeoutException.class,
                () -> post("/v2/email/outbound-emails", "{}", "application/json", Duration.ofSeconds(1)));
        assertEquals(1, standIns.standIn("ses").requests().size());
        assertEquals(400, post("/v2/email/outbound-emails", "{}", "application/json", Duration.ofSeconds(10))
                .statusCode());
    }

    @Test
    void givenHeldStatuses_whenReleased_thenTheyArePostedOnlyThen() throws Exception {
        standIns.standIn("whatsapp").statusMode(ProviderStandIns.StatusMode.HELD);
        String wamid = ((SendResult.Sent) whatsapp().send(new OutboundMessage("cmd-7", Channel.WHATSAPP,
                new ReplyRoute("/whatsapp/1", "1", "15555550102"), "Hello", List.of(), null, null, null, null)))
                .providerMessageId();
        assertTrue(standIns.awaitWebhooks(Duration.ofSeconds(10)));
        assertTrue(gatewayReceived.isEmpty());
        assertEquals(Set.of(wamid), standIns.standIn("whatsapp").held());

        List<WebhookDelivery> released = standIns.standIn("whatsapp").release(wamid);

        assertEquals(List.of("sent", "delivered", "read"), released.stream().map(WebhookDelivery::status).toList());
        assertTrue(released.stream().allMatch(delivery -> delivery.answerStatus() == 200));
        assertEquals(3, gatewayReceived.size());
    }

    @Test
    void givenStatusesBeforeTheAnswer_whenSent_thenTheGatewayHasThemWhenTheSendReturns() {
        standIns.standIn("whatsapp").statusMode(ProviderStandIns.StatusMode.BEFORE_ANSWER);
        SendResult result = whatsapp().send(new OutboundMessage("cmd-8", Channel.WHATSAPP,
                new ReplyRoute("/whatsapp/1", "1", "15555550102"), "Hello", List.of(), null, null, null, null));
        assertInstanceOf(SendResult.Sent.class, result);
        assertEquals(3, gatewayReceived.size());
        assertNotNull(standIns.webhooks().get(2).at());
    }

    @Test
    void givenAnUnknownPathOrNoToken_whenCalled_then404Or401() throws Exception {
        assertEquals(404, post("/v1/other", "{}", "application/json", Duration.ofSeconds(10)).statusCode());
        HttpResponse<String> noToken = post("/v21.0/1/messages", "{\"messaging_product\":\"whatsapp\",\"to\":\"1\"}",
                "application/json", Duration.ofSeconds(10));
        assertEquals(401, noToken.statusCode());
        assertEquals(190, Json.MAPPER.readTree(noToken.body()).path("error").path("code").asInt());
    }

    private void verifyMeta(Received webhook) {
        HubSignature.verifier(secrets(), "APP_SECRET").verify(new WebhookRequest("POST", webhook.path(),
                webhook.headers(), Map.of(), "", webhook.body()));
    }

    private static JsonNode event(Received webhook) {
        try {
            return Json.MAPPER.readTree(webhook.body()).path("entry").path(0).path("messaging").path(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String path, String body, String contentType, Duration timeout)
            throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(standIns.baseUrl() + path))
                .timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Settings settings() {
        return name -> Optional.ofNullable(values.get(name));
    }

    private Secrets secrets() {
        return new Secrets(settings(), id -> "{}", Clock.systemUTC());
    }

    private WhatsAppSender whatsapp() {
        return new WhatsAppSender(new GraphApiClient(settings()), secrets(), settings());
    }

    private MessengerSender messenger() {
        return new MessengerSender(new GraphApiClient(settings()), secrets(), settings());
    }

    private TwilioSmsSender twilioSender() {
        return new TwilioSmsSender(secrets(), settings());
    }
}
