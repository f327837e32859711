package io.switchboard.core.channel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One status webhook a provider posts after accepting a message, as a {@link ProviderStandIn} builds it: signed, in
 * the provider's documented shape.
 *
 * @param status  the status it reports (sent, delivered, read...), as the stand-in names it
 * @param target  a path on the local gateway ({@code /webhooks/...}) or an absolute URL (a callback URL the send
 *                request named)
 * @param headers the headers to send, signature included
 * @param body    the exact bytes that were signed
 */
public record StatusWebhook(String status, String target, Map<String, String> headers, byte[] body) {

    public StatusWebhook {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
