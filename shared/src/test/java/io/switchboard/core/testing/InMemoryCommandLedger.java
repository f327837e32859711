package io.switchboard.core.testing;

import io.switchboard.core.outbound.CommandLedger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A command ledger in memory, for unit tests of one class; the real one is DynamoDbCommandLedger. */
public class InMemoryCommandLedger implements CommandLedger {

    private final Map<String, Command> commands = new ConcurrentHashMap<>();
    private final Map<String, String[]> rejections = new ConcurrentHashMap<>();
    private final Map<String, String> conflicts = new ConcurrentHashMap<>();
    private final Map<String, String> claims = new ConcurrentHashMap<>();

    @Override
    public Optional<Command> find(String commandId) {
        return Optional.ofNullable(commands.get(commandId));
    }

    @Override
    public synchronized Optional<Command> start(String commandId, String source, String fingerprint, Instant sentAt,
                                                String errorCode, String errorReason) {
        Command earlier = commands.get(commandId);
        if (earlier != null) {
            return Optional.of(earlier);
        }
        commands.put(commandId, new Command(commandId, errorCode == null ? State.SENDING : State.FAILED, null,
                errorCode, errorReason, sentAt, fingerprint));
        return Optional.empty();
    }

    @Override
    public synchronized void outcome(String commandId, String providerMessageId, String errorCode, String errorReason,
                                     Instant sentAt) {
        Command current = commands.get(commandId);
        commands.put(commandId, new Command(commandId, providerMessageId != null ? State.SENT : State.FAILED,
                providerMessageId, errorCode, errorReason, sentAt, current == null ? null : current.fingerprint()));
    }

    @Override
    public synchronized void recorded(String commandId, String entryId) {
        Command current = commands.get(commandId);
        commands.put(commandId, new Command(commandId, State.RECORDED, current.providerMessageId(), current.errorCode(),
                current.errorReason(), current.sentAt(), current.fingerprint()));
    }

    @Override
    public synchronized Optional<Command> reject(String commandId, String subject, String source, String fingerprint,
                                                 String code, String reason, Instant at) {
        Command current = commands.get(commandId);
        if (current != null) {
            return Optional.of(current);
        }
        commands.put(commandId, new Command(commandId, State.REJECTED, null, code, reason, null, fingerprint));
        rejections.put(commandId, new String[] {code, reason});
        return Optional.empty();
    }

    @Override
    public synchronized void conflict(String commandId, String subject, String source, String fingerprint, String reason,
                                      Instant at) {
        conflicts.putIfAbsent(commandId + "#" + fingerprint, reason);
    }

    @Override
    public synchronized boolean claim(String commandId, String fingerprint, Instant at) {
        return claims.computeIfAbsent(commandId, id -> fingerprint).equals(fingerprint);
    }

    /** How many distinct requests reused this command id and were rejected for it. */
    public long conflicts(String commandId) {
        return conflicts.keySet().stream().filter(key -> key.startsWith(commandId + "#")).count();
    }

    /** The code a command was rejected with, or null. */
    public String rejectionCode(String commandId) {
        String[] rejection = rejections.get(commandId);
        return rejection == null ? null : rejection[0];
    }

    /** Puts a command where an earlier, interrupted attempt left it. */
    public void put(Command command) {
        commands.put(command.commandId(), command);
    }
}
