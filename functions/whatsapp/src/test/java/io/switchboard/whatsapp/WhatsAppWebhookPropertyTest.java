package io.switchboard.whatsapp;

import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.meta.HubSignature;
import io.switchboard.core.testing.HostileInput;
import io.switchboard.core.testing.HostileJson;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.WebhookProperty;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property: whatever a correctly signed body holds, the WhatsApp webhook answers 2xx or 4xx, never 5xx (a 5xx
 * makes Meta retry a body that can never succeed), and a 4xx writes nothing. Bodies are generated from seeds
 * (see {@link HostileInput#seeds}); a failure names the seed and shows the body.
 */
class WhatsAppWebhookPropertyTest {

    static final int BODIES = 300;
    static final String APP_SECRET = "test-app-secret-property";
    static final String PATH = "/webhooks/whatsapp";
    /** "Now" of the generated timestamps: fixed, so a seed always gives the same body. */
    static final long NOW = 1_763_805_600L;

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(Map.of(
            WhatsAppWebhookHandler.APP_SECRET, APP_SECRET,
            WhatsAppWebhookHandler.VERIFY_TOKEN, "test-verify-token")), directory, log));

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    @TestFactory
    Stream<DynamicTest> givenSignedHostileBodies_whenPosted_thenAnswer2xxOr4xxAndA4xxWritesNothing() {
        return new WebhookProperty(directory, log).forSeeds(BODIES, seed -> {
            HostileInput in = new HostileInput(seed);
            byte[] body = new WhatsAppBodies(new HostileJson(in)).body();
            boolean base64 = in.chance(10);
            return new WebhookProperty.Attempt(body, () -> handler.handleRequest(WebhookProperty.signedJsonPost(PATH,
                    body, HubSignature.HEADER, HubSignature.sign(body, APP_SECRET), base64), null));
        });
    }
}
