package io.switchboard.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts AWS API calls by operation, as an SDK interceptor registered with the handler's clients. */
public final class RequestCounter implements ExecutionInterceptor {

    private static final Set<String> READS = Set.of("GetItem", "BatchGetItem", "Query", "Scan", "GetSecretValue");

    private final Map<String, Integer> calls = new TreeMap<>();

    @Override
    public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
    }

    public synchronized void reset() {
        calls.clear();
    }

    public synchronized int reads() {
        return calls.entrySet().stream().filter(e -> READS.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    }

    public synchronized int writes() {
        return calls.entrySet().stream().filter(e -> !READS.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    }

    public synchronized String detail() {
        return calls.toString().replace("{", "").replace("}", "").replace("=", " x");
    }
}
