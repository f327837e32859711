package io.switchboard.core.config;

import io.switchboard.core.model.Identity;
import io.switchboard.core.ops.Telemetry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import io.switchboard.core.json.Json;
import java.util.concurrent.CountDownLatch;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A function's init on Lambda, on two threads. The second thread first does what the first webhook would otherwise
 * do first and what never logs through SLF4J (JSON parsing and writing, the signature's HMAC, libphonenumber's metadata,
 * the TLS trust store) while the init thread
 * starts logging; then it builds the DynamoDB client from the environment (the context's factory takes it, see
 * {@link AwsClientFactory#dynamoDb}) while the init thread does the first use of the JSON log layout and the EMF
 * writer ({@link Telemetry#prime}) and starts the application context. The init thread waits for the second before the
 * function takes its first invocation, so nothing runs beside an invocation.
 *
 * <p>The two overlap only where init has more than one CPU: Lambda gives a function CPU in proportion to its memory
 * (one vCPU at 1,769 MB; https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html); with less, the same
 * work is merely done in another order. With SnapStart all of it is in the snapshot ({@code Priming}).
 *
 * <p>Logging is started by the init thread alone, and the second thread touches nothing that logs through SLF4J
 * until it has: SLF4J hands a thread that asks for a logger while another thread is still starting it a substitute
 * logger that drops its lines and warns on stderr. The SDK's classes (with its own shaded Jackson) are initialized
 * by the second thread only: the init thread waits for the client before it touches it.
 */
final class InitWarmUp {

    /** The client built early and the settings it was built from; taken once, by the context's factory. */
    private static volatile CompletableFuture<DynamoDbClient> earlyDynamoDb;
    private static volatile Map<String, Optional<String>> earlyInputs;
    /** Clients handed to a context so far (for tests). */
    static final java.util.concurrent.atomic.AtomicInteger HANDED_OUT = new java.util.concurrent.atomic.AtomicInteger();

    private final Thread thread;
    private final CountDownLatch loggingStarted = new CountDownLatch(1);

    private InitWarmUp(Settings settings, CompletableFuture<DynamoDbClient> dynamoDb) {
        this.thread = new Thread(() -> warm(settings, dynamoDb), "init-warm-up");
        thread.setDaemon(true);
    }

    /**
     * Starts the second thread, then primes logging and metrics on this one; the caller then starts its context and
     * calls {@link #await}. {@code function} names the function in the first log line.
     */
    static InitWarmUp start(String function) {
        Settings settings = Settings.environment();
        CompletableFuture<DynamoDbClient> dynamoDb = new CompletableFuture<>();
        InitWarmUp warmUp = new InitWarmUp(settings, dynamoDb);
        if (!"off".equals(System.getProperty("switchboard.init.warmup"))) {
            earlyInputs = AwsClientFactory.clientInputs(settings);
            earlyDynamoDb = dynamoDb;
            warmUp.thread.start();
            try {
                // Logging starts here, on the init thread, while the second thread warms up what logs nothing. A
                // logger, not just SLF4J's factory: log4j starts its context at the first logger, and a thread that
                // asks for one while another is starting it gets loggers of the unstarted context (ERROR only).
                LoggerFactory.getLogger(InitWarmUp.class);
            } finally {
                warmUp.loggingStarted.countDown();
            }
            Telemetry.prime(function + ": initializing");
        }
        return warmUp;
    }

    /**
     * The client built early, if one was started for settings with these inputs (else null: the caller builds its
     * own). Waits for it; a client whose build failed is not handed out (the caller's build reports the fault).
     */
    static DynamoDbClient takeDynamoDb(Map<String, Optional<String>> inputs) {
        CompletableFuture<DynamoDbClient> early = earlyDynamoDb;
        if (early == null || !inputs.equals(earlyInputs)) {
            return null;
        }
        earlyDynamoDb = null;
        try {
            DynamoDbClient client = early.join();
            HANDED_OUT.incrementAndGet();
            return client;
        } catch (RuntimeException failed) {
            return null;
        }
    }

    /** Waits until the warm-up is done; it never fails the init. */
    void await() {
        try {
            thread.join();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        // A client nobody took (a context without the factory's DynamoDB bean) is closed, not leaked.
        CompletableFuture<DynamoDbClient> untaken = earlyDynamoDb;
        earlyDynamoDb = null;
        if (untaken != null && !untaken.isCompletedExceptionally()) {
            untaken.join().close();
        }
    }

    private void warm(Settings settings, CompletableFuture<DynamoDbClient> dynamoDb) {
        try {
            // First what never logs, while the init thread starts logging: JSON parsing, the webhook signature's
            // HMAC, and libphonenumber's metadata (it logs through java.util.logging, not SLF4J).
            Json.MAPPER.readTree("{\"entry\":[{\"id\":\"1\",\"time\":1763805600,\"changes\":[{\"value\":{}}]}]}");
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            hmac.doFinal(new byte[64]);
            Identity.phone("+14155550100");
            // Jackson's bean serialization (introspection, annotations, property writers), which the EMF writer's
            // first document on the init thread then finds loaded.
            Json.MAPPER.writeValueAsString(new SerializationSample());
            // TLS: the default trust store (the JDK keeps it once read) and a context on it, as the SDK's HTTP
            // client builds one (the JDK's own logging is not SLF4J).
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init((java.security.KeyStore) null);
            javax.net.ssl.SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
        } catch (Exception | LinkageError ignored) {
            // The first webhook does the same work and reports what fails.
        }
        try {
            loggingStarted.await();
        } catch (InterruptedException interrupted) {
            dynamoDb.completeExceptionally(interrupted);
            return;
        }
        try {
            dynamoDb.complete(AwsClientFactory.dynamoDbWithout(settings));
        } catch (RuntimeException | LinkageError failed) {
            dynamoDb.completeExceptionally(failed);
        }
    }

    /** A bean of the shapes an EMF document has: named properties, a list of maps, "any" properties. */
    private static final class SerializationSample {
        @com.fasterxml.jackson.annotation.JsonProperty("_aws")
        public Map<String, Object> getMetadata() {
            return Map.of("Timestamp", 1_763_805_600_000L, "CloudWatchMetrics", java.util.List.of(Map.of("Namespace", "n")));
        }

        @com.fasterxml.jackson.annotation.JsonAnyGetter
        public Map<String, Object> getTargetMembers() {
            return Map.of("function", "f", "Count", 1.0);
        }

        @com.fasterxml.jackson.annotation.JsonIgnore
        public String getIgnored() {
            return "";
        }
    }
}
