package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.webhook.WebhookRoute;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetaWebhooksTest {

    static final String PATH = "/webhooks/meta";
    static final byte[] BODY = "{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    private final Secrets secrets = secrets(Map.of("APP_SECRET", "s3cret", "VERIFY_TOKEN", "let-me-in"));

    // ---------------------------------------------------------------- signature

    @Test
    void verifier_acceptsABodySignedWithTheNamedSecret() {
        WebhookRoute.Verifier verifier = HubSignature.verifier(secrets, "APP_SECRET");
        assertDoesNotThrow(() -> verifier.verify(post(BODY, HubSignature.sign(BODY, "s3cret"))));
    }

    @Test
    void verifier_refusesAMissingOrWrongSignatureWith401() {
        WebhookRoute.Verifier verifier = HubSignature.verifier(secrets, "APP_SECRET");
        WebhookException missing = assertThrows(WebhookException.class, () -> verifier.verify(post(BODY, null)));
        assertEquals(401, missing.status());
        assertEquals("missing signature", missing.reason());
        WebhookException wrong = assertThrows(WebhookException.class,
                () -> verifier.verify(post(BODY, HubSignature.sign(BODY, "another-secret"))));
        assertEquals(401, wrong.status());
        assertEquals("invalid signature", wrong.reason());
    }

    @Test
    void verifier_readsTheSecretPerRequest_soAMissingSecretIsAMisconfiguration() {
        WebhookRoute.Verifier verifier = HubSignature.verifier(secrets, "NO_SUCH_SECRET");
        assertThrows(Settings.MissingSettingException.class, () -> verifier.verify(post(BODY, null)));
    }

    // ---------------------------------------------------------------- handshake

    @Test
    void responder_echoesTheChallengeForTheNamedToken() {
        APIGatewayV2HTTPResponse response = HubChallenge.responder(secrets, "VERIFY_TOKEN")
                .respond(get(Map.of("hub.mode", "subscribe", "hub.verify_token", "let-me-in", "hub.challenge", "42")));
        assertEquals(200, response.getStatusCode());
        assertEquals("42", response.getBody());
    }

    @Test
    void responder_refusesAWrongTokenWith403_andABadRequestWith400() {
        WebhookRoute.Responder responder = HubChallenge.responder(secrets, "VERIFY_TOKEN");
        assertEquals(403, assertThrows(WebhookException.class, () -> responder.respond(
                get(Map.of("hub.mode", "subscribe", "hub.verify_token", "guess", "hub.challenge", "42")))).status());
        assertEquals("hub.mode must be subscribe", assertThrows(WebhookException.class, () -> responder.respond(
                get(Map.of("hub.verify_token", "let-me-in", "hub.challenge", "42")))).reason());
        assertEquals("hub.challenge is missing", assertThrows(WebhookException.class, () -> responder.respond(
                get(Map.of("hub.mode", "subscribe", "hub.verify_token", "let-me-in")))).reason());
    }

    // ---------------------------------------------------------------- routes

    @Test
    void routes_areTheHandshakeAndTheSignedIngestOfOnePath() {
        List<byte[]> parsed = new ArrayList<>();
        WebhookRoute.Parser parser = request -> {
            parsed.add(request.body());
            return List.of();
        };
        List<WebhookRoute> routes = MetaWebhooks.routes(PATH, secrets, "VERIFY_TOKEN", "APP_SECRET", parser,
                MetaWebhooks.RECEIVED);
        assertEquals(2, routes.size());
        WebhookRoute handshake = routes.get(0);
        assertEquals("GET", handshake.method());
        assertEquals(PATH, handshake.path());
        assertNotNull(handshake.responder());
        WebhookRoute ingest = routes.get(1);
        assertEquals("POST", ingest.method());
        assertEquals(PATH, ingest.path());
        assertNull(ingest.responder());
        // the channel's parser gets the body in UTF-8, whatever charset it declared
        ingest.parser().parse(new WebhookRequest("POST", PATH,
                Map.of("content-type", "application/json; charset=ISO-8859-1"), Map.of(), "",
                "\"Ren\u00e9\"".getBytes(StandardCharsets.ISO_8859_1)));
        assertArrayEquals(
                "\"Ren\u00e9\"".getBytes(StandardCharsets.UTF_8), parsed.get(0));
        assertThrows(WebhookException.class, () -> ingest.verifier().verify(post(BODY, null)));
    }

    @Test
    void received_isThe200MetaExpects() {
        APIGatewayV2HTTPResponse response = MetaWebhooks.RECEIVED.answer(post(BODY, null), List.of(),
                new InteractionRecorder.Summary());
        assertEquals(200, response.getStatusCode());
        assertEquals("EVENT_RECEIVED", response.getBody());
    }

    // ---------------------------------------------------------------- helpers

    static Secrets secrets(Map<String, String> values) {
        return new Secrets(Settings.of(values), secretId -> {
            throw new AssertionError("no Secrets Manager in a unit test");
        }, Clock.systemUTC());
    }

    private static WebhookRequest post(byte[] body, String signature) {
        Map<String, String> headers = signature == null ? Map.of() : Map.of(HubSignature.HEADER, signature);
        return new WebhookRequest("POST", PATH, headers, Map.of(), "", body);
    }

    private static WebhookRequest get(Map<String, String> query) {
        return new WebhookRequest("GET", PATH, Map.of(), query, "", new byte[0]);
    }
}
