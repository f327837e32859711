package io.switchboard.messenger;

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
 * Property, on each route of the Messenger function: whatever a correctly signed body holds, the webhook answers
 * 2xx or 4xx, never 5xx (a 5xx makes Meta retry a body that can never succeed), and a 4xx writes nothing. Bodies
 * are generated from seeds (see {@link HostileInput#seeds}); a failure names the seed and shows the body. No page
 * access token is configured, so no profile lookup leaves the test.
 */
class MessengerWebhookPropertyTest {

    static final int BODIES = 300;
    static final String MESSENGER_SECRET = "test-messenger-secret-property";
    static final String INSTAGRAM_SECRET = "test-instagram-secret-property";
    /** "Now" of the generated times: fixed, so a seed always gives the same body. */
    static final long NOW = 1_763_805_600L;

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final MessengerWebhookHandler handler = new MessengerWebhookHandler(Contexts.with(Settings.of(Map.of(
            "MESSENGER_APP_SECRET", MESSENGER_SECRET,
            "MESSENGER_VERIFY_TOKEN", "verify",
            "INSTAGRAM_APP_SECRET", INSTAGRAM_SECRET,
            "INSTAGRAM_VERIFY_TOKEN", "verify")), directory, log));

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    @TestFactory
    Stream<DynamicTest> messengerRoute_givenSignedHostileBodies_whenPosted_thenAnswer2xxOr4xxAndA4xxWritesNothing() {
        return bodies(Platform.MESSENGER, MESSENGER_SECRET);
    }

    @TestFactory
    Stream<DynamicTest> instagramRoute_givenSignedHostileBodies_whenPosted_thenAnswer2xxOr4xxAndA4xxWritesNothing() {
        return bodies(Platform.INSTAGRAM, INSTAGRAM_SECRET);
    }

    private Stream<DynamicTest> bodies(Platform platform, String secret) {
        return new WebhookProperty(directory, log).forSeeds(BODIES, seed -> {
            HostileInput in = new HostileInput(seed);
            byte[] body = new MessagingBodies(platform, new HostileJson(in), NOW).body();
            boolean base64 = in.chance(10);
            return new WebhookProperty.Attempt(body, () -> handler.handleRequest(WebhookProperty.signedJsonPost(
                    platform.path(), body, HubSignature.HEADER, HubSignature.sign(body, secret), base64), null));
        });
    }
}
