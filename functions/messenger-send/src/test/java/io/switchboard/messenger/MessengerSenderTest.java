package io.switchboard.messenger;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Against a stub Send API on 127.0.0.1 answering with Meta's documented shapes. */
class MessengerSenderTest {

    private static final String PAGE = "108223764512345";
    private static final String PSID = "6234567890123456";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final ReplyRoute ROUTE = new ReplyRoute("/messenger/" + PAGE, PAGE, PSID);

    private final ProviderStub graph = ProviderStub.start();
    private final Map<String, String> values = new HashMap<>(Map.of(GraphApiClient.BASE_URL, graph.baseUrl(),
            MessengerSender.PAGE_ACCESS_TOKEN, "EAAB-page-token", MessengerSender.INSTAGRAM_ACCESS_TOKEN,
            "{\"17841400000000001\": \"IGQ-token-1\", \"17841400000000002\": \"IGQ-token-2\"}"));

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void givenAReplyInsideTheWindow_whenSent_thenTheSendApiGetsARESPONSEAndTheMidIsTheId() throws Exception {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        ConversationEntry quoted = ConversationEntry.builder(Channel.MESSENGER, "m_customer1").source(ROUTE.source())
                .occurredAt(NOW).text("Where is it?").build();

        SendResult result = sender().send(message(Channel.MESSENGER, ROUTE, "It left this morning.", List.of(),
                quoted, null));

        assertEquals(new SendResult.Sent("m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"),
                result);
        ProviderStub.Request request = graph.requests().get(0);
        assertEquals("/v21.0/" + PAGE + "/messages", request.path());
        assertEquals("Bearer EAAB-page-token", request.header("Authorization"));
        JsonNode body = Json.MAPPER.readTree(request.body());
        assertEquals(PSID, body.path("recipient").path("id").asText());
        assertEquals("RESPONSE", body.path("messaging_type").asText());
        assertTrue(body.path("tag").isMissingNode());
        assertEquals("It left this morning.", body.path("message").path("text").asText());
        assertEquals("m_customer1", body.path("reply_to").path("mid").asText());
    }

    @Test
    void givenAHumanAgentTag_whenSent_thenMESSAGE_TAGWithTheTag() throws Exception {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        sender().send(message(Channel.MESSENGER, ROUTE, "Sorry for the wait.", List.of(), null, "HUMAN_AGENT"));
        JsonNode body = Json.MAPPER.readTree(graph.requests().get(0).body());
        assertEquals("MESSAGE_TAG", body.path("messaging_type").asText());
        assertEquals("HUMAN_AGENT", body.path("tag").asText());
    }

    @Test
    void givenAnImage_whenSent_thenAnAttachmentByUrl() throws Exception {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        Attachment image = new Attachment("image", "image/png", null, "https://files.example.com/a.png", null, null,
                null);
        sender().send(message(Channel.MESSENGER, ROUTE, null, List.of(image), null, null));
        JsonNode attachment = Json.MAPPER.readTree(graph.requests().get(0).body()).path("message").path("attachment");
        assertEquals("image", attachment.path("type").asText());
        assertEquals("https://files.example.com/a.png", attachment.path("payload").path("url").asText());
        assertTrue(attachment.path("payload").path("is_reusable").asBoolean());
    }

    @Test
    void givenTextAndAnAttachment_whenSent_thenRefusedWithoutCallingMeta() {
        Attachment file = new Attachment("file", "application/pdf", null, "https://files.example.com/a.pdf", null,
                null, null);
        SendResult result = sender().send(message(Channel.MESSENGER, ROUTE, "see file", List.of(file), null, null));
        assertEquals("unsupported_content", assertInstanceOf(SendResult.Refused.class, result).code());
        assertTrue(graph.requests().isEmpty());
    }

    @Test
    void givenAnInstagramReply_whenSent_thenTheAccountsOwnTokenFromTheJsonSetting() {
        graph.answerAlways(200, fixture("send-answer-ok.json"));
        ReplyRoute route = new ReplyRoute("/instagram/17841400000000002", "17841400000000002", "987654");
        assertInstanceOf(SendResult.Sent.class, sender().send(message(Channel.INSTAGRAM, route, "Hi", List.of(),
                null, null)));
        assertEquals("Bearer IGQ-token-2", graph.requests().get(0).header("Authorization"));
        assertEquals("/v21.0/17841400000000002/messages", graph.requests().get(0).path());
    }

    @Test
    void givenAnAccountWithoutToken_whenSent_thenRefusedAsNotConfigured() {
        ReplyRoute route = new ReplyRoute("/instagram/1", "1", "987654");
        SendResult result = sender().send(message(Channel.INSTAGRAM, route, "Hi", List.of(), null, null));
        assertEquals("not_configured", assertInstanceOf(SendResult.Refused.class, result).code());
        assertTrue(graph.requests().isEmpty());
    }

