package io.switchboard.whatsapp;

import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.model.Channel;
import io.switchboard.meta.MetaChannelDescriptor;
import java.util.Optional;

/**
 * The WhatsApp channel, described for the local cloud (its secrets' development values, sample signing, the
 * Cloud API's stand-in).
 */
public final class WhatsAppDescriptor extends MetaChannelDescriptor {

    public WhatsAppDescriptor() {
        super(Channel.WHATSAPP, "local-app-secret", "local-whatsapp-token");
    }

    @Override
    public Optional<ProviderStandIn> standIn() {
        return Optional.of(new WhatsAppStandIn());
    }
}
