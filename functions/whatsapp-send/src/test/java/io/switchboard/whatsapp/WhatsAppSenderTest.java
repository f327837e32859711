package io.switchboard.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.SendResult;
import io.switchboard.core.outbound.WindowVerdict;
import io.switchboard.meta.GraphApiClient;
import io.switchboard.testing.ProviderStub;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a stub Cloud API on 127.0.0.1 answering with Meta's documented shapes. */
class WhatsAppSenderTest {

    private static final String PHONE_NUMBER_ID = "109876543210123";
    private static final String TOKEN = "EAAG-test-token";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final ReplyRoute ROUTE = new ReplyRoute("/whatsapp/" + PHONE_NUMBER_ID, PHONE_NUMBER_ID,
            "15555550102");

    private final ProviderStub graph = ProviderStub.start();
    private final Map<String, String> values = new HashMap<>(Map.of(
            GraphApiClient.BASE_URL, graph.baseUrl(), WhatsAppSender.ACCESS_TOKEN, TOKEN));

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void givenATextReplyToAnEntry_whenSent_thenTheCloudApiGetsTheDocumentedRequestAndTheWamidIsTheId() throws Exception {
        graph.answerAlways(200, fixture("send-answer-ok.json"));

        SendResult result = sender().send(message("Your order shipped: https://example.com/t/1", List.of(),
                inbound("wamid.customer1"), null));

        assertEquals(new SendResult.Sent("wamid.HBgLMTU1NTU1NTAxMDIVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"), result);
        ProviderStub.Request request = graph.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/v21.0/" + PHONE_NUMBER_ID + "/messages", request.path());
        assertEquals("Bearer " + TOKEN, request.header("Authorization"));
        assertTrue(request.header("Content-Type").startsWith("application/json"));
        JsonNode body = Json.MAPPER.readTree(request.body());
        assertEquals("whatsapp", body.path("messaging_product").asText());
        assertEquals("individual", body.path("recipient_type").asText());
        assertEquals("15555550102", body.path("to").asText());
        assertEquals("text", body.path("type").asText());
        assertEquals("Your order shipped: https://example.com/t/1", body.path("text").path("body").asText());
        assertTrue(body.path("text").path("preview_url").asBoolean());
        assertEquals("wamid.customer1", body.path("context").path("message_id").asText());
    }

    @Test
    void givenATemplate_whenSent_thenItGoesAsGivenWithoutContext() throws Exception {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        Map<String, Object> template = Map.of("name", "order_update", "language", Map.of("code", "en_US"));
        OutboundMessage message = new OutboundMessage("cmd-1", Channel.WHATSAPP, ROUTE, null, List.of(), null, null,
                template, null);

        assertInstanceOf(SendResult.Sent.class, sender().send(message));

        JsonNode body = Json.MAPPER.readTree(graph.requests().get(0).body());
        assertEquals("template", body.path("type").asText());
        assertEquals("order_update", body.path("template").path("name").asText());
        assertEquals("en_US", body.path("template").path("language").path("code").asText());
        assertTrue(body.path("context").isMissingNode());
    }

    @Test
    void givenADocumentWithText_whenSent_thenItGoesByLinkWithCaptionAndFilename() throws Exception {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        Attachment pdf = new Attachment("document", "application/pdf", null, "https://files.example.com/i.pdf",
                "invoice.pdf", null, null);

        sender().send(message("Your invoice", List.of(pdf), null, null));

        JsonNode body = Json.MAPPER.readTree(graph.requests().get(0).body());
        assertEquals("document", body.path("type").asText());
        assertEquals("https://files.example.com/i.pdf", body.path("document").path("link").asText());
        assertEquals("Your invoice", body.path("document").path("caption").asText());
        assertEquals("invoice.pdf", body.path("document").path("filename").asText());
    }

    @Test
    void givenAnImageByMimeType_whenTheBodyIsBuilt_thenItIsAnImageMessage() {
        Attachment photo = new Attachment("file", "image/jpeg", null, "https://files.example.com/p.jpg", null,
                "the parcel", null);
        Map<String, Object> body = WhatsAppSender.body(message(null, List.of(photo), null, null));
        assertEquals("image", body.get("type"));
        assertEquals(Map.of("link", "https://files.example.com/p.jpg", "caption", "the parcel"), body.get("image"));
    }

    @Test
    void givenMetaRefusesWith131026_whenSent_thenRefusedWithTheCodeAndAPlainReason() {
        graph.answerAlways(400, fixture("send-answer-error-131026.json"));

        SendResult result = sender().send(message("Hello", List.of(), null, null));

        SendResult.Refused refused = assertInstanceOf(SendResult.Refused.class, result);
        assertEquals("131026", refused.code());
        assertTrue(refused.reason().contains("could not deliver"), refused.reason());
    }

    @Test
    void givenMetaThrottlesWith130429OnA400_whenSent_thenTransient() {
        graph.answerAlways(400, fixture("send-answer-error-130429.json"));
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hello", List.of(), null, null)));
    }

    @Test
    void givenA503_whenSent_thenTransient() {
        graph.answerAlways(503, "{\"error\":{\"message\":\"Service temporarily unavailable\",\"code\":2}}");
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hello", List.of(), null, null)));
    }

    @Test
    void givenMetaNeverAnswers_whenTheSendTimesOut_thenUnknownAndNotRetried() {
        graph.hangNext();
        values.put("SEND_TIMEOUT_SECONDS", "1");

        SendResult result = sender().send(message("Hello", List.of(), null, null));

        assertInstanceOf(SendResult.Unknown.class, result);
        assertEquals(1, graph.requests().size());
    }

