package io.switchboard.messenger;

import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.model.Channel;
import io.switchboard.meta.MetaChannelDescriptor;
import java.util.Optional;

/** The Messenger and Instagram channels, described for the local cloud (one function serves both). */
public final class MessengerDescriptors {

    private MessengerDescriptors() {
    }

    /** Messenger: a page's messages. Its stand-in serves the Send API of both platforms. */
    public static final class Messenger extends MetaChannelDescriptor {
        public Messenger() {
            super(Channel.MESSENGER, "local-messenger-secret", "local-messenger-token");
        }

        @Override
        public Optional<ProviderStandIn> standIn() {
            return Optional.of(new MessengerStandIn());
        }
    }

    /** Instagram: a professional account's direct messages, through its own app secret (Messenger's stand-in sends). */
    public static final class Instagram extends MetaChannelDescriptor {
        public Instagram() {
            super(Channel.INSTAGRAM, "local-instagram-secret", "local-instagram-token");
        }
    }
}
