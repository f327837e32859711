package io.switchboard.core.channel;

/** What a {@link ProviderStandIn} learns from the local cloud it runs in. */
public interface StandInContext {

    /**
     * The gateway status webhooks with a path target are posted to (e.g. {@code http://localhost:3000}), or null
     * when there is none: such webhooks are then not posted and a stand-in may skip building them.
     */
    String webhookBaseUrl();

    /**
     * A setting of the function that serves this webhook path (its secrets, a public base URL), read at use as
     * the function reads it; null when unset. The way a stand-in signs its webhooks with the secrets the receiving
     * function verifies them with, as {@link ChannelDescriptor#signSample} does.
     */
    String setting(String webhookPath, String name);
}
