package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.model.Channel;
import io.switchboard.core.webhook.WebhookRoute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetaChannelTest {

    static final byte[] PRIMING_BODY = "{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    private final List<String> parsed = new ArrayList<>();
    /** No secret at all: priming must not need one. */
    private final Secrets secrets = MetaWebhooksTest.secrets(Map.of());

    @Test
    void nameIsTheChannelsWireName_andRoutesAreTheSubscriptions() {
        TestChannel channel = new TestChannel(routes("/webhooks/a", "a"));
        assertEquals("messenger", channel.name());
        assertEquals(List.of("GET /webhooks/a", "POST /webhooks/a"),
                channel.routes().stream().map(route -> route.method() + " " + route.path()).toList());
    }

    @Test
    void prime_parsesThePrimingBodyOnTheFirstIngestRoute_withoutASecret() {
        List<WebhookRoute> routes = new ArrayList<>(routes("/webhooks/a", "a"));
        routes.addAll(routes("/webhooks/b", "b"));
        TestChannel channel = new TestChannel(routes);
        // when
        channel.prime();
        // then
        assertEquals(List.of("a POST /webhooks/a " + new String(PRIMING_BODY, StandardCharsets.UTF_8)), parsed);
    }

    private List<WebhookRoute> routes(String path, String label) {
        return MetaWebhooks.routes(path, secrets, "VERIFY_TOKEN", "APP_SECRET", request -> {
            parsed.add(label + " " + request.method() + " " + request.path() + " "
                    + new String(request.body(), StandardCharsets.UTF_8));
            return List.of();
        }, MetaWebhooks.RECEIVED);
    }

    private static final class TestChannel extends MetaChannel {
        TestChannel(List<WebhookRoute> routes) {
            super(Channel.MESSENGER, routes, PRIMING_BODY);
        }
    }
}