    @Test
    void givenMetaRefusesWith551_whenSent_thenRefusedWithThatCode() {
        graph.answerAlways(400, fixture("send-answer-error-551.json"));
        SendResult.Refused refused = assertInstanceOf(SendResult.Refused.class,
                sender().send(message(Channel.MESSENGER, ROUTE, "Hi", List.of(), null, null)));
        assertEquals("551", refused.code());
        assertEquals("this person is not available on Messenger right now", refused.reason());
    }

    @Test
    void givenMetaRefusesOutsideTheWindowWithCode10_whenSent_thenRefusedWithThatCode() {
        graph.answerAlways(400, fixture("send-answer-error-10.json"));
        assertEquals("10", assertInstanceOf(SendResult.Refused.class,
                sender().send(message(Channel.MESSENGER, ROUTE, "Hi", List.of(), null, null))).code());
    }

    @Test
    void givenA500ThenATimeout_whenSent_thenTransientThenUnknown() {
        graph.answerNext(500, "{\"error\":{\"message\":\"An unknown error occurred\",\"code\":1}}", Map.of())
                .hangNext();
        values.put("SEND_TIMEOUT_SECONDS", "1");
        assertInstanceOf(SendResult.Transient.class,
                sender().send(message(Channel.MESSENGER, ROUTE, "Hi", List.of(), null, null)));
        assertInstanceOf(SendResult.Unknown.class,
                sender().send(message(Channel.MESSENGER, ROUTE, "Hi", List.of(), null, null)));
        assertEquals(2, graph.requests().size());
    }

    @Test
    void givenACustomerOnTwoPages_whenRouted_thenThePageTheyLastWroteTo() {
        Customer customer = new Customer("c-1", null, List.of("messenger:111:aaa", "messenger:222:bbb",
                "instagram:333:ccc"), NOW, "/messenger/111", null);
        ConversationEntry latest = ConversationEntry.builder(Channel.MESSENGER, "m_1").source("/messenger/222")
                .occurredAt(NOW).text("hi").build();

        assertEquals(Optional.of(new ReplyRoute("/messenger/222", "222", "bbb")),
                sender().route(Channel.MESSENGER, customer, latest));
        assertEquals(Optional.of(new ReplyRoute("/messenger/111", "111", "aaa")),
                sender().route(Channel.MESSENGER, customer, null));
        assertEquals(Optional.of(new ReplyRoute("/instagram/333", "333", "ccc")),
                sender().route(Channel.INSTAGRAM, customer, null));
        assertTrue(sender().route(Channel.MESSENGER, new Customer("c-2", null, List.of("phone:+15555550100"), NOW,
                "/sms", null), null).isEmpty());
    }

    @Test
    void givenTheWindowRules_whenChecked_thenResponseHumanAgentOrRefused() {
        OutboundMessage reply = message(Channel.MESSENGER, ROUTE, "Hi", List.of(), null, null);
        assertEquals(WindowVerdict.OPEN, sender().window(reply, NOW.minus(Duration.ofHours(23)), NOW));
        WindowVerdict twoDays = sender().window(reply, NOW.minus(Duration.ofDays(2)), NOW);
        assertEquals("outside_customer_service_window", assertInstanceOf(WindowVerdict.Refused.class, twoDays).code());
        assertTrue(((WindowVerdict.Refused) twoDays).reason().contains("HUMAN_AGENT"));

        values.put(MessengerSender.HUMAN_AGENT_ENABLED, "true");
        assertEquals(new WindowVerdict.Allowed("HUMAN_AGENT"), sender().window(reply, NOW.minus(Duration.ofDays(2)), NOW));
        assertInstanceOf(WindowVerdict.Refused.class, sender().window(reply, NOW.minus(Duration.ofDays(8)), NOW));
        assertInstanceOf(WindowVerdict.Refused.class, sender().window(reply, null, NOW));
    }

    @Test
    void givenTheLimits_thenMessenger2000AndInstagram1000() {
        assertEquals(2000, sender().maxTextLength(Channel.MESSENGER));
        assertEquals(1000, sender().maxTextLength(Channel.INSTAGRAM));
    }

    private MessengerSender sender() {
        Settings settings = name -> Optional.ofNullable(values.get(name));
        return new MessengerSender(new GraphApiClient(settings), new Secrets(settings, id -> "{}", Clock.systemUTC()),
                settings);
    }

    private static OutboundMessage message(Channel channel, ReplyRoute route, String text, List<Attachment> attachments,
                                           ConversationEntry replyTo, String tag) {
        return new OutboundMessage("cmd-1", channel, route, text, attachments, replyTo, null, null, tag);
    }

    private static String fixture(String name) {
        return new String(Fixtures.messenger(name), StandardCharsets.UTF_8);
    }
}
