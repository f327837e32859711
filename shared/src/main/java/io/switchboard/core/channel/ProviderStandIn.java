package io.switchboard.core.channel;

import java.util.Map;

/**
 * A stand-in for a provider's send API, for the local cloud: it answers a sender's request as the provider documents
 * it (its answer, its error shapes) and says which status webhooks the provider would post back afterwards, signed
 * as the provider signs them. The local cloud serves every stand-in its channels' descriptors supply
 * ({@link ChannelDescriptor#standIn()}) on one local HTTP server, records the requests, posts the webhooks to its
 * gateway and injects faults; the stand-in itself holds no state and knows nothing of HTTP servers.
 *
 * <p>Local-only: no function calls it (docs/adding-a-channel.md, "The provider stand-in").
 */
public interface ProviderStandIn {

    /** The stand-in's name, as tests and the console address it ({@code standIn("<name>")}): unique. */
    String name();

    /** What it stands in for, in words (the provider's API), for the local cloud's startup banner. */
    default String api() {
        return name();
    }

    /**
     * Whether this request is for this stand-in (its method and path, and where two stand-ins share a path, its
     * body). The request goes to the first stand-in that accepts it; none: 404.
     */
    boolean accepts(StandInRequest request);

    /**
     * The provider's answer to a request this stand-in accepted, and the status webhooks the accepted message
     * will cause. Runs on the stand-ins' server threads: no shared mutable state.
     */
    StandInAnswer answer(StandInRequest request, StandInContext context);

    /**
     * The settings that point the channel's senders at this stand-in (base URL or endpoint overrides), given the
     * stand-ins' base URL; the local cloud sets them on every function.
     */
    default Map<String, String> senderSettings(String baseUrl) {
        return Map.of();
    }

    /**
     * The credentials and settings the senders need to send at all, at values this stand-in accepts; the local
     * cloud gives them to every function that has none of its own (never used on AWS).
     */
    default Map<String, String> senderCredentials() {
        return Map.of();
    }
}
