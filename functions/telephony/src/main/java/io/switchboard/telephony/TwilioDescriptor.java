package io.switchboard.telephony;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.FreshSample;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.model.Channel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The Twilio channels (voice and SMS), described for the local cloud: the auth token, samples signed as Twilio signs,
 * and the Messages API's stand-in.
 */
public final class TwilioDescriptor implements ChannelDescriptor {

    private static final String HEADER = TwilioSignature.HEADER.toLowerCase(Locale.ROOT);
    /**
     * The parameters that name what a callback reports (a call, a message, a recording, a transcription), as
     * https://www.twilio.com/docs/voice/twiml#request-parameters and
     * https://www.twilio.com/docs/voice/twiml/record list them; not the account's or a messaging service's, which
     * name where it happened.
     */
    private static final Set<String> REPORTED_SIDS = Set.of("CallSid", "ParentCallSid", "MessageSid", "SmsSid",
            "SmsMessageSid", "RecordingSid", "TranscriptionSid", "OriginalRepliedMessageSid");

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

    /**
     * The SIDs of what the form reports with the marker appended (a SID stays letters and digits, as the function
     * requires); {@link #signSample} signs the new form.
     */
    @Override
    public FreshSample freshSample(SampleRequest sample, String marker) {
        if (!sample.hasHeader(HEADER)) {
            return FreshSample.unchanged(sample);
        }
        Set<String> ids = new LinkedHashSet<>();
        List<Map.Entry<String, String>> renamed = new ArrayList<>();
        for (Map.Entry<String, String> param : UrlEncodedForm.parse(sample.body())) {
            if (REPORTED_SIDS.contains(param.getKey()) && !param.getValue().isBlank()) {
                ids.add(param.getValue() + marker);
                renamed.add(Map.entry(param.getKey(), param.getValue() + marker));
            } else {
                renamed.add(param);
            }
        }
        return ids.isEmpty() ? FreshSample.unchanged(sample)
                : new FreshSample(sample.withBody(UrlEncodedForm.encode(renamed)), List.copyOf(ids));
    }
}
