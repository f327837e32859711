package io.switchboard.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.meta.HubSignature;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WhatsAppWebhookHandlerTest {

    static final String APP_SECRET = "test-app-secret-0b1c2d3e";
    static final String VERIFY_TOKEN = "test-verify-token";
    static final String PATH = "/webhooks/whatsapp";

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private WhatsAppWebhookHandler handler = handler(Map.of(
            WhatsAppWebhookHandler.APP_SECRET, APP_SECRET,
            WhatsAppWebhookHandler.VERIFY_TOKEN, VERIFY_TOKEN));

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    // ---------------------------------------------------------------- signature

    @Test
    void validSignature_storesTheMessageAndAnswers200() {
        // given a body signed with the app secret
        byte[] body = Fixtures.bytes("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(body, HubSignature.sign(body, APP_SECRET)), null);
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals("EVENT_RECEIVED", response.getBody());
        List<ConversationEntry> entries = log.all();
        assertEquals(1, entries.size());
        assertEquals("Hi, is my order 4417 on its way?", entries.get(0).text());
        assertEquals("Ann Example", directory.find(Identity.phone("15555550101")).orElseThrow().displayName());
    }

    @Test
    void missingSignatureHeader_is401AndStoresNothing() {
        // given a body sent without X-Hub-Signature-256
        byte[] body = Fixtures.bytes("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(body, null), null);
        // then
        assertEquals(401, response.getStatusCode());
        assertEquals("missing signature", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void signatureMadeWithAnotherSecret_is401AndStoresNothing() {
        // given
        byte[] body = Fixtures.bytes("text_message.json");
        // when
        APIGatewayV2HTTPResponse response =
                handler.handleRequest(post(body, HubSignature.sign(body, "someone-elses-secret")), null);
        // then
        assertEquals(401, response.getStatusCode());
        assertEquals("invalid signature", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void tamperedBody_is401AndStoresNothing() {
        // given a signature over the original body, and a body changed after signing
        byte[] original = Fixtures.bytes("text_message.json");
        String signature = HubSignature.sign(original, APP_SECRET);
        byte[] tampered = new String(original, StandardCharsets.UTF_8)
                .replace("on its way?", "refunded?").getBytes(StandardCharsets.UTF_8);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(tampered, signature), null);
        // then
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void reserialisedBody_is401BecauseTheSignatureCoversTheRawBytes() throws Exception {
        // given the same JSON document, reformatted (what a framework that parses before verifying would check)
        byte[] original = Fixtures.bytes("text_message.json");
        String signature = HubSignature.sign(original, APP_SECRET);
        byte[] reserialised = Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(original));
        assertEquals(Json.MAPPER.readTree(original), Json.MAPPER.readTree(reserialised));
        assertNotEquals(new String(original, StandardCharsets.UTF_8), new String(reserialised, StandardCharsets.UTF_8));
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(reserialised, signature), null);
        // then
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void signatureWithUppercaseHeaderName_isStillFound() {
        // given API Gateway passing the header as the client spelled it
        byte[] body = Fixtures.bytes("text_message.json");
        Map<String, String> headers = Map.of("X-Hub-Signature-256", HubSignature.sign(body, APP_SECRET));
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("POST", body, headers, null, false), null);
        // then
        assertEquals(200, response.getStatusCode());
    }

    @Test
    void base64EncodedBody_isVerifiedOverTheDecodedBytes() {
        // given API Gateway delivering the body base64-encoded
        byte[] body = Fixtures.bytes("image_message.json");
        Map<String, String> headers = Map.of(HubSignature.HEADER, HubSignature.sign(body, APP_SECRET));
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                event("POST", Base64.getEncoder().encode(body), headers, null, true), null);
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals(EntryKind.MESSAGE, log.all().get(0).kind());
    }

    // ---------------------------------------------------------------- bad bodies

    @Test
    void signedMalformedJson_is400AndStoresNothing() {
        // given
        byte[] body = "{\"object\": \"whatsapp_business_account\", \"entry\": [".getBytes(StandardCharsets.UTF_8);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(body, HubSignature.sign(body, APP_SECRET)), null);
        // then
        assertEquals(400, response.getStatusCode());
        assertEquals("malformed JSON", response.getBody());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- charsets (signed bytes that are not UTF-8)

    @Test
    void givenABodyInTheLatin1ItDeclares_whenTheGatewayHandsItOverAsText_thenItsSignatureHoldsAndTheTextIsStored() {
        // given a body in ISO-8859-1, as its Content-Type says, signed over those bytes; API Gateway hands a JSON body
        // to the function as a string decoded by the declared charset
        byte[] latin1 = latin1Body();
        APIGatewayV2HTTPEvent event = post(latin1, HubSignature.sign(latin1, APP_SECRET),
                "application/json; charset=ISO-8859-1", new String(latin1, StandardCharsets.ISO_8859_1), false);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        // then it is stored, its text decoded by the declared charset
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("Hi, is my order 4417 en route? Merci, Ren\u00e9", log.all().get(0).text());
    }

    @Test
    void givenABodyInTheLatin1ItDeclares_whenItArrivesBase64Encoded_thenTheTextIsStoredDecodedByThatCharset() {
        // given
        byte[] latin1 = latin1Body();
        APIGatewayV2HTTPEvent event = post(latin1, HubSignature.sign(latin1, APP_SECRET),
                "application/json; charset=iso-8859-1", Base64.getEncoder().encodeToString(latin1), true);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        // then
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("Hi, is my order 4417 en route? Merci, Ren\u00e9", log.all().get(0).text());
    }

    @Test
    void givenASignedBodyWithAnInvalidUtf8Byte_whenItArrivesBase64Encoded_thenItIs400SayingSoAndStoresNothing() {
        // given UTF-8 JSON with one Latin-1 byte in it (0xE9: no valid UTF-8 sequence), correctly signed
        byte[] body = latin1Body();
        APIGatewayV2HTTPEvent event = post(body, HubSignature.sign(body, APP_SECRET), "application/json",
                Base64.getEncoder().encodeToString(body), true);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        // then a decoding fault, not a bad signature
        assertEquals(400, response.getStatusCode());
        assertEquals("body is not valid UTF-8 text", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void givenASignedBodyWithAnInvalidUtf8Byte_whenTheGatewayReplacedItInTheText_thenItIs400NotABadSignature() {
        // given the same body, handed over as text by a gateway that replaced the undecodable byte with U+FFFD
        byte[] body = latin1Body();
        APIGatewayV2HTTPEvent event = post(body, HubSignature.sign(body, APP_SECRET), "application/json",
                new String(body, StandardCharsets.UTF_8), false);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        // then the bytes it was signed over are gone: refused as undecodable, not as forged
        assertEquals(400, response.getStatusCode());
        assertTrue(response.getBody().startsWith("body is not valid text in its charset"), response.getBody());
        assertNothingRecorded();
    }

    @Test
    void givenASignedBodyDeclaringAnUnknownCharset_whenPosted_thenItIs400AndStoresNothing() {
        // given
        byte[] body = Fixtures.bytes("text_message.json");
        APIGatewayV2HTTPEvent event = post(body, HubSignature.sign(body, APP_SECRET),
                "application/json; charset=x-no-such-charset", Base64.getEncoder().encodeToString(body), true);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        // then
        assertEquals(400, response.getStatusCode());
        assertEquals("unsupported charset in Content-Type", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void givenATextBodyWithReplacementCharacters_whenItsSignatureIsMissing_thenItIsStill401() {
        // given
        byte[] body = latin1Body();
        APIGatewayV2HTTPEvent event = post(body, null, "application/json", new String(body, StandardCharsets.UTF_8),
                false);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        // then
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    /** The text_message fixture with a message ending in "René", all in ISO-8859-1 (é is the one byte 0xE9). */
    private static byte[] latin1Body() {
        return new String(Fixtures.bytes("text_message.json"), StandardCharsets.UTF_8)
                .replace("on its way?", "en route? Merci, Ren\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void signedBatchWithOneBadMessage_is400AndStoresNone() {
        // given a good message followed by one without a sender
        byte[] body = WhatsAppPayloadParserTest.messageBody("""
                {"from": "15555550101", "id": "wamid.good", "timestamp": "1763805600", "type": "text",
                 "text": {"body": "fine"}},
                {"id": "wamid.bad", "timestamp": "1763805601", "type": "text", "text": {"body": "who?"}}""")
                .getBytes(StandardCharsets.UTF_8);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(body, HubSignature.sign(body, APP_SECRET)), null);
        // then
        assertEquals(400, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void signedPayloadOfAnotherObject_is400AndStoresNothing() {
        // given a Messenger-style body signed correctly but sent to the WhatsApp URL
        byte[] body = "{\"object\": \"page\", \"entry\": []}".getBytes(StandardCharsets.UTF_8);
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(body, HubSignature.sign(body, APP_SECRET)), null);
        // then
        assertEquals(400, response.getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- batches, retries, statuses

    @Test
    void batch_storesEveryMessageAndStatus() {
        // given
        byte[] body = Fixtures.bytes("batch_multiple_entries.json");
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(body, HubSignature.sign(body, APP_SECRET)), null);
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals(3, inbound().size());
        // statuses of messages this log never saw leave outbound entries, moved forward to the latest status
        assertEquals(Map.of("wamid.HBgLMTU1NTU1NTAxMDMVAgASGBQ0MDFFREI3MzY0NjE0NDQxQUVDRgA=", DeliveryStatus.READ,
                        "wamid.HBgLMTU1NTU1NTAxMDQVAgASGBQ4QTYwRENCOTE1QThDODU5RkE0MgA=", DeliveryStatus.SENT),
                log.all().stream().filter(entry -> entry.direction() == Direction.OUTBOUND)
                        .collect(Collectors.toMap(ConversationEntry::providerMessageId, ConversationEntry::status)));
    }

    @Test
    void retriedDelivery_createsNothingNew() {
        // given a delivery Meta sends twice
        byte[] body = Fixtures.bytes("batch_multiple_entries.json");
        String signature = HubSignature.sign(body, APP_SECRET);
        handler.handleRequest(post(body, signature), null);
        List<ConversationEntry> stored = log.all();
        int customers = directory.customerCount();
        // when
        APIGatewayV2HTTPResponse retry = handler.handleRequest(post(body, signature), null);
        // then
        assertEquals(200, retry.getStatusCode());
        assertEquals(Set.copyOf(stored), Set.copyOf(log.all()));
        assertEquals(customers, directory.customerCount());
    }

    @Test
    void changedNumber_linksTheNewNumberToTheSameCustomer() {
        // given Ann is known by her old number
        byte[] first = Fixtures.bytes("text_message.json");
        handler.handleRequest(post(first, HubSignature.sign(first, APP_SECRET)), null);
        byte[] changed = Fixtures.bytes("user_changed_number.json");
        // when
        APIGatewayV2HTTPResponse response =
                handler.handleRequest(post(changed, HubSignature.sign(changed, APP_SECRET)), null);
        // then
        assertEquals(200, response.getStatusCode());
        String ann = directory.find(Identity.phone("15555550101")).orElseThrow().id();
        assertEquals(ann, directory.find(Identity.phone("15555550142")).orElseThrow().id());
        assertEquals(1, directory.customerCount());
        assertEquals(EntryKind.SYSTEM, log.history(ann, 10).get(1).kind());
    }

    // ---------------------------------------------------------------- handshake and methods

    @Test
    void handshakeWithTheRightToken_echoesTheChallenge() {
        // given
        Map<String, String> query = Map.of("hub.mode", "subscribe", "hub.verify_token", VERIFY_TOKEN,
                "hub.challenge", "1158201444");
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("GET", null, Map.of(), query, false), null);
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals("1158201444", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void handshakeWithAWrongToken_is403() {
        // given
        Map<String, String> query = Map.of("hub.mode", "subscribe", "hub.verify_token", "guess",
                "hub.challenge", "1158201444");
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("GET", null, Map.of(), query, false), null);
        // then
        assertEquals(403, response.getStatusCode());
        assertFalse(response.getBody().contains("1158201444"));
    }

    @Test
    void otherMethod_is405() {
        // when
        APIGatewayV2HTTPResponse response =
                handler.handleRequest(event("PUT", new byte[0], Map.of(), null, false), null);
        // then
        assertEquals(405, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void unconfiguredAppSecret_is500SoMetaRetries() {
        // given a deployment without WHATSAPP_APP_SECRET
        handler.close();
        handler = handler(Map.of(WhatsAppWebhookHandler.VERIFY_TOKEN, VERIFY_TOKEN));
        byte[] body = Fixtures.bytes("text_message.json");
        // when
        APIGatewayV2HTTPResponse response = handler.handleRequest(post(body, HubSignature.sign(body, APP_SECRET)), null);
        // then
        assertEquals(500, response.getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- helpers

    private WhatsAppWebhookHandler handler(Map<String, String> settings) {
        return new WhatsAppWebhookHandler(Contexts.with(Settings.of(settings), directory, log));
    }

    private void assertNothingRecorded() {
        assertTrue(log.all().isEmpty(), "nothing may be logged");
        assertEquals(0, directory.customerCount(), "no customer may be created");
    }

    private List<ConversationEntry> inbound() {
        return log.all().stream().filter(entry -> entry.direction() == Direction.INBOUND).toList();
    }

    private static APIGatewayV2HTTPEvent post(byte[] body, String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        if (signature != null) {
            headers.put(HubSignature.HEADER, signature);
        }
        return event("POST", body, headers, null, false);
    }

    /** A POST of this Content-Type whose body API Gateway passes as given (text, or base64 when {@code base64}). */
    private static APIGatewayV2HTTPEvent post(byte[] body, String signature, String contentType, String eventBody,
                                              boolean base64) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", contentType);
        if (signature != null) {
            headers.put(HubSignature.HEADER, signature);
        }
        return io.switchboard.core.testing.ApiGatewayEvents.request("POST", PATH, headers, null, eventBody, base64);
    }

    private static APIGatewayV2HTTPEvent event(String method, byte[] body, Map<String, String> headers,
                                               Map<String, String> query, boolean base64) {
        return io.switchboard.core.testing.ApiGatewayEvents.request(method, PATH, headers, query,
                body == null ? null : new String(body, StandardCharsets.UTF_8), base64);
    }
}
