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

    @Override
    public Optional<Command> find(String commandId) {
        return Optional.ofNullable(commands.get(commandId));
    }

    @Override
    public synchronized Optional<Command> start(String commandId, String source, Instant sentAt, String errorCode,
                                                String errorReason) {
        Command earlier = commands.get(commandId);
        if (earlier != null) {
            return Optional.of(earlier);
        }
        commands.put(commandId, new Command(commandId, errorCode == null ? State.SENDING : State.FAILED, null,
                errorCode, errorReason, sentAt));
        return Optional.empty();
    }

    @Override
    public synchronized void outcome(String commandId, String providerMessageId, String errorCode, String errorReason,
                                     Instant sentAt) {
        commands.put(commandId, new Command(commandId, providerMessageId != null ? State.SENT : State.FAILED,
                providerMessageId, errorCode, errorReason, sentAt));
    }

    @Override
    public synchronized void recorded(String commandId, String entryId) {
        Command current = commands.get(commandId);
        commands.put(commandId, new Command(commandId, State.RECORDED, current.providerMessageId(), current.errorCode(),
                current.errorReason(), current.sentAt()));
    }

    @Override
    public synchronized void reject(String commandId, String subject, String source, String code, String reason, Instant at) {
        Command current = commands.get(commandId);
        if (current != null) {
            return;
        }
        commands.put(commandId, new Command(commandId, State.REJECTED, null, code, reason, null));
        rejections.put(commandId, new String[] {code, reason});
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
