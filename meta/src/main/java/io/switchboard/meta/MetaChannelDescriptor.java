package io.switchboard.meta;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.model.Channel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * A Meta channel's description (WhatsApp, Messenger, Instagram each have one): its channel, whose wire name is its
 * name; the app secret and verify token its function reads ({@code <NAME>_APP_SECRET}, {@code <NAME>_VERIFY_TOKEN});
 * and samples signed as Meta signs them.
 */
public abstract class MetaChannelDescriptor implements ChannelDescriptor {

    private final Channel channel;
    private final String name;
    private final String localAppSecret;
    private final String localVerifyToken;

    protected MetaChannelDescriptor(Channel channel, String localAppSecret, String localVerifyToken) {
        this.channel = channel;
        this.name = channel.wireName();
        this.localAppSecret = localAppSecret;
        this.localVerifyToken = localVerifyToken;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Channel> channels() {
        return List.of(channel);
    }

    private String prefix() {
        return name.toUpperCase(Locale.ROOT);
    }

    @Override
    public Map<String, String> localSecrets() {
        return Map.of(prefix() + "_APP_SECRET", localAppSecret, prefix() + "_VERIFY_TOKEN", localVerifyToken);
    }

    /**
     * The handshake's {@code hub.verify_token}
     * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests) and a
     * delivery's {@code X-Hub-Signature-256}
     * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads), with this
     * deployment's values.
     */
    @Override
    public SampleRequest signSample(SampleRequest sample, String baseUrl, Function<String, String> settings) {
        SampleRequest signed = sample;
        if (signed.query().contains("hub.verify_token=")) {
            String token = ChannelDescriptor.require(settings, prefix() + "_VERIFY_TOKEN");
            signed = signed.withQuery(signed.query().replaceAll("hub\\.verify_token=[^&]*",
                    Matcher.quoteReplacement("hub.verify_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
        }
        if (signed.hasHeader(HubSignature.HEADER)) {
            signed = signed.withHeader(HubSignature.HEADER,
                    HubSignature.sign(signed.body(), ChannelDescriptor.require(settings, prefix() + "_APP_SECRET")));
        }
        return signed;
    }
}
