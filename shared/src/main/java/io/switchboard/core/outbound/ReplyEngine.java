package io.switchboard.core.outbound;

import io.switchboard.core.config.Settings;
import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.store.Backoff;
import io.switchboard.core.store.StoreFault;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Carries out send commands (docs/architecture.md, "Replies"): reads the command, refuses what can never be sent, applies
 * the channel's window, calls the channel's {@link ReplySender} at most once per command, and records the reply
 * as an outbound entry in the customer's current conversation, where the channel's status webhooks find it.
 *
 * <p>Exactly once: the {@link CommandLedger} remembers how far each command got. A redelivered command that was
 * recorded or rejected does nothing; one that was sent or failed is only recorded; one that was handed to the
 * provider without an answer being kept (a crash, a timeout after the request was written) is recorded as
 * failed with {@code outcome_unknown}, never resent, because providers take no idempotency key.
 */
@Singleton
public class ReplyEngine {

    /** Provider calls per command when the provider answers with a transient fault (429, 5xx, refused). */
    public static final String SEND_ATTEMPTS = "SEND_ATTEMPTS";
    /** First pause between those calls, in milliseconds; doubling, at most 8x. */
    public static final String SEND_RETRY_FIRST_MS = "SEND_RETRY_FIRST_MS";
    /** Recent entries read to find the customer's latest inbound message per channel. */
    public static final int RECENT_ENTRIES = 100;
    private static final int OUTCOME_WRITE_ATTEMPTS = 8;

    private final CustomerDirectory directory;
    private final ConversationLog log;
    private final CommandLedger ledger;
    private final Map<Channel, ReplySender> senders = new HashMap<>();
    private final Clock clock;
    private final Settings settings;

    public ReplyEngine(CustomerDirectory directory, ConversationLog log, CommandLedger ledger, List<ReplySender> senders,
                       Clock clock, Settings settings) {
        this.directory = directory;
        this.log = log;
        this.ledger = ledger;
        for (ReplySender sender : senders) {
            sender.channels().forEach(channel -> this.senders.put(channel, sender));
        }
        this.clock = clock;
        this.settings = settings;
    }

    /** What one command came to. */
    public enum Outcome { SENT, FAILED, REJECTED, DUPLICATE }

    /**
     * Carries out one command from a queue message.
     *
     * @param body       the message body (the command CloudEvent)
     * @param fallbackId the queue's message id, the command's id when the body has none readable
     * @throws RuntimeException on a store fault: nothing was sent that is not remembered; retry the message
     */
    public Outcome handle(String body, String fallbackId) {
        SendCommand command;
        try {
            command = SendCommand.parse(body);
        } catch (CommandRejection rejected) {
            // Unreadable: what it asked for is its body; an identical redelivery is then a duplicate.
            return reject(SendCommand.idOf(body, fallbackId), SendCommand.subjectOf(body), SendCommand.sourceOf(body),
                    SendCommand.bodyFingerprint(body), rejected);
        }
        String fingerprint = command.fingerprint();
        Plan plan;
        try {
            plan = plan(command);
        } catch (CommandRejection rejected) {
            return reject(command.id(), command.customerId(), command.source(), fingerprint, rejected);
        } catch (SdkException refused) {
            if (!StoreRefusals.isRefusal(refused)) {
                throw refused;
            }
            // The store refuses a value of this command (too large a key, say): every delivery would fail alike.
            return reject(command.id(), command.customerId(), command.source(), fingerprint, new CommandRejection(
                    "invalid_command", "the store refused a value of the command: " + StoreRefusals.describe(refused)));
        }
        Instant sentAt = clock.instant();
        WindowVerdict verdict = plan.sender().window(plan.message(), plan.latestInboundAt(), sentAt);
        WindowVerdict.Refused refused = verdict instanceof WindowVerdict.Refused no ? no : null;
        Optional<CommandLedger.Command> earlier = ledger.start(command.id(), command.source(), fingerprint, sentAt,
                refused == null ? null : refused.code(), refused == null ? null : refused.reason());
        if (earlier.isPresent() && earlier.get().conflictsWith(fingerprint)) {
            return conflict(command, fingerprint);
        }
        CommandLedger.Command state;
        if (earlier.isEmpty()) {
            state = refused != null
                    ? new CommandLedger.Command(command.id(), CommandLedger.State.FAILED, null, refused.code(),
                            refused.reason(), sentAt, fingerprint)
                    : send(plan, ((WindowVerdict.Allowed) verdict).messagingTag(), sentAt);
        } else {
            state = switch (earlier.get().state()) {
                case RECORDED, REJECTED -> null;
                case SENDING -> keepOutcome(command.id(), null, "outcome_unknown",
                        "an earlier attempt handed the message to the provider but its answer was lost; it may or may "
                                + "not have been delivered, and is not sent again", earlier.get().sentAt());
                case SENT, FAILED -> earlier.get();
            };
        }
        if (state == null) {
            return Outcome.DUPLICATE;
        }
        record(plan, state);
        return state.state() == CommandLedger.State.SENT ? Outcome.SENT : Outcome.FAILED;
    }

