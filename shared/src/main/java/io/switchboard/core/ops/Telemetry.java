package io.switchboard.core.ops;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.internal.EmfMetricsLogger;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * What every invocation tells an operator: its log lines carry the Lambda request id (Powertools' functional
 * {@link PowertoolsLogging#withLogging}, no AspectJ weaving) and the keys the code adds with {@link #tag}; the
 * metrics it counts with {@link #count} are written once at its end as CloudWatch Embedded Metric Format lines
 * (Powertools metrics), one per dimension set, namespace {@code POWERTOOLS_METRICS_NAMESPACE} (default
 * Switchboard), dimensions {@code function} and {@code channel} (plus {@code reason} or {@code outcome} where
 * the metric has one). The names are in docs/runbook.md.
 *
 * <p>The metrics of one invocation are its own (a thread-local), not Powertools' process-wide instance: the local
 * cloud runs every function in one JVM, several invocations at a time.
 * https://docs.powertools.aws.dev/lambda/java/latest/core/metrics/
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
public final class Telemetry {

    /** MDC keys (they appear as fields of every JSON log line of the invocation). */
    public static final String CHANNEL = "channel";
    public static final String CUSTOMER_ID = "customer_id";
    public static final String PROVIDER_MESSAGE_ID = "provider_message_id";
    public static final String EVENT_IDS = "event_ids";
    private static final List<String> KEYS = List.of(CHANNEL, CUSTOMER_ID, PROVIDER_MESSAGE_ID, EVENT_IDS);

    /** {@code -Dswitchboard.telemetry=off}: no Powertools logging context, no metrics (the benchmark's baseline). */
    static final boolean ENABLED = !"off".equals(System.getProperty("switchboard.telemetry"));

    private static final String NAMESPACE = System.getenv().getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "Switchboard");

    /** On Lambda the EMF lines go to stdout, where CloudWatch Logs extracts them; elsewhere to a debug logger. */
    private static volatile Consumer<String> sink = System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
            ? System.out::println : LoggerFactory.getLogger("switchboard.metrics")::debug;

    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

    private Telemetry() {
    }

    /** Runs one invocation of {@code function}: logging context, metrics, and their flush, whatever happens. */
    public static <T> T invocation(Context context, String function, Supplier<T> body) {
        if (!ENABLED) {
            return body.get();
        }
        Invocation invocation = new Invocation(function);
        Invocation outer = CURRENT.get();
        CURRENT.set(invocation);
        try {
            return context == null ? body.get() : PowertoolsLogging.withLogging(context, body);
        } finally {
            KEYS.forEach(MDC::remove);
            CURRENT.set(outer);
            invocation.flush();
        }
    }

    /** Adds {@code key} to every later log line of this invocation (ids only: never a phone number or an address). */
    public static void tag(String key, String value) {
        if (value == null || value.isEmpty()) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Counts {@code value} of the metric for the channel (dimensions function, channel). */
    public static void count(String channel, String metric, double value) {
        count(channel, null, null, metric, value);
    }

    /**
     * Counts {@code value} of the metric for the channel and one more dimension ({@code reason} of a refusal,
     * {@code outcome} of a send); a bounded set of values, never an id.
     */
    public static void count(String channel, String dimension, String dimensionValue, String metric, double value) {
        Invocation invocation = CURRENT.get();
        if (invocation != null) {
            invocation.add(channel, dimension, dimensionValue, metric, value);
        }
    }

    /**
     * One log line through the JSON layout and one EMF document (discarded), so that their classes are loaded and
     * initialized before the first invocation: at a function's init (see {@code InitWarmUp}) and again before a
     * SnapStart snapshot. The line says what is happening (the function's name, then "initializing").
     */
    public static void prime(String message) {
        if (!ENABLED) {
            return;
        }
        LoggerFactory.getLogger(Telemetry.class).info(message);
        Invocation invocation = new Invocation("priming");
        invocation.add("none", null, null, "Primed", 1);
        invocation.flush(line -> { });
    }

    /** Where EMF lines go; for tests. Returns the previous sink. */
    public static Consumer<String> metricsSink(Consumer<String> newSink) {
        Consumer<String> previous = sink;
        sink = newSink;
        return previous;
    }

    /** The counts of one invocation by dimension set, flushed as one EMF document per set. */
    private static final class Invocation {
        private final String function;
        private final Map<Map<String, String>, Map<String, Double>> counts = new LinkedHashMap<>();

        Invocation(String function) {
            this.function = function;
        }

        synchronized void add(String channel, String dimension, String dimensionValue, String metric, double value) {
            Map<String, String> dimensions = new LinkedHashMap<>();
            dimensions.put("function", function);
            dimensions.put("channel", channel == null ? "none" : channel);
            if (dimension != null) {
                dimensions.put(dimension, dimensionValue == null ? "none" : dimensionValue);
            }
            counts.computeIfAbsent(dimensions, d -> new LinkedHashMap<>()).merge(metric, value, Double::sum);
        }

        void flush() {
            flush(sink);
        }

        synchronized void flush(Consumer<String> lines) {
            for (Map.Entry<Map<String, String>, Map<String, Double>> set : counts.entrySet()) {
                try {
                    Metrics metrics = new EmfMetricsLogger(new SinkEnvironment(lines), new MetricsContext());
                    metrics.setNamespace(NAMESPACE);
                    metrics.setDefaultDimensions(DimensionSet.of(set.getKey()));
                    set.getValue().forEach((name, value) -> metrics.addMetric(name, value, MetricUnit.COUNT));
                    metrics.flush();
                } catch (RuntimeException broken) {
                    // Metrics never fail an invocation.
                    LoggerFactory.getLogger(Telemetry.class).warn("metrics not written: {}", broken.toString());
                }
            }
            counts.clear();
        }
    }

    /** Lambda's EMF environment (its properties come from the Lambda variables), writing to our sink. */
    private static final class SinkEnvironment extends EnvironmentProvider {
        private final CompletableFuture<Environment> environment;

        SinkEnvironment(Consumer<String> lines) {
            ISink iSink = new ISink() {
                @Override
                public void accept(MetricsContext context) {
                    try {
                        List<String> documents = new ArrayList<>(context.serialize());
                        documents.forEach(lines);
                    } catch (Exception unserializable) {
                        throw new IllegalStateException(unserializable);
                    }
                }

                @Override
                public CompletableFuture<Void> shutdown() {
                    return CompletableFuture.completedFuture(null);
                }
            };
            this.environment = CompletableFuture.completedFuture(new LambdaEnvironment() {
                @Override
                public ISink getSink() {
                    return iSink;
                }
            });
        }

        @Override
        public CompletableFuture<Environment> resolveEnvironment() {
            return environment;
        }

        @Override
        public Environment getDefaultEnvironment() {
            return environment.join();
        }
    }
}
