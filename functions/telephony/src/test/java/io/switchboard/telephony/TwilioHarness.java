package io.switchboard.telephony;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.ApiGatewayEvents;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.TestResources;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TwilioWebhookHandler} over in-memory fakes, and requests signed the way Twilio signs them (computed
 * independently of the handler's own URL reconstruction), on the host and token of {@link TwilioWebhookHandlerTest}.
 */
final class TwilioHarness implements AutoCloseable {

    static final String AUTH_TOKEN = TwilioWebhookHandlerTest.AUTH_TOKEN;
    static final String HOST = TwilioWebhookHandlerTest.HOST;
    static final String BASE = TwilioWebhookHandlerTest.BASE;

    final ObservedDirectory directory = new ObservedDirectory();
    final InMemoryConversationLog log = new InMemoryConversationLog();
    final TwilioWebhookHandler handler = new TwilioWebhookHandler(
            Contexts.with(Settings.of(Map.of(TwilioWebhookHandler.AUTH_TOKEN, AUTH_TOKEN)), directory, log));

    /** A fixture under src/test/resources/events/telephony, byte for byte. */
    static byte[] fixture(String name) {
        return TestResources.bytes("/events/telephony/" + name);
    }

    static String text(String name) {
        return new String(fixture(name), StandardCharsets.UTF_8);
    }

    /** A correctly signed POST; {@code pathAndQuery} may carry a query string (as Twilio calls a callback URL). */
    APIGatewayV2HTTPResponse post(String pathAndQuery, byte[] body) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String rawQuery = q < 0 ? "" : pathAndQuery.substring(q + 1);
        return send(path, rawQuery, body, sign(pathAndQuery, TwilioForm.parse(body)));
    }

    /** A POST as API Gateway passes it on: the raw query, its decoded parameters, the signature header. */
    APIGatewayV2HTTPResponse send(String path, String rawQuery, byte[] body, String signature) {
        Map<String, String> query = null;
        if (!rawQuery.isEmpty()) {
            query = new HashMap<>();
            for (String pair : rawQuery.split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length < 2 ? "" : URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/x-www-form-urlencoded");
        headers.put("host", HOST);
        headers.put("x-forwarded-proto", "https");
        if (signature != null) {
            headers.put(TwilioSignature.HEADER, signature);
        }
        APIGatewayV2HTTPEvent event = ApiGatewayEvents.request("POST", path, headers, query,
                new String(body, StandardCharsets.UTF_8), false);
        event.setRawQueryString(rawQuery);
        return handler.handleRequest(event, null);
    }

    /** The path and query of a URL this function handed Twilio (a TwiML callback), for {@link #post}. */
    static String pathAndQuery(String callbackUrl) {
        if (!callbackUrl.startsWith(BASE)) {
            throw new IllegalArgumentException("not a URL of this deployment: " + callbackUrl);
        }
        return callbackUrl.substring(BASE.length());
    }

    /** X-Twilio-Signature over the public URL and every decoded parameter, sorted by name then value. */
    static String sign(String pathAndQuery, TwilioForm form) {
        StringBuilder sorted = new StringBuilder();
        form.params().stream()
                .sorted(Comparator.comparing(TwilioForm.Param::name).thenComparing(TwilioForm.Param::value))
                .forEach(param -> sorted.append(param.name()).append(param.value()));
        return TwilioSignatureTest.independentSignature(BASE + pathAndQuery, sorted.toString(), AUTH_TOKEN);
    }

    @Override
    public void close() {
        handler.close();
    }

    /** The in-memory directory, remembering every identity the handler resolved a customer for. */
    static final class ObservedDirectory extends InMemoryCustomerDirectory {

        private final List<Identity> resolved = new ArrayList<>();

        @Override
        public synchronized Resolution resolve(Identity identity, String profileName, String source, Instant at) {
            resolved.add(identity);
            return super.resolve(identity, profileName, source, at);
        }

        synchronized List<Identity> resolved() {
            return List.copyOf(resolved);
        }
    }
}
