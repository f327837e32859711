package io.switchboard.core.outbound;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A channel's outbound half: what the core's reply engine needs from a channel to answer a customer on it.
 * The engine owns the command (parsing, exactly-once bookkeeping, retries, recording the outcome in the timeline);
 * a sender owns only what is its provider's: who sends to whom, the channel's window and text limits, and
 * the provider call.
 */
public interface ReplySender {

    /** The channels this sender answers on (one provider API may serve two channels). */
    Set<Channel> channels();

    /** Whether the channel sends pre-approved templates (the way to write first, or after the window closed). */
    default boolean sendsTemplates() {
        return false;
    }

    /**
     * Whether a reply on {@code channel} answers an inbound entry of {@code inbound}: by default only the same
     * channel's (a sender whose number also takes calls answers those too).
     */
    default boolean answers(Channel channel, Channel inbound) {
        return inbound == channel;
    }

    /**
     * Whether a reply that quotes nothing still continues the customer's latest thread on this channel (a mail
     * thread's In-Reply-To, References and "Re:"); such a reply is not recorded as a quote.
     */
    default boolean continuesLatestThread(Channel channel) {
        return false;
    }

    /**
     * The longest text the channel accepts in one message, in characters as the provider counts them: Unicode code
     * points (an emoji is one), as the reply engine and the customer API count ({@link ReplyEngine#checkTextLength}).
     */
    int maxTextLength(Channel channel);

    /**
     * Who sends and to whom, from the customer's identities and the latest inbound entry of the customer on
     * this channel (null when the customer never wrote on it): the business number, page, account or
     * address the customer last wrote to. Empty when the customer has no identity this channel can reach.
     */
    Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound);

    /**
     * The channel's messaging window, checked before any provider call; by default there is none (SMS, email).
     *
     * @param latestInboundAt when the customer last wrote on this channel (to this account), or null
     */
    default WindowVerdict window(OutboundMessage message, Instant latestInboundAt, Instant now) {
        return WindowVerdict.OPEN;
    }

    /**
     * Sends one message. Never throws for a provider's answer: every outcome is a {@link SendResult}.
     * Must not retry on its own; the engine decides.
     */
    SendResult send(OutboundMessage message);
}
