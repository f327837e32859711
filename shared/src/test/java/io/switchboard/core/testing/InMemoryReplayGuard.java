package io.switchboard.core.testing;

import io.switchboard.core.replay.ReplayGuard;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tokens in memory, for unit tests of one class: the real one is DynamoDbReplayGuard. */
public class InMemoryReplayGuard implements ReplayGuard {

    private final Map<String, String> fingerprintByToken = new ConcurrentHashMap<>();

    @Override
    public boolean firstUse(String scope, String token, String fingerprint, Instant expiresAt) {
        String first = fingerprintByToken.putIfAbsent(scope + ":" + token, fingerprint);
        return first == null || first.equals(fingerprint);
    }

    public int size() {
        return fingerprintByToken.size();
    }
}
