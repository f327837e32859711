package io.switchboard.core.outbound;

import java.time.Instant;
import java.util.Optional;

/**
 * What became of each send command, by command id: the exactly-once memory of the reply engine. A command moves
 * CLAIMED -> SENDING -> SENT or FAILED -> RECORDED, or straight to REJECTED; a redelivered command reads where it
 * got to and carries on from there, so nothing is sent twice. A command found in SENDING was handed to the
 * provider by an attempt that never learnt the answer: its outcome is unknown.
 */
public interface CommandLedger {

    enum State { CLAIMED, SENDING, SENT, FAILED, RECORDED, REJECTED }

    /**
     * @param providerMessageId the provider's id once SENT
     * @param errorCode         why it FAILED or was REJECTED
     * @param sentAt            when the send was attempted (the sent entry's time, stable across redeliveries)
     */
    record Command(String commandId, State state, String providerMessageId, String errorCode, String errorReason,
                   Instant sentAt) {
    }

    Optional<Command> find(String commandId);

    /** Claims a new command; false when the ledger knows it already. */
    boolean claim(String commandId, String source, Instant at);

    /** CLAIMED -> SENDING, just before the provider call; false when the command is no longer CLAIMED. */
    boolean sending(String commandId, Instant sentAt);

    /** The provider's answer (or a rule's refusal): SENT with its id, or FAILED with code and reason. */
    void outcome(String commandId, String providerMessageId, String errorCode, String errorReason, Instant sentAt);

    /** The sent entry is in the customer's timeline. */
    void recorded(String commandId, String entryId);

    /**
     * Rejects a command that can never be carried out; announced as {@code switchboard.command.rejected} (the
     * ledger lives in the conversation log, whose stream the fan-out reads). Does nothing once the command got
     * further than CLAIMED.
     *
     * @param subject the customer id the command named, or null
     */
    void reject(String commandId, String subject, String source, String code, String reason, Instant at);
}
