package io.switchboard.telephony;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.model.Channel;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Twilio channels (voice and SMS), described for the local cloud: the auth token, samples signed as Twilio signs,
 * and the Messages API's stand-in.
 */
public final class TwilioDescriptor implements ChannelDescriptor {

    private static final String HEADER = TwilioSignature.HEADER.toLowerCase(Locale.ROOT);

    @Override
    public String name() {
        return "twilio";
    }

    /** Texts and calls: one Twilio number takes both. */
    @Override
    public List<Channel> channels() {
        return List.of(Channel.SMS, Channel.VOICE);
    }

    @Override
    public Map<String, String> localSecrets() {
        return Map.of("TWILIO_AUTH_TOKEN", "local-twilio-token");
    }

    /**
     * {@code X-Twilio-Signature} over the URL Twilio calls (the configured public base URL, else where the sample
     * goes) and the sorted form parameters: https://www.twilio.com/docs/usage/security#validating-requests
     */
    @Override
    public SampleRequest signSample(SampleRequest sample, String baseUrl, Function<String, String> settings) {
        if (!sample.hasHeader(HEADER)) {
            return sample;
        }
        String base = settings.apply("TWILIO_PUBLIC_BASE_URL");
        String url = (base == null || base.isBlank() ? baseUrl : base) + sample.pathAndQuery();
        return sample.withHeader(HEADER, TwilioSignature.sign(url, TwilioForm.parse(sample.body()).params(),
                ChannelDescriptor.require(settings, "TWILIO_AUTH_TOKEN")));
    }

    @Override
    public Optional<ProviderStandIn> standIn() {
        return Optional.of(new TwilioStandIn());
    }
}
