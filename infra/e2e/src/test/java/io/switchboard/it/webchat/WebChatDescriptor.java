package io.switchboard.it.webchat;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.model.Channel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The web chat's description, registered in the test sources' META-INF/services as a channel module's is. */
public final class WebChatDescriptor implements ChannelDescriptor {

    @Override
    public String name() {
        return WebChat.CHANNEL.wireName();
    }

    @Override
    public List<Channel> channels() {
        return List.of(WebChat.CHANNEL);
    }

    @Override
    public Map<String, String> localSecrets() {
        return Map.of(WebChat.SIGNING_SECRET, "local-webchat-signing-secret", WebChat.API_TOKEN, WebChatStandIn.LOCAL_TOKEN);
    }

    @Override
    public List<java.net.URL> samples() {
        return List.of(WebChatDescriptor.class.getResource("/samples/webchat/webchat-text-message.json"));
    }

    @Override
    public Optional<ProviderStandIn> standIn() {
        return Optional.of(new WebChatStandIn());
    }

    @Override
    public SampleRequest signSample(SampleRequest sample, String baseUrl, Function<String, String> settings) {
        return sample.withHeader(WebChat.SIGNATURE_HEADER,
                WebChatChannel.signature(ChannelDescriptor.require(settings, WebChat.SIGNING_SECRET), sample.body()));
    }
}
