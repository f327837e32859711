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
     * @param fingerprint       what the command asked for ({@link SendCommand#fingerprint}), or null when unknown
     */
    record Command(String commandId, State state, String providerMessageId, String errorCode, String errorReason,
                   Instant sentAt, String fingerprint) {

        /** Whether a command with this id and {@code otherFingerprint} is another request, not a redelivery. */
        public boolean conflictsWith(String otherFingerprint) {
            return fingerprint != null && otherFingerprint != null && !fingerprint.equals(otherFingerprint);
        }
    }

    /** The rejection code of a command id that was used before for another request. */
    String ID_CONFLICT = "duplicate_command_id_conflict";

    Optional<Command> find(String commandId);

    /**
     * Starts a command the ledger has not seen: SENDING, or FAILED with {@code errorCode} when a rule refused it
     * before any provider call. One conditional write.
     *
     * @return empty when this call started it; else the command as an earlier delivery left it
     */
    Optional<Command> start(String commandId, String source, String fingerprint, Instant sentAt, String errorCode,
                            String errorReason);

    /** The provider's answer (or a rule's refusal): SENT with its id, or FAILED with code and reason. */
    void outcome(String commandId, String providerMessageId, String errorCode, String errorReason, Instant sentAt);

    /** The sent entry is in the customer's timeline. */
    void recorded(String commandId, String entryId);

    /**
     * Rejects a command that can never be carried out; announced as {@code switchboard.command.rejected} (the
     * ledger lives in the conversation log, whose stream the fan-out reads). Does nothing for a command that was
     * started.
     *
     * @param subject     the customer id the command named, or null
     * @param fingerprint what the command asked for, or null
     * @return empty when this call rejected it; else the command as an earlier delivery left it
     */
    Optional<Command> reject(String commandId, String subject, String source, String fingerprint, String code,
                             String reason, Instant at);

    /**
     * Rejects a command whose id the ledger knows from another request ({@link #ID_CONFLICT}), announced like
     * {@link #reject} without touching the first command's record: once per distinct request, so a redelivery of the
     * conflicting command is not announced twice.
     */
    void conflict(String commandId, String subject, String source, String fingerprint, String reason, Instant at);

    /**
     * The customer API's claim of an Idempotency-Key for one request, before the command is queued: true when the key
     * is new or was claimed for the same request ({@code fingerprint}) before, false when it was claimed for another.
     * One conditional write, so of two racing requests with one key and different bodies exactly one wins.
     */
    boolean claim(String commandId, String fingerprint, Instant at);
}
