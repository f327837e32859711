package io.switchboard.core.store;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next attempt: exponential (doubling from {@code first}, at most {@code max}), and
 * optionally jittered so that racing writers do not collide again in lock step. One rule for every retry loop
 * here: contended writes, and the local cloud's stream poller retrying a failed batch.
 */
public final class Backoff {

    static final int MAX_ATTEMPTS = 16;
    private static final Duration CONTENTION_FIRST = Duration.ofMillis(8);
    private static final Duration CONTENTION_MAX = Duration.ofMillis(250);

    private final Duration first;
    private final Duration max;
    private int attempt;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
    }

    /** The delay before the next attempt: {@code first}, then doubling, at most {@code max}. */
    public Duration next() {
        attempt++;
        return delay(attempt, first, max);
    }

    /** Back to {@code first}: the last attempt succeeded. */
    public void reset() {
        attempt = 0;
    }

    static Duration delay(int attempt, Duration first, Duration max) {
        Duration delay = first.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** Retries of optimistic writes that lost a race: a jittered pause, up to the attempt's delay. */
    static void pause(int attempt) {
        long ceilingMillis = delay(attempt, CONTENTION_FIRST, CONTENTION_MAX).toMillis();
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceilingMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFault("interrupted while retrying a contended write", e);
        }
    }

    /** Contention that outlasted every retry: a fault the provider should retry later (5xx). */
    static StoreFault exhausted(String what) {
        return new StoreFault(what + " still contended after " + MAX_ATTEMPTS + " attempts");
    }
}
