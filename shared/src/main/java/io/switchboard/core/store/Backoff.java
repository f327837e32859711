package io.switchboard.core.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries of optimistic writes that lost a race (transaction conflicts, a customer record changed under us).
 * Jittered exponential pauses keep racing writers from colliding again in lock step.
 */
final class Backoff {

    static final int MAX_ATTEMPTS = 16;

    private Backoff() {
    }

    static void pause(int attempt) {
        long ceilingMillis = Math.min(250, 4L << Math.min(attempt, 6));
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
