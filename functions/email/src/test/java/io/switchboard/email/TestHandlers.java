package io.switchboard.email;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.testing.ApiGatewayEvents;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Email handlers for tests, built as on Lambda but with in-memory stores and a fixed clock: the fixtures are dated
 * (late November and early December 2026), and the core moves provider times more than a few minutes ahead of
 * arrival to the arrival time, so tests must not depend on the day they run. Mailgun requests are signed at
 * {@link #NOW}.
 */
final class TestHandlers {

    static final String USER = "inbound-user";
    static final String PASSWORD = "s3cret-pa55word";
    /** After every fixture's Date. */
    static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private TestHandlers() {
    }

    static EmailWebhookHandler create(InMemoryCustomerDirectory directory, InMemoryConversationLog log,
                                      InMemoryReplayGuard replayGuard) {
        EmailWebhookHandler handler = new EmailWebhookHandler(Contexts.with(Settings.of(Map.of(
                EmailWebhookHandler.MAILGUN_SIGNING_KEY, Fixtures.MAILGUN_KEY,
                EmailWebhookHandler.WEBHOOK_USER, USER,
                EmailWebhookHandler.WEBHOOK_PASSWORD, PASSWORD)), directory, log, replayGuard, CLOCK));
        return handler;
    }

    static Map<String, String> auth() {
        return Map.of("Authorization", BasicAuth.header(USER, PASSWORD));
    }

    static APIGatewayV2HTTPResponse post(EmailWebhookHandler handler, String path, String contentType, byte[] body,
                                         Map<String, String> headers, boolean base64) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", contentType);
        return handler.handleRequest(event("POST", path, body, all, base64), null);
    }

    /** As API Gateway (HTTP API, payload 2.0) delivers it: binary bodies base64-encoded. */
    static APIGatewayV2HTTPEvent event(String method, String path, byte[] body, Map<String, String> headers,
                                       boolean base64) {
        String encoded = body == null ? null : base64 ? Base64.getEncoder().encodeToString(body)
                : new String(body, StandardCharsets.UTF_8);
        return ApiGatewayEvents.request(method, path, headers, null, encoded, base64);
    }
}
