package io.switchboard.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Channel;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.webhook.WebhookChannel;
import io.switchboard.email.SesEmailSender;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The outbound function's context, as Lambda builds it, has every channel's sender, the email one included, each a
 * bean of its channel's send module; and the function carries no webhook module.
 */
class SendersTest {

    @Test
    void theOutboundContext_hasASenderForEveryChannelThatReplies() {
        Settings settings = Settings.of(Map.of("AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1", "CUSTOMERS_TABLE", "c", "CONVERSATION_LOG_TABLE", "l"));
        try (ApplicationContext context = Contexts.with(settings).build().start()) {
            Set<String> senders = new TreeSet<>();
            Set<Channel> channels = new TreeSet<>();
            for (ReplySender sender : context.getBeansOfType(ReplySender.class)) {
                senders.add(sender.getClass().getSimpleName());
                channels.addAll(sender.channels());
            }
            assertEquals(Set.of("MessengerSender", "SesEmailSender", "TwilioSmsSender", "WhatsAppSender"), senders);
            assertEquals(1, context.getBeansOfType(SesEmailSender.class).size());
            assertEquals(true, channels.contains(Channel.EMAIL), channels.toString());
        }
    }

    @Test
    void theOutboundFunction_carriesNoWebhookModule() {
        Settings settings = Settings.of(Map.of("AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1", "CUSTOMERS_TABLE", "c", "CONVERSATION_LOG_TABLE", "l"));
        try (ApplicationContext context = Contexts.with(settings).build().start()) {
            assertEquals(List.of(), context.getBeansOfType(WebhookChannel.class).stream()
                    .map(channel -> channel.getClass().getName()).toList());
        }
        // Each webhook module's channel descriptor, which the local cloud reads: none is on this function's class path.
        assertEquals(List.of(), ChannelDescriptor.all().stream().map(ChannelDescriptor::name).toList());
    }
}