    @Test
    void givenNothingListens_whenSent_thenTransient() {
        ProviderStub closed = ProviderStub.start();
        String url = closed.baseUrl();
        closed.close();
        values.put(GraphApiClient.BASE_URL, url);
        assertInstanceOf(SendResult.Transient.class, sender().send(message("Hello", List.of(), null, null)));
    }

    @Test
    void givenABaseUrlThatEndsWithAVersion_whenSent_thenItIsUsedAsIs() {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        values.put(GraphApiClient.BASE_URL, graph.baseUrl() + "/v19.0/");
        values.put(GraphApiClient.VERSION, "v23.0");
        sender().send(message("Hello", List.of(), null, null));
        assertEquals("/v19.0/" + PHONE_NUMBER_ID + "/messages", graph.requests().get(0).path());
    }

    @Test
    void givenAVersionSetting_whenSent_thenItIsInThePath() {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        values.put(GraphApiClient.VERSION, "v23.0");
        sender().send(message("Hello", List.of(), null, null));
        assertEquals("/v23.0/" + PHONE_NUMBER_ID + "/messages", graph.requests().get(0).path());
    }

    @Test
    void givenACustomerWhoWroteToANumber_whenRouted_thenThatNumberSendsToTheirWaId() {
        Customer customer = customer("phone:+15555550102");
        ConversationEntry latest = ConversationEntry.builder(Channel.WHATSAPP, "wamid.in")
                .source("/whatsapp/222").occurredAt(NOW).text("hi").build();

        assertEquals(Optional.of(new ReplyRoute("/whatsapp/222", "222", "15555550102")),
                sender().route(Channel.WHATSAPP, customer, latest));
    }

    @Test
    void givenACustomerWhoNeverWroteOnWhatsApp_whenRouted_thenTheConfiguredNumberOrNone() {
        Customer customer = customer("phone:+15555550102");
        assertEquals("", sender().route(Channel.WHATSAPP, customer, null).orElseThrow().account());
        values.put(WhatsAppSender.PHONE_NUMBER_ID, "333");
        assertEquals("333", sender().route(Channel.WHATSAPP, customer, null).orElseThrow().account());
    }

    @Test
    void givenNoPhoneIdentity_whenRouted_thenNoRoute() {
        assertTrue(sender().route(Channel.WHATSAPP, customer("email:ann@example.com"), null).isEmpty());
    }

    @Test
    void givenNoPhoneNumberId_whenSent_thenRefusedWithoutCallingMeta() {
        OutboundMessage message = new OutboundMessage("cmd-1", Channel.WHATSAPP, new ReplyRoute("/whatsapp/", "",
                "15555550102"), "Hello", List.of(), null, null, null, null);
        assertEquals("not_configured", assertInstanceOf(SendResult.Refused.class, sender().send(message)).code());
        assertTrue(graph.requests().isEmpty());
    }

    @Test
    void givenTheCustomerWrote23HoursAgo_whenFreeTextIsChecked_thenAllowed() {
        assertEquals(WindowVerdict.OPEN, sender().window(message("Hi", List.of(), null, null),
                NOW.minus(Duration.ofHours(23)), NOW));
    }

    @Test
    void givenTheCustomerWrote26HoursAgoOrNever_whenFreeTextIsChecked_thenRefusedButATemplateIsAllowed() {
        WindowVerdict late = sender().window(message("Hi", List.of(), null, null), NOW.minus(Duration.ofHours(26)), NOW);
        assertEquals("outside_customer_service_window", assertInstanceOf(WindowVerdict.Refused.class, late).code());
        assertTrue(((WindowVerdict.Refused) late).reason().contains("template"));
        assertInstanceOf(WindowVerdict.Refused.class, sender().window(message("Hi", List.of(), null, null), null, NOW));
        OutboundMessage template = new OutboundMessage("cmd-2", Channel.WHATSAPP, ROUTE, null, List.of(), null, null,
                Map.of("name", "order_update"), null);
        assertEquals(WindowVerdict.OPEN, sender().window(template, NOW.minus(Duration.ofHours(26)), NOW));
    }

    @Test
    void givenTheSender_thenItAnswersOnWhatsAppWith4096Characters() {
        assertEquals(java.util.Set.of(Channel.WHATSAPP), sender().channels());
        assertEquals(4096, sender().maxTextLength(Channel.WHATSAPP));
        assertFalse(sender().channels().contains(Channel.SMS));
    }

    private WhatsAppSender sender() {
        Settings settings = name -> Optional.ofNullable(values.get(name));
        return new WhatsAppSender(new GraphApiClient(settings),
                new Secrets(settings, id -> "{}", Clock.systemUTC()), settings);
    }

    private static OutboundMessage message(String text, List<Attachment> attachments, ConversationEntry replyTo,
                                           String tag) {
        return new OutboundMessage("cmd-1", Channel.WHATSAPP, ROUTE, text, attachments, replyTo, null, null, tag);
    }

    private static ConversationEntry inbound(String wamid) {
        return ConversationEntry.builder(Channel.WHATSAPP, wamid).source(ROUTE.source()).occurredAt(NOW)
                .text("Where is my order?").build();
    }

    private static Customer customer(String... identities) {
        return new Customer("c-1", "Ann", List.of(identities), NOW, "/whatsapp/" + PHONE_NUMBER_ID, null);
    }

    private static String fixture(String name) {
        return new String(Fixtures.bytes(name), StandardCharsets.UTF_8);
    }
}
