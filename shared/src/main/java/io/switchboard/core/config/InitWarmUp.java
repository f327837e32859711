package io.switchboard.core.config;

import io.switchboard.core.model.Identity;
import io.switchboard.core.ops.Telemetry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A function's init on Lambda, on two threads: while the init thread starts the application context, a second
 * thread builds the DynamoDB client from the environment (the context's factory takes it, see
 * {@link AwsClientFactory#dynamoDb}) and then does what the first invocation would otherwise do first: the JSON log
 * layout's and the EMF writer's first use ({@link Telemetry#prime}) and libphonenumber's metadata. The init thread
 * waits for it before the function takes its first invocation, so nothing runs beside an invocation.
 *
 * <p>The two overlap only where init has more than one CPU: Lambda gives a function CPU in proportion to its memory
 * (one vCPU at 1,769 MB; https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html); with less, the same
 * work is merely done in another order. With SnapStart all of it is in the snapshot ({@code Priming}).
 *
 * <p>Logging is started on the init thread before the second thread exists: SLF4J hands a thread that asks for a
 * logger while another thread is still starting it a substitute logger that drops its lines and warns on stderr.
 * The SDK's classes are first initialized on the second thread only (the init thread waits for the client), so the
 * two threads never initialize the same library's classes in opposite orders.
 */
final class InitWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(InitWarmUp.class);

    /** The client built early and the settings it was built from; taken once, by the context's factory. */
    private static volatile CompletableFuture<DynamoDbClient> earlyDynamoDb;
    private static volatile Map<String, Optional<String>> earlyInputs;
    /** Clients handed to a context so far (for tests). */
    static final java.util.concurrent.atomic.AtomicInteger HANDED_OUT = new java.util.concurrent.atomic.AtomicInteger();

    private final Thread thread;

    private InitWarmUp(String function, Settings settings, CompletableFuture<DynamoDbClient> dynamoDb) {
        this.thread = new Thread(() -> warm(function, settings, dynamoDb), "init-warm-up");
        thread.setDaemon(true);
    }

    /** Starts warming up for {@code function} (its name goes into the first log line), configured from the environment. */
    static InitWarmUp start(String function) {
        Settings settings = Settings.environment();
        CompletableFuture<DynamoDbClient> dynamoDb = new CompletableFuture<>();
        InitWarmUp warmUp = new InitWarmUp(function, settings, dynamoDb);
        if (!"off".equals(System.getProperty("switchboard.init.warmup"))) {
            earlyInputs = AwsClientFactory.clientInputs(settings);
            earlyDynamoDb = dynamoDb;
            warmUp.thread.start();
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

    private static void warm(String function, Settings settings, CompletableFuture<DynamoDbClient> dynamoDb) {
        try {
            dynamoDb.complete(AwsClientFactory.dynamoDbWithout(settings));
        } catch (RuntimeException | LinkageError failed) {
            dynamoDb.completeExceptionally(failed);
        }
        try {
            Telemetry.prime(function + ": initializing");
            Identity.phone("+14155550100");
        } catch (RuntimeException | LinkageError failed) {
            LOG.debug("init warm-up stopped early: {}", failed.toString());
        }
    }
}
