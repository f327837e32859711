package io.switchboard.core.http;

/**
 * How a fault is written to the logs. Exception messages from the store or the queue can echo the request
 * (ElasticMQ's InvalidMessageContents quotes the message body; a DynamoDB validation error can quote a key),
 * i.e. a customer's name, email or text: logs get the exception class, the service's error code where there is
 * one, and the origin, never the message text.
 */
public final class Faults {

    private Faults() {
    }

    public static String describe(Throwable fault) {
        StringBuilder text = new StringBuilder(fault.getClass().getSimpleName());
        if (fault instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service
                && service.awsErrorDetails() != null) {
            text.append(" code=").append(service.awsErrorDetails().errorCode())
                    .append(" status=").append(service.statusCode());
        }
        StackTraceElement[] stack = fault.getStackTrace();
        if (stack.length > 0) {
            text.append(" at ").append(stack[0].getClassName()).append('.').append(stack[0].getMethodName());
        }
        if (fault.getCause() != null && fault.getCause() != fault) {
            text.append(" caused by ").append(fault.getCause().getClass().getSimpleName());
        }
        return text.toString();
    }
}
