package io.switchboard.local.smoke;

/**
 * An expected condition that stops the smoke command before or instead of its checks (no such stack, no credentials,
 * an endpoint that does not answer): reported as one line, never as a stack trace.
 */
final class SmokeProblem extends RuntimeException {

    SmokeProblem(String message) {
        super(message, null, false, false);
    }

    /**
     * What an SDK client failure means for someone at a terminal: no credentials, an endpoint not reachable, else the
     * SDK's first line.
     *
     * @param service what was being called, e.g. "CloudFormation"
     */
    static SmokeProblem of(String service, RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unable to load credentials") || message.contains("credentials provider")) {
            return new SmokeProblem("no AWS credentials found for " + service + ": configure them (aws configure, "
                    + "aws configure sso / aws sso login, or AWS_PROFILE) and run again");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.net.UnknownHostException || root instanceof java.net.ConnectException
                || root instanceof java.net.SocketTimeoutException || root instanceof java.net.http.HttpTimeoutException
                || root instanceof java.net.NoRouteToHostException) {
            return new SmokeProblem(service + " is not reachable: " + describe(root));
        }
        return new SmokeProblem(service + ": " + firstLine(message));
    }

    /** The exception's kind and message, on one line. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + firstLine(message));
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
