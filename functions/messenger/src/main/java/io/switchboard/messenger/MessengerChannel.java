package io.switchboard.messenger;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.model.Channel;
import io.switchboard.core.webhook.WebhookRoute;
import io.switchboard.meta.MetaChannel;
import io.switchboard.meta.MetaWebhooks;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Messenger Platform webhooks for Facebook Pages ({@code /webhooks/messenger}, {@code object: page}) and
 * Instagram professional accounts ({@code /webhooks/instagram}, {@code object: instagram}): per product the GET
 * subscription handshake with its verify token, and POSTed events authenticated by {@code X-Hub-Signature-256}
 * with its own app secret, so a body signed for the other path (or for WhatsApp) is refused. Once a batch is
 * stored, the customers it created are named from the Graph API ({@link ProfileEnricher}) before Meta is answered.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 */
@Singleton
public class MessengerChannel extends MetaChannel {

    /** A Page text message, verified and parsed by {@link #prime()} so the hot path's classes are loaded early. */
    private static final byte[] PRIMING_BODY = ("{\"object\":\"page\",\"entry\":[{\"id\":\"0\",\"time\":1763805600000,"
            + "\"messaging\":[{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"0\"},\"timestamp\":1763805600000,"
            + "\"message\":{\"mid\":\"m_priming\",\"text\":\"priming\"}}]}]}").getBytes(StandardCharsets.UTF_8);

    private static final MessengerPayloadParser PARSER = new MessengerPayloadParser();

    public MessengerChannel(Secrets secrets, ProfileEnricher profiles) {
        super(Channel.MESSENGER, routes(secrets, profiles), PRIMING_BODY);
    }

    /** Messenger's routes first: priming parses a Page body. */
    private static List<WebhookRoute> routes(Secrets secrets, ProfileEnricher profiles) {
        // Messenger and Instagram webhooks carry no names: new customers' are looked up (within a budget).
        WebhookRoute.Answer answer = (request, interactions, summary) -> {
            if (!summary.newCustomers.isEmpty()) {
                profiles.enrich(summary.newCustomers);
            }
            return MetaWebhooks.received();
        };
        List<WebhookRoute> routes = new ArrayList<>();
        for (Platform platform : Platform.values()) {
            routes.addAll(MetaWebhooks.routes(platform.path(), secrets, platform.verifyTokenName(),
                    platform.appSecretName(), request -> PARSER.parse(platform, request.body()), answer));
        }
        return routes;
    }
}
