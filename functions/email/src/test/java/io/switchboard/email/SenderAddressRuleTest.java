package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.InMemoryReplayGuard;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One sender rule for every provider: the same malformed From is refused (400, a short reason, nothing stored)
 * whether Postmark, Mailgun, SendGrid or a raw-MIME relay delivers it, and the same well-formed one is accepted.
 */
class SenderAddressRuleTest {

    private static final AtomicInteger TOKENS = new AtomicInteger();

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final EmailWebhookHandler handler = TestHandlers.create(directory, log, new InMemoryReplayGuard());

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    enum Provider { POSTMARK_FROM_FULL, POSTMARK_FROM, MAILGUN, SENDGRID, MIME }

    static Stream<Arguments> malformedSenders() {
        List<String> addresses = List.of("ann@", "ann@@example.com", "@example.com", "a".repeat(5000) + "@example.com");
        return Stream.of(Provider.values()).flatMap(provider -> addresses.stream()
                .map(address -> Arguments.of(provider, address)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformedSenders")
    void malformedFrom_is400WithAShortReason_andStoresNothing(Provider provider, String address) {
        APIGatewayV2HTTPResponse response = deliver(provider, address);
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertTrue(response.getBody().startsWith("malformed From address: "), response.getBody());
        assertTrue(response.getBody().length() < 80, "short, and never the address itself: " + response.getBody());
        assertTrue(log.all().isEmpty(), "nothing may be logged");
        assertEquals(0, directory.customerCount(), "no customer may be created");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void wellFormedFrom_isAcceptedByEveryProvider(Provider provider) {
        APIGatewayV2HTTPResponse response = deliver(provider, "ann@example.com");
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(1, log.all().size());
        assertEquals(1, directory.customerCount());
    }

    static Stream<Provider> providers() {
        return Stream.of(Provider.values());
    }

    private APIGatewayV2HTTPResponse deliver(Provider provider, String address) {
        String header = "Ann Example <" + address + ">";
        return switch (provider) {
            case POSTMARK_FROM_FULL -> TestHandlers.post(handler, EmailChannel.POSTMARK, "application/json",
                    Requests.postmark(address, header, "Any news?"), TestHandlers.auth(), false);
            case POSTMARK_FROM -> TestHandlers.post(handler, EmailChannel.POSTMARK, "application/json",
                    Requests.postmark(null, header, "Any news?"), TestHandlers.auth(), false);
            case MAILGUN -> TestHandlers.post(handler, EmailChannel.MAILGUN, Requests.URLENCODED,
                    Requests.urlencoded(Requests.signedMailgun(
                            Requests.mailgunMessage(header, "Any news?", "rule-mg@example.com"),
                            TestHandlers.NOW.getEpochSecond(), "token-rule-" + TOKENS.incrementAndGet())),
                    Map.of(), false);
            case SENDGRID -> TestHandlers.post(handler, EmailChannel.SENDGRID, Requests.multipartType("xYzZY"),
                    Requests.multipart("xYzZY", List.of(
                            Requests.Field.text("headers", "Message-ID: <rule-sg@example.com>\nFrom: " + header),
                            Requests.Field.text("from", header),
                            Requests.Field.text("to", "help@parse.support.example.net"),
                            Requests.Field.text("text", "Any news?"))),
                    TestHandlers.auth(), true);
            case MIME -> TestHandlers.post(handler, EmailChannel.MIME, "message/rfc822",
                    Requests.mime(header, "Any news?"), TestHandlers.auth(), true);
        };
    }
}
