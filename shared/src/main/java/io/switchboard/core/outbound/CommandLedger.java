package io.switchboard.core.outbound;

import java.time.Instant;
import java.util.Optional;

/**
 * What became of each send command, by command id: the exactly-once memory of the reply engine. A command starts
 * as SENDING (written just before the provider call) or FAILED (a rule refused it), moves SENDING -> SENT or
 * FAILED -> RECORDED, or is REJECTED; a redelivered command finds where it got to and carries on from there, so
 * nothing is sent twice. A command found in SENDING was handed to the provider by an attempt that never learnt
 * the answer: its outcome is unknown.
 */
public interface CommandLedger {

    enum State { SENDING, SENT, FAILED, RECORDED, REJECTED }

    /**
     * @param providerMessageId the provider's id once SENT
     * @param errorCode         why it FAILED or was REJECTED
     * @param sentAt            when the send was attempted (the sent entry's time, stable across redeliveries)
     */
    record Command(String commandId, State state, String providerMessageId, String errorCode, String errorReason,
                   Instant sentAt) {
    }

    Optional<Command> find(String commandId);

    /**
     * Starts a command the ledger has not seen: SENDING, or FAILED with {@code errorCode} when a rule refused it
     * before any provider call. One conditional write.
     *
     * @return empty when this call started it; else the command as an earlier delivery left it
     */
    Optional<Command> start(String commandId, String source, Instant sentAt, String errorCode, String errorReason);

    /** The provider's answer (or a rule's refusal): SENT with its id, or FAILED with code and reason. */
    void outcome(String commandId, String providerMessageId, String errorCode, String errorReason, Instant sentAt);

    /** The sent entry is in the customer's timeline. */
    void recorded(String commandId, String entryId);

    /**
     * Rejects a command that can never be carried out; announced as {@code switchboard.command.rejected} (the
     * ledger lives in the conversation log, whose stream the fan-out reads). Does nothing for a command that was
     * started.
     *
     * @param subject the customer id the command named, or null
     */
    void reject(String commandId, String subject, String source, String code, String reason, Instant at);
}
