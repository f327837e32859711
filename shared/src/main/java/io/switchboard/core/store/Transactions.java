package io.switchboard.core.store;

import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Reading DynamoDB's transaction cancellation reasons, and pacing the retries of lost races. */
public final class Transactions {

    /** DynamoDB's limit of items in one TransactWriteItems. */
    public static final int MAX_ITEMS = 100;

    private Transactions() {
    }

    /** True when the transaction was cancelled because the condition of item {@code index} failed. */
    public static boolean conditionFailed(TransactionCanceledException cancelled, int index) {
        return "ConditionalCheckFailed".equals(code(cancelled, index));
    }

    public static String code(TransactionCanceledException cancelled, int index) {
        if (!cancelled.hasCancellationReasons() || cancelled.cancellationReasons().size() <= index) {
            return null;
        }
        CancellationReason reason = cancelled.cancellationReasons().get(index);
        return reason == null ? null : reason.code();
    }

    /** Waits a jittered moment before the next attempt, or gives up with a retryable fault. */
    public static void pauseOrGiveUp(int attempt, String what) {
        if (attempt >= Backoff.MAX_ATTEMPTS) {
            throw Backoff.exhausted(what);
        }
        Backoff.pause(attempt);
    }
}
