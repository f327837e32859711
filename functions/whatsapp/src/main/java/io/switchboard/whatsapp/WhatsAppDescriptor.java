package io.switchboard.whatsapp;

import io.switchboard.meta.MetaChannelDescriptor;

/** The WhatsApp channel, described for the local cloud (its secrets' development values, sample signing). */
public final class WhatsAppDescriptor extends MetaChannelDescriptor {

    public WhatsAppDescriptor() {
        super("whatsapp", "local-app-secret", "local-whatsapp-token");
    }
}
