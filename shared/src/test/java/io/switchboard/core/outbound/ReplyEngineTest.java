package io.switchboard.core.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.InMemoryCommandLedger;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.junit.jupiter.api.Test;

/** The reply engine on one class's fakes: exactly-once, rules before sending, outcomes (mocks for a unit test). */
class ReplyEngineTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final InMemoryCommandLedger ledger = new InMemoryCommandLedger();
    private final ScriptedSender sender = new ScriptedSender();
    private final ReplyEngine engine = new ReplyEngine(directory, log, ledger, List.of(sender),
            Clock.fixed(NOW, ZoneOffset.UTC), Settings.of(Map.of(ReplyEngine.SEND_RETRY_FIRST_MS, "1")));

    private Customer customerWhoWrote(Duration ago) {
        Identity phone = Identity.phone("+14155550100");
        Customer customer = directory.resolve(phone, "Ann", "/sms/x", NOW.minus(ago)).customer();
        log.append(customer, ConversationEntry.builder(Channel.SMS, "SMin1").source("/twilio/AC1")
                .occurredAt(NOW.minus(ago)).text("hello").build());
        return customer;
    }

    private static String command(String id, String customerId, String text) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/helpdesk/test\","
                + "\"type\":\"switchboard.message.send\",\"data\":{\"customerId\":\"" + customerId + "\""
                + (text == null ? "" : ",\"text\":\"" + text + "\"") + "}}";
    }

    private List<ConversationEntry> outbound(Customer customer) {
        return log.history(customer.id(), 100).stream().filter(e -> e.direction() == Direction.OUTBOUND).toList();
    }

    @Test
    void givenACommandDeliveredThreeTimes_whenHandled_thenOneProviderCallAndOneEntry() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        sender.answers.add(new SendResult.Sent("SM123"));
        String body = command("cmd-1", customer.id(), "Hi Ann");

        assertEquals(ReplyEngine.Outcome.SENT, engine.handle(body, "m1"));
        assertEquals(ReplyEngine.Outcome.DUPLICATE, engine.handle(body, "m2"));
        assertEquals(ReplyEngine.Outcome.DUPLICATE, engine.handle(body, "m3"));

        assertEquals(1, sender.calls.size());
        List<ConversationEntry> sent = outbound(customer);
        assertEquals(1, sent.size());
        assertEquals("SM123", sent.get(0).providerMessageId());
        assertEquals("cmd-1", sent.get(0).details().get("commandId"));
        assertEquals(DeliveryStatus.ACCEPTED, sent.get(0).status());
    }

    @Test
    void givenNoChannelNamed_whenHandled_thenTheChannelOfTheLatestInboundMessageAndItsNumberAreUsed() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        sender.answers.add(new SendResult.Sent("SM1"));

        engine.handle(command("cmd-2", customer.id(), "Hi"), "m1");

        assertEquals(Channel.SMS, sender.calls.get(0).channel());
        assertEquals("+14155550100", sender.calls.get(0).route().recipient());
    }

    @Test
    void givenTheLatestInboundIsACall_whenTheSenderAnswersCallsToo_thenItsWindowCountsFromTheCallAndNotOtherwise() {
        Customer customer = customerWhoWrote(Duration.ofHours(5));
        Instant called = NOW.minus(Duration.ofMinutes(3));
        log.append(customer, ConversationEntry.builder(Channel.VOICE, "CAin1").source("/twilio/AC1").kind(EntryKind.CALL)
                .occurredAt(called).build());
        sender.answers.add(new SendResult.Sent("SM1"));
        engine.handle(command("cmd-call-1", customer.id(), "Hi"), "m1");
        // The engine asks the sender which inbound channels its replies answer: by default only its own.
        assertEquals(NOW.minus(Duration.ofHours(5)), sender.latestInboundAt);

        sender.answersCalls = true;
        sender.answers.add(new SendResult.Sent("SM2"));
        engine.handle(command("cmd-call-2", customer.id(), "Hi again"), "m2");
        assertEquals(called, sender.latestInboundAt);
    }

    @Test
    void givenTransientFaultsThenSuccess_whenHandled_thenSentOnce() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        sender.answers.add(new SendResult.Transient("503"));
        sender.answers.add(new SendResult.Transient("429"));
        sender.answers.add(new SendResult.Sent("SM9"));

        assertEquals(ReplyEngine.Outcome.SENT, engine.handle(command("cmd-3", customer.id(), "Hi"), "m1"));
        assertEquals(3, sender.calls.size());
        assertEquals("SM9", outbound(customer).get(0).providerMessageId());
    }

    @Test
    void givenAnAnswerThatNeverCame_whenHandled_thenFailedOutcomeUnknownAndNoSecondCall() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        sender.answers.add(new SendResult.Unknown("read timed out"));
        String body = command("cmd-4", customer.id(), "Hi");

        assertEquals(ReplyEngine.Outcome.FAILED, engine.handle(body, "m1"));
        assertEquals(ReplyEngine.Outcome.DUPLICATE, engine.handle(body, "m2"));

        assertEquals(1, sender.calls.size());
        ConversationEntry failed = outbound(customer).get(0);
        assertEquals(DeliveryStatus.FAILED, failed.status());
    }

    @Test
    void givenAnAttemptThatCrashedAfterHandingOver_whenRedelivered_thenFailedWithoutCallingTheProvider() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        ledger.put(new CommandLedger.Command("cmd-5", CommandLedger.State.SENDING, null, null, null, NOW, null));

        assertEquals(ReplyEngine.Outcome.FAILED, engine.handle(command("cmd-5", customer.id(), "Hi"), "m1"));

        assertTrue(sender.calls.isEmpty());
        assertEquals("outcome_unknown", ledger.find("cmd-5").orElseThrow().errorCode());
        assertEquals(1, outbound(customer).size());
    }

    @Test
    void givenAClosedWindow_whenHandled_thenFailedWithTheRuleAndNoProviderCall() {
        Customer customer = customerWhoWrote(Duration.ofHours(26));
        sender.window = new WindowVerdict.Refused("outside_customer_service_window", "needs a template");

        assertEquals(ReplyEngine.Outcome.FAILED, engine.handle(command("cmd-6", customer.id(), "Hi"), "m1"));

        assertTrue(sender.calls.isEmpty());
        assertEquals(NOW.minus(Duration.ofHours(26)), sender.latestInboundAt);
        assertEquals("outside_customer_service_window", ledger.find("cmd-6").orElseThrow().errorCode());
    }

    @Test
    void givenBadCommands_whenHandled_thenRejectedWithACodeAndNothingSent() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        String tooLong = "x".repeat(ScriptedSender.LIMIT + 1);
        Map<String, String> cases = Map.of(
                "not json", "malformed_json",
                "{\"specversion\":\"1.0\",\"id\":\"c-type\",\"type\":\"switchboard.message.delete\",\"data\":{}}", "unknown_type",
                command("c-unknown", "no-such-customer", "Hi"), "unknown_customer",
                command("c-empty", customer.id(), null), "empty_message",
                command("c-long", customer.id(), tooLong), "text_too_long",
                command("c-email", customer.id(), "Hi").replace("\"customerId\"", "\"channel\":\"email\",\"customerId\""),
                "unsupported_channel");
        cases.forEach((body, code) -> {
            assertEquals(ReplyEngine.Outcome.REJECTED, engine.handle(body, "fallback-" + code), body);
            String id = SendCommand.idOf(body, "fallback-" + code);
            assertEquals(code, ledger.rejectionCode(id), body);
        });
        assertTrue(sender.calls.isEmpty());
        assertTrue(outbound(customer).isEmpty());
    }

    @Test
    void givenAProviderRefusal_whenHandled_thenFailedWithTheProvidersCode() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        sender.answers.add(new SendResult.Refused("21211", "The 'To' number is not a valid phone number."));

        assertEquals(ReplyEngine.Outcome.FAILED, engine.handle(command("cmd-7", customer.id(), "Hi"), "m1"));

        assertEquals(1, sender.calls.size());
        assertEquals("21211", ledger.find("cmd-7").orElseThrow().errorCode());
        assertNull(ledger.find("cmd-7").orElseThrow().providerMessageId());
    }

    @Test
    void givenACommandIdReusedForAnotherTextOrCustomer_whenHandled_thenEachReuseIsRejectedOnceAndTheFirstIsKept() {
        Customer ann = customerWhoWrote(Duration.ofMinutes(5));
        Customer bob = directory.resolve(Identity.phone("+14155550199"), "Bob", "/sms/x", NOW).customer();
        sender.answers.add(new SendResult.Sent("SM-first"));

        assertEquals(ReplyEngine.Outcome.SENT, engine.handle(command("cmd-reused", ann.id(), "First"), "m1"));
        assertEquals(ReplyEngine.Outcome.REJECTED, engine.handle(command("cmd-reused", ann.id(), "Second"), "m2"));
        // Bob never wrote: his command would be rejected on its own (no channel), and is rejected as a reuse instead.
        assertEquals(ReplyEngine.Outcome.REJECTED, engine.handle(command("cmd-reused", bob.id(), "First"), "m3"));
        assertEquals(ReplyEngine.Outcome.REJECTED, engine.handle(command("cmd-reused", ann.id(), "Second"), "m4"));
        assertEquals(ReplyEngine.Outcome.DUPLICATE, engine.handle(command("cmd-reused", ann.id(), "First"), "m5"));

        assertEquals(1, sender.calls.size());
        assertEquals(2, ledger.conflicts("cmd-reused"), "one rejection per distinct request that reused the id");
        assertEquals(CommandLedger.State.RECORDED, ledger.find("cmd-reused").orElseThrow().state());
        assertEquals("SM-first", ledger.find("cmd-reused").orElseThrow().providerMessageId());
    }

    @Test
    void givenAPoisonCustomerIdOrQuotedEntryId_whenHandled_thenRejectedBeforeAnyStoreCall() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        String poison = command("cmd-poison", "c".repeat(10_000), "Hi");
        String quote = command("cmd-quote", customer.id(), "Hi")
                .replace("\"customerId\"", "\"replyToEntryId\":\"" + "e".repeat(5_000) + "\",\"customerId\"");

        assertEquals(ReplyEngine.Outcome.REJECTED, engine.handle(poison, "m1"));
        assertEquals(ReplyEngine.Outcome.REJECTED, engine.handle(quote, "m2"));

        assertEquals("unknown_customer", ledger.rejectionCode("cmd-poison"));
        assertEquals("unknown_reply_to", ledger.rejectionCode("cmd-quote"));
        assertTrue(sender.calls.isEmpty());
    }

    @Test
    void givenTextOfAsManyEmojiAsTheLimit_whenHandled_thenSentBecauseProvidersCountCodePoints() {
        Customer customer = customerWhoWrote(Duration.ofMinutes(5));
        sender.answers.add(new SendResult.Sent("SM-emoji"));
        String emoji = "\uD83D\uDE00";

        assertEquals(ReplyEngine.Outcome.SENT,
                engine.handle(command("cmd-emoji", customer.id(), emoji.repeat(ScriptedSender.LIMIT)), "m1"));
        assertEquals(ReplyEngine.Outcome.REJECTED,
                engine.handle(command("cmd-emoji-over", customer.id(), emoji.repeat(ScriptedSender.LIMIT + 1)), "m2"));
        assertEquals("text_too_long", ledger.rejectionCode("cmd-emoji-over"));
    }

    /** A sender whose answers the test scripts; it records every call. */
    static final class ScriptedSender implements ReplySender {
        static final int LIMIT = 1600;
        final Deque<SendResult> answers = new ConcurrentLinkedDeque<>();
        final List<OutboundMessage> calls = new ArrayList<>();
        WindowVerdict window = WindowVerdict.OPEN;
        Instant latestInboundAt;
        boolean answersCalls;

        @Override
        public boolean answers(Channel channel, Channel inbound) {
            return inbound == channel || answersCalls && inbound == Channel.VOICE;
        }

        @Override
        public Set<Channel> channels() {
            return Set.of(Channel.SMS);
        }

        @Override
        public int maxTextLength(Channel channel) {
            return LIMIT;
        }

        @Override
        public Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound) {
            return customer.identities().stream().filter(key -> key.startsWith("phone:")).findFirst()
                    .map(key -> new ReplyRoute("/twilio/AC1", "+14155550000", key.substring("phone:".length())));
        }

        @Override
        public WindowVerdict window(OutboundMessage message, Instant latestInboundAt, Instant now) {
            this.latestInboundAt = latestInboundAt;
            return window;
        }

        @Override
        public SendResult send(OutboundMessage message) {
            calls.add(message);
            SendResult answer = answers.poll();
            return answer != null ? answer : new SendResult.Transient("no scripted answer");
        }
    }
}
