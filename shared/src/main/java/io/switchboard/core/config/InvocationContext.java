package io.switchboard.core.config;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * The Lambda context of one invocation, as the runtime hands one to every call: a fresh request id each time. For the
 * local cloud, the benchmark and tests (on AWS the runtime supplies its own); region and account are the local ones.
 */
public final class InvocationContext implements Context {

    public static final String LOCAL_REGION = "us-east-1";
    public static final String LOCAL_ACCOUNT_ID = "000000000000";

    private final String functionName;
    private final int memorySize;
    private final String requestId = UUID.randomUUID().toString();
    private final long deadline;
    private final LambdaLogger logger;

    /** A context for tests: 15 s, 1,024 MB, the runtime logger's lines on this class's logger. */
    public InvocationContext(String functionName) {
        this(functionName, 15, 1024, org.slf4j.LoggerFactory.getLogger(InvocationContext.class));
    }

    public InvocationContext(String functionName, int timeoutSeconds, int memorySize, Logger log) {
        this.functionName = functionName;
        this.memorySize = memorySize;
        this.deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        this.logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                log.info(message == null ? "null" : message.strip());
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + LOCAL_REGION + ":" + LOCAL_ACCOUNT_ID + ":function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return memorySize;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
