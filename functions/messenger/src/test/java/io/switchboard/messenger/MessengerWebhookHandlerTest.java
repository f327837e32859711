package io.switchboard.messenger;

import io.switchboard.core.testing.InMemoryConversationLog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.Identity;
import io.switchboard.meta.HubSignature;
import io.switchboard.meta.MetaIdentities;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessengerWebhookHandlerTest {

    static final String MESSENGER_SECRET = "test-messenger-secret-1a2b";
    static final String INSTAGRAM_SECRET = "test-instagram-secret-3c4d";
    static final String WHATSAPP_SECRET = "test-whatsapp-secret-5e6f";
    static final String MESSENGER_TOKEN = "test-messenger-verify";
    static final String INSTAGRAM_TOKEN = "test-instagram-verify";
    static final String MESSENGER_PATH = "/webhooks/messenger";
    static final String INSTAGRAM_PATH = "/webhooks/instagram";
    static final Identity ANN = MetaIdentities.messenger("108223764512345", "6234567890123456");
    static final Identity IG_ANN = MetaIdentities.instagram("17841400000000001", "5432109876543210");

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final MessengerWebhookHandler handler = new MessengerWebhookHandler(Contexts.with(Settings.of(Map.of(
            "MESSENGER_APP_SECRET", MESSENGER_SECRET,
            "MESSENGER_VERIFY_TOKEN", MESSENGER_TOKEN,
            "INSTAGRAM_APP_SECRET", INSTAGRAM_SECRET,
            "INSTAGRAM_VERIFY_TOKEN", INSTAGRAM_TOKEN,
            "WHATSAPP_APP_SECRET", WHATSAPP_SECRET)), directory, log));

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    // ---------------------------------------------------------------- signatures

    @Test
    void messengerBodySignedWithTheMessengerSecret_isStoredAndAnswered200() {
        // given
        byte[] body = Fixtures.messenger("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, body, HubSignature.sign(body, MESSENGER_SECRET));
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals("EVENT_RECEIVED", response.getBody());
        assertEquals(1, log.all().size());
        assertTrue(directory.find(ANN).isPresent());
    }

    @Test
    void instagramBodySignedWithTheInstagramSecret_isStored() {
        // given
        byte[] body = Fixtures.instagram("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = post(INSTAGRAM_PATH, body, HubSignature.sign(body, INSTAGRAM_SECRET));
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals(Channel.INSTAGRAM, log.all().get(0).channel());
        assertTrue(directory.find(IG_ANN).isPresent());
    }

    @Test
    void bodySignedWithTheWhatsAppSecret_is401AndStoresNothing() {
        // given a Messenger body signed with another Meta app's secret (the WhatsApp one, configured in the same cloud)
        byte[] body = Fixtures.messenger("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, body, HubSignature.sign(body, WHATSAPP_SECRET));
        // then
        assertEquals(401, response.getStatusCode());
        assertEquals("invalid signature", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void messengerBodySignedWithTheInstagramSecret_is401AndStoresNothing() {
        // given
        byte[] body = Fixtures.messenger("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, body, HubSignature.sign(body, INSTAGRAM_SECRET));
        // then
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void instagramBodySignedWithTheMessengerSecret_is401AndStoresNothing() {
        // given
        byte[] body = Fixtures.instagram("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = post(INSTAGRAM_PATH, body, HubSignature.sign(body, MESSENGER_SECRET));
        // then
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void missingSignature_is401AndStoresNothing() {
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, Fixtures.messenger("text_message.json"), null);
        // then
        assertEquals(401, response.getStatusCode());
        assertEquals("missing signature", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void tamperedBody_is401AndStoresNothing() {
        // given a signature over the original body, and a body changed after signing
        byte[] original = Fixtures.messenger("text_message.json");
        String signature = HubSignature.sign(original, MESSENGER_SECRET);
        byte[] tampered = new String(original, StandardCharsets.UTF_8).replace("4417", "4418")
                .getBytes(StandardCharsets.UTF_8);
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, tampered, signature);
        // then
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- bad bodies

    @Test
    void signedMalformedJson_is400AndStoresNothing() {
        // given
        byte[] body = "{\"object\": \"page\", \"entry\": [".getBytes(StandardCharsets.UTF_8);
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, body, HubSignature.sign(body, MESSENGER_SECRET));
        // then
        assertEquals(400, response.getStatusCode());
        assertEquals("malformed JSON", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void signedInstagramObjectOnTheMessengerPath_is400AndStoresNothing() {
        // given an Instagram body, correctly signed with the Messenger secret, sent to the Messenger URL
        byte[] body = Fixtures.instagram("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, body, HubSignature.sign(body, MESSENGER_SECRET));
        // then
        assertEquals(400, response.getStatusCode());
        assertEquals("object is not page", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void signedPageObjectOnTheInstagramPath_is400AndStoresNothing() {
        // given
        byte[] body = Fixtures.messenger("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = post(INSTAGRAM_PATH, body, HubSignature.sign(body, INSTAGRAM_SECRET));
        // then
        assertEquals(400, response.getStatusCode());
        assertEquals("object is not instagram", response.getBody());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- what is stored

    @Test
    void textEchoDeliveryAndRead_leaveOneCustomerWithAnInboundAndAReadOutboundEntry() {
        // given a customer's message, then the page's reply (echo), then the receipts
        for (String fixture : List.of("text_message.json", "echo_text.json", "delivery.json", "read.json")) {
            byte[] body = Fixtures.messenger(fixture);
            // when
            APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, body, HubSignature.sign(body, MESSENGER_SECRET));
            assertEquals(200, response.getStatusCode(), fixture);
        }
        // then
        assertEquals(1, directory.customerCount(), "the page never becomes a customer");
        List<ConversationEntry> entries = log.all();
        assertEquals(List.of(Direction.INBOUND, Direction.OUTBOUND), entries.stream().map(ConversationEntry::direction).toList());
        assertEquals(DeliveryStatus.READ, log.byProviderMessageId(Channel.MESSENGER, "m_echo0001").status());
        assertNull(entries.get(0).status(), "receipts are about what the page sent");
    }

    @Test
    void editOfAStoredMessage_replacesItsText() {
        // given
        byte[] text = Fixtures.messenger("text_message.json");
        post(MESSENGER_PATH, text, HubSignature.sign(text, MESSENGER_SECRET));
        byte[] edit = Fixtures.messenger("message_edit.json");
        // when
        APIGatewayV2HTTPResponse response = post(MESSENGER_PATH, edit, HubSignature.sign(edit, MESSENGER_SECRET));
        // then
        assertEquals(200, response.getStatusCode());
        ConversationEntry entry = log.all().get(0);
        assertEquals(1, log.all().size());
        assertEquals("Hi, is my order 4418 on its way?", entry.text());
        assertEquals(true, entry.details().get("edited"));
    }

    @Test
    void batch_storesEveryEventOfEveryEntry_andARetryChangesNothing() {
        // given
        byte[] body = Fixtures.messenger("batch_mixed.json");
        String signature = HubSignature.sign(body, MESSENGER_SECRET);
        // when
        APIGatewayV2HTTPResponse first = post(MESSENGER_PATH, body, signature);
        List<ConversationEntry> stored = log.all();
        APIGatewayV2HTTPResponse retry = post(MESSENGER_PATH, body, signature);
        // then
        assertEquals(200, first.getStatusCode());
        assertEquals(200, retry.getStatusCode());
        assertEquals(2, directory.customerCount());
        assertEquals(5, stored.size(), "2 texts, 1 echo, 1 postback, 1 reaction");
        assertEquals(DeliveryStatus.READ, log.byProviderMessageId(Channel.MESSENGER, "m_batch_echo1").status());
        assertEquals(Set.copyOf(stored), Set.copyOf(log.all()));
    }

    // ---------------------------------------------------------------- handshake, methods, paths

    @Test
    void handshakeOnEachPath_echoesTheChallengeForThatPathsToken() {
        // when
        APIGatewayV2HTTPResponse messenger = get(MESSENGER_PATH, MESSENGER_TOKEN);
        APIGatewayV2HTTPResponse instagram = get(INSTAGRAM_PATH, INSTAGRAM_TOKEN);
        // then
        assertEquals(200, messenger.getStatusCode());
        assertEquals("1158201444", messenger.getBody());
        assertEquals(200, instagram.getStatusCode());
        assertEquals("1158201444", instagram.getBody());
    }

    @Test
    void handshakeWithTheOtherPathsToken_is403() {
        // when
        APIGatewayV2HTTPResponse response = get(MESSENGER_PATH, INSTAGRAM_TOKEN);
        // then
        assertEquals(403, response.getStatusCode());
        assertFalse(response.getBody().contains("1158201444"));
    }

    @Test
    void otherMethod_is405_andUnknownPath_is404() {
        assertEquals(405, handler.handleRequest(event("PUT", MESSENGER_PATH, new byte[0], Map.of(), null), null)
                .getStatusCode());
        assertEquals(404, handler.handleRequest(event("POST", "/webhooks/telegram", new byte[0], Map.of(), null), null)
                .getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- helpers

    private void assertNothingRecorded() {
        assertTrue(log.all().isEmpty(), "nothing may be logged");
        assertEquals(0, directory.customerCount(), "no customer may be created");
    }

    private APIGatewayV2HTTPResponse post(String path, byte[] body, String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        return handler.handleRequest(event("POST", path, body, headers, null), null);
    }

    private APIGatewayV2HTTPResponse get(String path, String token) {
        return handler.handleRequest(event("GET", path, null, Map.of(),
                Map.of("hub.mode", "subscribe", "hub.verify_token", token, "hub.challenge", "1158201444")), null);
    }

    static APIGatewayV2HTTPEvent event(String method, String path, byte[] body, Map<String, String> headers,
                                       Map<String, String> query) {
        return io.switchboard.core.testing.ApiGatewayEvents.request(method, path, headers, query,
                body == null ? null : new String(body, StandardCharsets.UTF_8), false);
    }
}
