package io.switchboard.meta;

import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.model.Channel;
import io.switchboard.core.webhook.WebhookChannel;
import io.switchboard.core.webhook.WebhookRoute;
import java.util.List;
import java.util.Map;

/**
 * A channel of Meta's: the routes of its subscriptions ({@link MetaWebhooks#routes}), primed by signing, verifying
 * and parsing a body of its own, as its first POST route would receive it, without a secret or any I/O.
 */
public abstract class MetaChannel implements WebhookChannel {

    private final Channel channel;
    private final List<WebhookRoute> routes;
    private final byte[] primingBody;

    /** @param primingBody a body the first ingest route accepts (what a typical notification looks like) */
    protected MetaChannel(Channel channel, List<WebhookRoute> routes, byte[] primingBody) {
        this.channel = channel;
        this.routes = List.copyOf(routes);
        this.primingBody = primingBody.clone();
    }

    @Override
    public String name() {
        return channel.wireName();
    }

    @Override
    public List<WebhookRoute> routes() {
        return routes;
    }

    @Override
    public void prime() {
        // The signature with a throwaway key: the code is loaded and compiled, no secret is read.
        HubSignature.isValid(HubSignature.sign(primingBody, "priming"), primingBody, "priming");
        for (WebhookRoute route : routes) {
            if (route.parser() != null) {
                route.parser().parse(new WebhookRequest("POST", route.path(), Map.of(), Map.of(), "", primingBody));
                return;
            }
        }
    }
}
