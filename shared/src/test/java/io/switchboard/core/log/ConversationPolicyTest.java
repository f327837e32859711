package io.switchboard.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.model.OpenConversation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConversationPolicyTest {

    private final ConversationPolicy policy = new ConversationPolicy(Duration.ofHours(24));
    private final Instant t0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void firstEntry_opensAConversationDerivedFromIt() {
        var decision = policy.decide(null, t0, "eabc");
        assertTrue(decision.opens());
        assertTrue(decision.updatesCustomer());
        assertEquals(decision.conversationId(), policy.decide(null, t0, "eabc").conversationId());
    }

    @Test
    void firstEntryOfACustomerCreatedWithItsConversationOpen_stillOpensIt_withoutRewritingTheCustomer() {
        // given a customer created together with its first message, that message's conversation already open
        var open = new OpenConversation(ConversationPolicy.newConversationId("eabc"), t0);

        // when the message itself is appended (or appended again)
        var decision = policy.decide(open, t0, "eabc");

        // then it opens that conversation, and the customer record needs no second write
        assertEquals(open.id(), decision.conversationId());
        assertTrue(decision.opens());
        assertFalse(decision.updatesCustomer());
        assertFalse(policy.decide(open, t0.plusSeconds(1), "eother").opens());
    }

    @Test
    void entryWithinIdleWindow_continuesOpenConversation() {
        var decision = policy.decide(new OpenConversation("conv-1", t0), t0.plus(Duration.ofHours(23)), "e2");
        assertEquals("conv-1", decision.conversationId());
        assertFalse(decision.opens());
        assertTrue(decision.updatesCustomer());
        assertEquals(t0.plus(Duration.ofHours(23)), decision.lastActivityAt());
    }

    @Test
    void entryAfterIdleWindow_opensNewConversation() {
        var decision = policy.decide(new OpenConversation("conv-1", t0), t0.plus(Duration.ofHours(25)), "e2");
        assertNotEquals("conv-1", decision.conversationId());
        assertTrue(decision.opens());
    }

    @Test
    void entryWithinActivityResolution_orOlder_doesNotRewriteCustomer() {
        var open = new OpenConversation("conv-1", t0);
        assertFalse(policy.decide(open, t0.plusSeconds(30), "e2").updatesCustomer());
        var late = policy.decide(open, t0.minus(Duration.ofHours(2)), "e3");
        assertFalse(late.updatesCustomer());
        assertEquals("conv-1", late.conversationId());
    }

    @Test
    void idleWindowComesFromSettings() {
        var shortWindow = new ConversationPolicy(io.switchboard.core.config.Settings.of(
                java.util.Map.of("CONVERSATION_IDLE_MINUTES", "10")));
        assertTrue(shortWindow.decide(new OpenConversation("conv-1", t0), t0.plus(Duration.ofMinutes(11)), "e").opens());
    }
}