    /**
     * Rejects a command; when its id is known from another request, that reuse is rejected instead, and the first
     * command's record stays as it was.
     */
    private Outcome reject(String commandId, String subject, String source, String fingerprint, CommandRejection why) {
        Optional<CommandLedger.Command> earlier = ledger.reject(commandId, subject, source, fingerprint, why.code(),
                why.reason(), clock.instant());
        if (earlier.isEmpty()) {
            return Outcome.REJECTED;
        }
        if (earlier.get().conflictsWith(fingerprint)) {
            ledger.conflict(commandId, subject, source, fingerprint, conflictReason(), clock.instant());
            return Outcome.REJECTED;
        }
        return Outcome.DUPLICATE;
    }

    private Outcome conflict(SendCommand command, String fingerprint) {
        ledger.conflict(command.id(), command.customerId(), command.source(), fingerprint, conflictReason(),
                clock.instant());
        return Outcome.REJECTED;
    }

    private static String conflictReason() {
        return "the command id was used before for another command (other customer or other data); it is not carried "
                + "out, and the first command is unaffected: give every new command a new id";
    }

    /** Everything needed to send and record, or a rejection: no writes, so it is safe to repeat. */
    private Plan plan(SendCommand command) {
        Customer customer = (command.customerId() != null ? directory.get(command.customerId()) : directory.find(command.to()))
                .orElseThrow(() -> new CommandRejection("unknown_customer", command.customerId() != null
                        ? "no customer has the id " + command.customerId()
                        : "no customer has the identity " + command.to().type() + ":…"));
        List<ConversationEntry> recent = log.history(customer.id(), RECENT_ENTRIES);
        Channel channel = command.channel() != null ? command.channel() : defaultChannel(recent);
        if (channel == null) {
            throw new CommandRejection("no_channel",
                    "the customer has not written on a channel a reply can go out on; name the channel");
        }
        ReplySender sender = senders.get(channel);
        if (sender == null) {
            throw new CommandRejection("unsupported_channel", "replies on " + channel.wireName() + " are not set up here");
        }
        ConversationEntry latestInbound = latestInbound(recent, channel, sender);
        ReplyRoute route = sender.route(channel, customer, latestInbound).orElseThrow(() -> new CommandRejection(
                "no_identity_on_channel", "the customer has no " + channel.wireName() + " identity to send to"));
        if (!command.hasContent()) {
            throw new CommandRejection("empty_message", "the command has no text, attachment or template");
        }
        if (command.template() != null && !sender.sendsTemplates()) {
            throw new CommandRejection("template_not_supported", channel.wireName() + " does not send templates");
        }
        checkTextLength(command.text(), channel, sender.maxTextLength(channel));
        ConversationEntry replyTo = null;
        if (command.replyToEntryId() != null) {
            replyTo = log.find(customer.id(), command.replyToEntryId()).orElseThrow(() -> new CommandRejection(
                    "unknown_reply_to", "the customer's timeline has no entry " + command.replyToEntryId()));
            if (replyTo.channel() != channel) {
                // A quote cannot cross channels: the reply goes out unquoted.
                replyTo = null;
            }
        } else if (sender.continuesLatestThread(channel)) {
            replyTo = latestInbound;
        }
        OutboundMessage message = new OutboundMessage(command.id(), channel, route, command.text(),
                command.attachments(), replyTo, command.subject(), command.template(), null);
        return new Plan(command, customer, sender, message, latestInbound == null ? null : latestInbound.occurredAt());
    }

    private record Plan(SendCommand command, Customer customer, ReplySender sender, OutboundMessage message,
                        Instant latestInboundAt) {
    }

    /**
     * Refuses text over the channel's limit ({@link ReplySender#maxTextLength}), counted in Unicode code points as the
     * providers count characters: an emoji is one character, not the two UTF-16 units Java's length counts.
     *
     * @throws CommandRejection {@code text_too_long}
     */
    public static void checkTextLength(String text, Channel channel, int limit) {
        int characters = text == null ? 0 : text.codePointCount(0, text.length());
        if (characters > limit) {
            throw new CommandRejection("text_too_long", "the text has " + characters + " characters; "
                    + channel.wireName() + " takes at most " + limit);
        }
    }

    /**
     * The channel a command without one is sent on: that of the customer's latest inbound message (a call is
     * answered by SMS), or null.
     *
     * @param recent the customer's latest entries, oldest first ({@link ConversationLog#history})
     */
    public static Channel defaultChannel(List<ConversationEntry> recent) {
        for (int i = recent.size() - 1; i >= 0; i--) {
            ConversationEntry entry = recent.get(i);
            if (entry.direction() == Direction.INBOUND) {
                return entry.channel().replyChannel();
            }
        }
        return null;
    }

    /** The customer's latest inbound entry that a reply on {@code channel} answers, or null. */
    private static ConversationEntry latestInbound(List<ConversationEntry> recent, Channel channel, ReplySender sender) {
        for (int i = recent.size() - 1; i >= 0; i--) {
            ConversationEntry entry = recent.get(i);
            if (entry.direction() == Direction.INBOUND && sender.answers(channel, entry.channel()) && !entry.placeholder()) {
                return entry;
            }
        }
        return null;
    }

