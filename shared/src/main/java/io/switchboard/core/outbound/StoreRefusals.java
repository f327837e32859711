package io.switchboard.core.outbound;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Tells a store's refusal of a request as written (DynamoDB's {@code ValidationException}: a key too large, an
 * empty key attribute) from a fault worth retrying (throttling, a 5xx, no answer): the same request would be refused
 * on every attempt, so retrying it only delays the commands queued behind it.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.MessagesAndCodes
 */
public final class StoreRefusals {

    private StoreRefusals() {
    }

    /** Whether the store refused the request itself (HTTP 400 ValidationException), so a retry cannot succeed. */
    public static boolean isRefusal(Throwable fault) {
        return fault instanceof AwsServiceException service && service.statusCode() == 400
                && service.awsErrorDetails() != null
                && "ValidationException".equals(service.awsErrorDetails().errorCode());
    }

    /** The refusal's error code, without its message (which may quote the refused value). */
    static String describe(SdkException refusal) {
        return refusal instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? service.awsErrorDetails().errorCode() : refusal.getClass().getSimpleName();
    }
}
