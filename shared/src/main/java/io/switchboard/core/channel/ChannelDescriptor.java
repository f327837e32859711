package io.switchboard.core.channel;

import io.switchboard.core.model.Channel;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * What a channel module says about itself to the tools around the functions (the local cloud, its console and
 * samples), so that they name no channel: its name, the secrets its functions read with their local development
 * defaults, how a sample webhook is signed the way the provider signs it, the stand-in for its provider's send API,
 * and the {@link Channel}s it carries. Each channel module registers its descriptors in
 * {@code META-INF/services/io.switchboard.core.channel.ChannelDescriptor}; nothing on a function's hot path loads them
 * ({@link Channel#fromWire} reads them only for a wire name that is neither built in nor defined yet). See
 * docs/adding-a-channel.md.
 */
public interface ChannelDescriptor {

    /** The channel's name as its webhook paths carry it ({@code /webhooks/<name>/...}) and the console shows it. */
    String name();

    /**
     * The secrets the channel's functions read, each with the value the local cloud gives it when neither the
     * environment nor an env file sets it (development values: never used on AWS, where they come from the
     * function's secret).
     */
    Map<String, String> localSecrets();

    /**
     * A sample webhook of this channel signed again for where it is sent, as the provider signs it: with the
     * serving function's settings (its secrets) and, where the signature covers the URL, the URL it goes to.
     *
     * @param baseUrl  where the sample is sent (the local gateway)
     * @param settings the serving function's settings
     */
    default SampleRequest signSample(SampleRequest sample, String baseUrl, Function<String, String> settings) {
        return sample;
    }

    /**
     * The channels (wire names) this channel's entries are stored and announced under: the built-in constants of
     * {@link Channel}, or the module's own {@code Channel.define(...)} constants. Reading them loads the class that
     * defines them, which is how {@link Channel#fromWire} knows a module's channel before anything else used it.
     */
    default List<Channel> channels() {
        return List.of();
    }

    /**
     * Sample webhooks of this channel that are not in the repository's {@code events/} folder (a channel defined
     * outside it, in a test source set say): API Gateway payload 2.0 events as class-path resources named
     * {@code <channel>-<case>.json}. The console offers them as "send a sample" buttons beside those of
     * {@code events/}, signed by {@link #signSample}.
     */
    default List<java.net.URL> samples() {
        return List.of();
    }

    /**
     * The stand-in the local cloud serves for this channel's provider send API (its documented answers and error
     * shapes, and the signed status webhooks the provider posts back); empty when the channel sends nothing or
     * another descriptor's stand-in serves its provider.
     */
    default Optional<ProviderStandIn> standIn() {
        return Optional.empty();
    }

    /** Every channel on the class path, by name. */
    static List<ChannelDescriptor> all() {
        return ServiceLoader.load(ChannelDescriptor.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(ChannelDescriptor::name)).toList();
    }

    /** A setting the signing needs; a clear error when the serving function has none. */
    static String require(Function<String, String> settings, String name) {
        String value = settings.apply(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set for the function that serves this sample");
        }
        return value;
    }
}