    /** At most one successful provider call (transient faults retried), then the outcome kept. */
    private CommandLedger.Command send(Plan plan, String messagingTag, Instant sentAt) {
        String commandId = plan.command().id();
        SendResult result = sendWithRetries(plan.sender(), plan.message().withMessagingTag(messagingTag));
        if (result instanceof SendResult.Sent sent) {
            return keepOutcome(commandId, sent.providerMessageId(), null, null, sentAt);
        }
        if (result instanceof SendResult.Refused refused) {
            return keepOutcome(commandId, null, refused.code() == null ? "provider_refused" : refused.code(),
                    refused.reason(), sentAt);
        }
        if (result instanceof SendResult.Unknown unknown) {
            return keepOutcome(commandId, null, "outcome_unknown",
                    "the provider did not answer after the message was handed over (" + unknown.reason()
                            + "); it may or may not have been delivered, and is not sent again", sentAt);
        }
        return keepOutcome(commandId, null, "provider_unavailable", "the provider did not take the message after "
                + attempts() + " attempts (" + ((SendResult.Transient) result).reason() + ")", sentAt);
    }

    private int attempts() {
        return settings.get(SEND_ATTEMPTS).map(Integer::parseInt).orElse(4);
    }

    private SendResult sendWithRetries(ReplySender sender, OutboundMessage message) {
        long firstMillis = settings.get(SEND_RETRY_FIRST_MS).map(Long::parseLong).orElse(500L);
        Backoff backoff = new Backoff(Duration.ofMillis(firstMillis), Duration.ofMillis(firstMillis * 8));
        int attempts = attempts();
        for (int attempt = 1; ; attempt++) {
            SendResult result;
            try {
                result = sender.send(message);
            } catch (Settings.MissingSettingException notConfigured) {
                // A deployment fault found before the provider was called: nothing left, nothing to retry here.
                return new SendResult.Refused("not_configured", "the " + message.channel().wireName()
                        + " sender is not configured: " + notConfigured.getMessage());
            } catch (RuntimeException unexpected) {
                // A sender is not to throw; if one does, the request may have left: treat it as unknown.
                result = new SendResult.Unknown(unexpected.getClass().getSimpleName());
            }
            if (!(result instanceof SendResult.Transient) || attempt >= attempts) {
                return result;
            }
            sleep(backoff.next());
        }
    }

    /**
     * Keeps the provider's answer. Losing it would turn a known outcome into an unknown one, so a store fault here
     * is retried for a while before it is given up (the next delivery then finds the command in SENDING).
     */
    private CommandLedger.Command keepOutcome(String commandId, String providerMessageId, String errorCode,
                                              String errorReason, Instant sentAt) {
        Instant at = sentAt != null ? sentAt : clock.instant();
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int attempt = 1; ; attempt++) {
            try {
                ledger.outcome(commandId, providerMessageId, errorCode, errorReason, at);
                return new CommandLedger.Command(commandId,
                        providerMessageId != null ? CommandLedger.State.SENT : CommandLedger.State.FAILED,
                        providerMessageId, errorCode, errorReason, at, null);
            } catch (SdkException storeDown) {
                if (attempt >= OUTCOME_WRITE_ATTEMPTS) {
                    throw storeDown;
                }
                sleep(backoff.next());
            }
        }
    }

    /** The reply as an outbound entry: idempotent (its id derives from the provider's id or the command's). */
    private void record(Plan plan, CommandLedger.Command state) {
        OutboundMessage message = plan.message();
        boolean sent = state.state() == CommandLedger.State.SENT;
        Instant at = state.sentAt() != null ? state.sentAt() : clock.instant();
        ConversationEntry entry = ConversationEntry.builder(message.channel(),
                        sent ? state.providerMessageId() : "command:" + state.commandId())
                .source(message.route().source())
                .direction(Direction.OUTBOUND)
                .kind(EntryKind.MESSAGE)
                .occurredAt(at)
                .text(message.text())
                .attachments(message.attachments())
                .replyTo(message.replyTo() == null
                        || plan.sender().continuesLatestThread(message.channel()) && plan.command().replyToEntryId() == null
                        ? null : message.replyTo().providerMessageId())
                .status(sent ? DeliveryStatus.ACCEPTED : DeliveryStatus.FAILED, at)
                .detail("commandId", state.commandId())
                .detail("commandSource", plan.command().source())
                .detail("template", message.template() == null ? null : message.template().get("name"))
                .detail("subject", message.subject())
                .build();
        Map<String, Object> statusError = new LinkedHashMap<>();
        if (!sent) {
            statusError.put("code", state.errorCode());
            statusError.put("reason", state.errorReason());
        }
        log.append(plan.customer(), entry, List.of(), statusError);
        ledger.recorded(state.commandId(), entry.id());
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StoreFault("interrupted while waiting to retry");
        }
    }
}
