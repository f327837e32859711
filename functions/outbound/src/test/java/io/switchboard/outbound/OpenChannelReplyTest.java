package io.switchboard.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.micronaut.context.annotation.Requires;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.Identity;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.outbound.SendResult;
import io.switchboard.core.testing.InMemoryCommandLedger;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A channel the core does not know, with its own wire name, defined and sent through by a module of its own (here
 * this test source set): the outbound function replies on it with nothing of it in the core or in this module's
 * main code. The sender is a plain bean, as every channel's is in its send module.
 */
class OpenChannelReplyTest {

    /** The environment that makes the test channel's sender a bean (the other tests' contexts are without it). */
    static final String ENVIRONMENT = "open-channel-test";
    static final Channel TEST_CHAT = Channel.define("test-chat");
    static final List<OutboundMessage> SENT = new CopyOnWriteArrayList<>();

    /** The test channel's send module: its sender. */
    @Singleton
    @Requires(env = ENVIRONMENT)
    static class TestChatSender implements ReplySender {

        @Override
        public Set<Channel> channels() {
            return Set.of(TEST_CHAT);
        }

        @Override
        public int maxTextLength(Channel channel) {
            return 500;
        }

        @Override
        public Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound) {
            return customer.identityValue("test-chat").map(visitor -> new ReplyRoute("/test-chat/site", "site", visitor));
        }

        @Override
        public SendResult send(OutboundMessage message) {
            SENT.add(message);
            return new SendResult.Sent("tc-" + SENT.size());
        }
    }

    @Test
    void aCommandNamingTheTestChannel_isSentThroughItsSender_andRecordedOnIt() {
        InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
        InMemoryConversationLog log = new InMemoryConversationLog();
        InMemoryCommandLedger ledger = new InMemoryCommandLedger();
        Instant at = Instant.now().minusSeconds(60);
        Customer ann = directory.resolve(new Identity("test-chat:visitor-7"), "Ann", "/test-chat/site", at).customer();
        log.append(ann, ConversationEntry.builder(TEST_CHAT, "tc-in-1").source("/test-chat/site").occurredAt(at)
                .text("hello").build());
        SQSEvent event = new SQSEvent();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("m1");
        message.setAttributes(Map.of("MessageGroupId", ann.id()));
        message.setBody("{\"specversion\":\"1.0\",\"id\":\"cmd-test-chat-1\",\"source\":\"/helpdesk/test\","
                + "\"type\":\"switchboard.message.send\",\"data\":{\"customerId\":\"" + ann.id() + "\","
                + "\"channel\":\"test-chat\",\"text\":\"Hi Ann\"}}");
        event.setRecords(List.of(message));

        Settings settings = Settings.of(Map.of("AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1", "CUSTOMERS_TABLE", "c", "CONVERSATION_LOG_TABLE", "l"));
        try (OutboundHandler handler = new OutboundHandler(Contexts.with(settings, directory, log, ledger)
                .environments(ENVIRONMENT))) {
            SQSBatchResponse response = handler.handleRequest(event, null);

            assertEquals(List.of(), response.getBatchItemFailures());
        }
        assertEquals(1, SENT.size());
        assertEquals(TEST_CHAT, SENT.get(0).channel());
        assertEquals("visitor-7", SENT.get(0).route().recipient());
        List<ConversationEntry> replies = log.history(ann.id(), 10).stream()
                .filter(entry -> entry.direction() == Direction.OUTBOUND).toList();
        assertEquals(1, replies.size());
        assertEquals(TEST_CHAT, replies.get(0).channel());
        assertEquals("tc-1", replies.get(0).providerMessageId());
        assertEquals(DeliveryStatus.ACCEPTED, replies.get(0).status());
    }
}
