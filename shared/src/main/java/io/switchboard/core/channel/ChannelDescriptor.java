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

    /**
     * The sample as a new delivery: the provider's ids of what it reports (a message's, a call's, a recording's)
     * made distinct with {@code marker}, each id as the same new id in every sample (so that samples about one call
     * still name one call), in a form the provider could send (the marker is letters and digits). A stack stores a
     * provider's id once (a retry creates nothing new), so the smoke command renames them to see its samples stored
     * and announced again on a stack that stored them before. Called before {@link #signSample}, which signs what
     * this returns. The default renames nothing: such a sample is stored the first time only.
     *
     * @param marker letters and digits, unique to one run
     */
    default FreshSample freshSample(SampleRequest sample, String marker) {
        return FreshSample.unchanged(sample);
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
