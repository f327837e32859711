package io.switchboard.whatsapp;

import io.switchboard.core.model.Channel;
import io.switchboard.meta.MetaChannelDescriptor;

/** The WhatsApp channel, described for the local cloud (its secrets' development values, sample signing). */
public final class WhatsAppDescriptor extends MetaChannelDescriptor {

    public WhatsAppDescriptor() {
        super(Channel.WHATSAPP, "local-app-secret", "local-whatsapp-token");
    }
}
