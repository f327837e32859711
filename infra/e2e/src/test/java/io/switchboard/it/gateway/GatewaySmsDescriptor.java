package io.switchboard.it.gateway;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.security.Hmac;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;

/** The test-only channel's description, registered in the test sources' META-INF/services as a channel module's is. */
public final class GatewaySmsDescriptor implements ChannelDescriptor {

    @Override
    public String name() {
        return "sms-gateway";
    }

    @Override
    public Map<String, String> localSecrets() {
        return Map.of(GatewaySmsChannel.SECRET, "local-sms-gateway-secret");
    }

    @Override
    public SampleRequest signSample(SampleRequest sample, String baseUrl, Function<String, String> settings) {
        return sample.withHeader(GatewaySmsChannel.SIGNATURE_HEADER, "sha256=" + HexFormat.of().formatHex(
                Hmac.sign(Hmac.SHA256, ChannelDescriptor.require(settings, GatewaySmsChannel.SECRET), sample.body())));
    }
}
