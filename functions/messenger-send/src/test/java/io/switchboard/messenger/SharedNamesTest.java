package io.switchboard.messenger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.Customer;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.meta.GraphApiClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * This module repeats what it shares with the webhook module instead of depending on it (the webhook function
 * carries no sender): the same secret, the marker of a reply's echo, and the sources the webhook function writes,
 * which a reply's route reads.
 */
class SharedNamesTest {

    @Test
    void thePageTokenIsTheSecretTheProfileLookupsRead() {
        assertEquals(MessengerWebhookHandler.PAGE_ACCESS_TOKEN, MessengerSender.PAGE_ACCESS_TOKEN);
    }

    @Test
    void theReplyMarkerIsTheOneTheWebhookFunctionKnowsEchoesBy() {
        assertEquals(MessageMapper.REPLY_METADATA_PREFIX, MessengerSender.REPLY_METADATA_PREFIX);
    }

    @Test
    void aRoutesSourceIsTheSourceTheWebhookFunctionWritesForThatAccount() {
        Settings settings = Settings.of(Map.of());
        MessengerSender sender = new MessengerSender(new GraphApiClient(settings),
                new Secrets(settings, id -> "{}", Clock.systemUTC()), settings);
        Customer customer = new Customer("c1", null, List.of(Platform.MESSENGER.identity("1111", "2222").key(),
                Platform.INSTAGRAM.identity("3333", "4444").key()), Instant.EPOCH, "/messenger/1111", null);

        ReplyRoute messenger = sender.route(Channel.MESSENGER, customer, null).orElseThrow();
        ReplyRoute instagram = sender.route(Channel.INSTAGRAM, customer, null).orElseThrow();

        assertEquals(Platform.MESSENGER.source("1111"), messenger.source());
        assertEquals(Platform.INSTAGRAM.source("3333"), instagram.source());
    }
}
