package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.store.LogItems;
import io.switchboard.fanout.FanoutHandler;
import io.switchboard.local.LocalCloud;
import io.switchboard.whatsapp.WhatsAppWebhookHandler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The webhook benchmark: prints a table of cold start, warm latency, AWS requests per webhook, jar sizes, per-call
 * cost after many invocations with a Lambda Context, Meta batches, fan-out throughput and gateway latency, each
 * beside a baseline or goal measured in the same run (these machines are shared and noisy: compare ratios).
 *
 * <pre>java -jar infra/bench/target/switchboard-bench.jar [--help] [--only warm,batch] [--jvms 5] ...</pre>
 */
public final class WebhookBenchmark {

    private static final int CUSTOMERS = 100;
    /** The jar goal, 12 MB, taken as 12,000,000 bytes. */
    private static final long JAR_GOAL_BYTES = 12_000_000L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebhookBenchmark.class);

    private WebhookBenchmark() {
    }

    /** The parts, in the order they run; --only picks some of them. */
    static final List<String> PARTS = List.of("cold", "warm", "requests", "jars", "context", "batch", "fanout", "gateway",
            "logging");

    private static final String VERIFY_TOKEN = "bench-verify-token";

    private static final String HELP = """
            Switchboard webhook benchmark: prints one table, every figure beside a baseline or goal measured in the same run.

            java -jar infra/bench/target/switchboard-bench.jar [options]

            options:
              --help                 this text
              --only PART,PART...    run only these parts (default: all): cold,warm,requests,jars,context,batch,fanout,gateway,logging
              --jvms N               fresh JVMs per cold-start variant (default 7)
              --from-jar             cold starts run the jar file itself (default: the jar unpacked into a
                                     directory, as Lambda runs a function from /var/task)
              --webhooks N           warm webhooks timed (default 1000)
              --warmup N             untimed webhooks of each handler first, so both run JIT-compiled code
                                     (default 3000)
              --context-calls N      invocations before the late per-call window (default 10000)
              --batch N              messages in the Meta batch POST (default 1000)
              --fanout-events N      log changes written and fanned out (default 3000)
              --fanout-customers N,N customers the changes are spread over, round robin; one fan-out run per
                                     value (default 100,10: many customers, each with ~1 event per stream batch,
                                     and few, each with several)
              --gateway-requests N   sequential handshake GETs (default 500)

            parts and their rows:
              cold      wall time of a fresh JVM (median of --jvms, interleaved): an empty JVM (floor), a plain handler
                        built here without a framework (baseline: HMAC over the raw body, Jackson parse, GetItem,
                        conditional UpdateItem of the webhook's shape; SDK v2, URLConnection client) and the WhatsApp
                        function through its no-arg constructor (goal <= 1.15x), each answering one signed webhook of a
                        known customer with a Lambda Context, from the jar unpacked into a directory as Lambda runs it
                        (--from-jar: the jar file); then the classes each loads (-Xlog:class+load)
              warm      p50/p99 wall and CPU p50 of one signed webhook, known customer, the function vs the plain
                        handler invoked alternately in this JVM, both making a GetItem and a conditional UpdateItem
                        (goal <= 1.10x CPU); the plain handler inside the function's telemetry (Powertools logging
                        context, one log line, one EMF document: informational); a known customer's message that
                        moves its last activity (a 2-item transaction); and a new customer's first message
              requests  AWS requests made per webhook (new customer, known customer warm and fresh, duplicate)
              jars      size of each function's deployable jar (goal <= 12 MB: 12,000,000 bytes)
              context   p50 wall and CPU per call of a window of 200 webhooks invoked with a Lambda Context, after 100
                        calls vs after --context-calls calls of the same handler (goal <= 1.10x), and the context's
                        bean definitions at both points; the JIT is warmed on another handler first
              batch     time to answer one signed POST of --batch messages from new customers (goal <= 3 s), then
                        from the same, now known, customers (goal <= 2 s), then the known batch delivered again (a
                        retry); the log's entries counted with a Scan before and after (nothing lost or doubled); before
                        each batch, the store floor: as many items as it writes (3 per new customer, 1 per known)
                        written straight to the embedded DynamoDB in 100-item transactions on 8 threads
              fanout    events/s published by FanoutHandler from --fanout-events log changes read from the table's
                        stream, one message per request on one thread (FANOUT_BATCH_ENTRIES=1, FANOUT_CONCURRENCY=1:
                        baseline) vs the defaults (goal >= 5x); messages on each fresh FIFO queue vs events expected
              gateway   p50/p99 of --gateway-requests sequential GET handshakes to the local gateway over one
                        keep-alive HTTP/1.1 connection (goal p50 <= 5 ms)
            """;

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable failure) {
            // Exit now: the embedded services' non-daemon threads would otherwise keep a failed run alive for minutes.
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(HELP);
            return;
        }
        List<String> only = only(args);
        int jvms = intOption(args, "--jvms", 7);
        boolean fromJar = List.of(args).contains("--from-jar");
        int webhooks = intOption(args, "--webhooks", 1000);
        int warmup = intOption(args, "--warmup", 3000);
        int contextCalls = intOption(args, "--context-calls", 10_000);
        int batch = intOption(args, "--batch", 1000);
        int fanoutEvents = intOption(args, "--fanout-events", 3000);
        int gatewayRequests = intOption(args, "--gateway-requests", 500);
        List<Integer> fanoutCustomers = Arrays.stream(stringOption(args, "--fanout-customers", "100,10").split(","))
                .map(String::trim).filter(v -> !v.isEmpty()).map(Integer::parseInt).toList();
        Path root = repositoryRoot();
        System.out.println("Switchboard webhook benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.version") + "; parts: " + String.join(",", only) + ")");
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().streamPoller(false)
                .template(root.resolve("template.yaml"))
                .env(Map.of("WHATSAPP_APP_SECRET", SignedWebhooks.APP_SECRET, "WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)))) {
            Map<String, String> functionEnv = whatsAppEnv(cloud);

            List<String[]> rows = new ArrayList<>();
            if (only.contains("cold")) {
                coldStart(root, functionEnv, jvms, fromJar, rows);
            }
            if (only.contains("warm")) {
                warm(functionEnv, webhooks, warmup, rows);
            }
            if (only.contains("requests")) {
                requestsPerWebhook(functionEnv, rows);
            }
            if (only.contains("jars")) {
                jarSizes(root, rows);
            }
            if (only.contains("context")) {
                perCallDrift(functionEnv, contextCalls, rows);
            }
            if (only.contains("batch")) {
                metaBatch(functionEnv, cloud, batch, rows);
            }
            if (only.contains("fanout")) {
                for (int shape = 0; shape < fanoutCustomers.size(); shape++) {
                    fanout(functionEnv, cloud, fanoutEvents, fanoutCustomers.get(shape), shape, rows);
                }
            }
            if (only.contains("gateway")) {
                gateway(cloud, gatewayRequests, rows);
            }
            if (only.contains("logging")) {
                Path jar = root.resolve("functions/whatsapp/target/switchboard-whatsapp.jar");
                loggingColdStart(fromJar ? jar : ColdStartProbe.unpacked(jar), functionEnv, jvms, rows);
            }
            print(rows);
        }
        // Embedded services leave idle non-daemon threads behind (DynamoDB Local's server pool lingers for
        // minutes); the measurements are done, so end the JVM now.
        System.exit(0);
    }

    /** The WhatsApp function's environment on the embedded cloud, as template.yaml gives it (endpoint, tables, secrets). */
    static Map<String, String> whatsAppEnv(LocalCloud cloud) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_DYNAMODB", cloud.dynamoDbEndpoint());
        env.put("AWS_REGION", "us-east-1");
        env.put("CUSTOMERS_TABLE", cloud.tableName("CustomersTable"));
        env.put("CONVERSATION_LOG_TABLE", cloud.tableName("ConversationLogTable"));
        env.put("WHATSAPP_APP_SECRET", SignedWebhooks.APP_SECRET);
        env.put("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN);
        return env;
    }

    private static List<String> only(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--only") || args[i].startsWith("--only=")) {
                String value = args[i].startsWith("--only=") ? args[i].substring("--only=".length())
                        : i + 1 < args.length ? args[i + 1] : "";
                List<String> parts = Arrays.stream(value.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
                for (String part : parts) {
                    if (!PARTS.contains(part)) {
                        System.err.println("unknown part " + part + " (parts: " + String.join(",", PARTS) + "; see --help)");
                        System.exit(2);
                    }
                }
                return PARTS.stream().filter(parts::contains).toList();
            }
        }
        return PARTS;
    }

    // ------------------------------------------------------------------ cold start

    private static void coldStart(Path root, Map<String, String> env, int jvms, boolean fromJar, List<String[]> rows) throws Exception {
        Path whatsAppJar = root.resolve("functions/whatsapp/target/switchboard-whatsapp.jar");
        if (!Files.exists(whatsAppJar)) {
            throw new IllegalStateException(whatsAppJar + " is missing: run mvn -DskipTests package first");
        }
        // Lambda runs a function from its package unpacked into /var/task, not from the jar file: so do the probes
        // (all of them from the same directory: the baseline's classes come from the same package).
        Path whatsAppCode = fromJar ? whatsAppJar : ColdStartProbe.unpacked(whatsAppJar);
        // A known customer, as most webhooks are: the baseline only reads and writes, it creates no customer.
        String waId = "14155569001";
        long epoch = 1763805600L;
        try (WhatsAppWebhookHandler setup = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env)))) {
            invoke(setup, SignedWebhooks.whatsAppText(waId, "wamid.coldsetup", epoch));
        }
        List<Long> emptyJvm = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        List<Long> plainInit = new ArrayList<>();
        List<Long> plainInvoke = new ArrayList<>();
        List<Long> whatsApp = new ArrayList<>();
        List<Long> whatsAppInit = new ArrayList<>();
        List<Long> whatsAppInvoke = new ArrayList<>();
        for (int i = 0; i < jvms; i++) {
            // Interleaved, so that a burst of load on the shared machine hits all three alike.
            emptyJvm.add(probe(whatsAppCode, env, List.of(), "jvm", waId, "unused")[0]);
            long[] baseline = probe(whatsAppCode, env, List.of(), "plain", waId, "wamid.coldplain." + i);
            plain.add(baseline[0]);
            plainInit.add(baseline[1]);
            plainInvoke.add(baseline[2]);
            long[] run = probe(whatsAppCode, env, List.of(), "whatsapp", waId, "wamid.coldfn." + i);
            whatsApp.add(run[0]);
            whatsAppInit.add(run[1]);
            whatsAppInvoke.add(run[2]);
        }
        long floor = median(emptyJvm);
        long baseline = median(plain);
        long cold = median(whatsApp);
        String how = "median of " + jvms + " fresh JVMs, interleaved" + (fromJar ? ", run from the jar" : "") + "; ";
        rows.add(new String[] {"cold start: empty JVM (floor: java starts and exits)", ms(floor),
                how + "same flags and class path", ratio(floor, baseline) + " of baseline"});
        rows.add(new String[] {"cold start: plain handler, no framework (baseline) + 1 webhook", ms(baseline),
                how + "init " + median(plainInit) + " ms, first webhook " + median(plainInvoke)
                        + " ms; HMAC, Jackson, GetItem, conditional UpdateItem", "1.00x"});
        rows.add(new String[] {"cold start: WhatsApp function (no-arg constructor) + 1 webhook", ms(cold),
                how + "init " + median(whatsAppInit) + " ms, first webhook " + median(whatsAppInvoke)
                        + " ms; known customer", ratio(cold, baseline) + " (goal <= 1.15x)"});
        // Classes loaded: one more fresh JVM of each, logging class loads (not timed).
        for (String mode : List.of("plain", "whatsapp")) {
            Path log = Files.createTempFile("class-load", ".log");
            try {
                probe(whatsAppCode, env, List.of("-Xlog:class+load=info:file=" + log), mode, waId, "wamid.coldclasses." + mode);
                List<String> lines = Files.readAllLines(log);
                rows.add(new String[] {"classes loaded in a cold start: " + ("plain".equals(mode) ? "plain handler" : "WhatsApp function"),
                        String.valueOf(lines.size()), "io.micronaut " + countClasses(lines, " io.micronaut.")
                        + ", of them io.micronaut.http " + countClasses(lines, " io.micronaut.http.")
                        + "; reactor " + countClasses(lines, " reactor.") + "; software.amazon " + countClasses(lines, " software.amazon.")
                        + "; com.fasterxml " + countClasses(lines, " com.fasterxml."), ""});
            } finally {
                Files.deleteIfExists(log);
            }
        }
    }

    /** The WhatsApp function's cold start with JSON logs and EMF metrics vs without (log4j's simple logger, off). */
    private static void loggingColdStart(Path jar, Map<String, String> env, int jvms, List<String[]> rows) throws Exception {
        List<String> off = List.of("-Dswitchboard.telemetry=off", "-Dorg.apache.logging.log4j.simplelog.level=OFF",
                "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        List<Long> with = new ArrayList<>();
        List<Long> without = new ArrayList<>();
        for (int i = 0; i < jvms; i++) { // interleaved, the same known customer
            with.add(probe(jar, env, List.of(), "whatsapp", "14155569002", "wamid.coldlog." + i)[0]);
            without.add(probe(jar, env, off, "whatsapp", "14155569002", "wamid.coldnolog." + i)[0]);
        }
        rows.add(new String[] {"cold start: WhatsApp function with logs + metrics (JSON log4j2, Powertools, EMF)",
                ms(median(with)), "median of " + jvms + " fresh JVMs, interleaved with the same without them (log4j core "
                + "and Powertools off): " + ms(median(without)), ratio(median(with), median(without)) + " of without"});
    }

    private static long countClasses(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.contains(prefix)).count();
    }

    /** Wall ms of one fresh JVM, and the probe's own init and invoke ms. */
    private static long[] probe(Path jar, Map<String, String> env, List<String> jvmOptions, String mode, String waId,
                                String wamid) throws Exception {
        ColdStartProbe.Run run = ColdStartProbe.runFreshJvm(jar, env, jvmOptions, mode, waId, wamid);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("cold-start probe (" + mode + ") failed: " + run.output());
        }
        long[] figures = run.figures();
        return new long[] {run.wallMillis(), figures[1], figures[2]};
    }

    // ------------------------------------------------------------------ warm

    private static void warm(Map<String, String> env, int webhooks, int warmup, List<String[]> rows) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long epoch = 1763805600L;
        try (WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env)))) {
            PlainWebhookHandler plain = new PlainWebhookHandler(env);
            PlainWithTelemetry plainTelemetry = new PlainWithTelemetry(plain);
            for (int i = 0; i < 2 * CUSTOMERS; i++) {
                invoke(handler, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.warmup." + i, epoch + i));
                invoke(plain, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.plainwarmup." + i, epoch + i));
            }
            // Warm: the JIT has compiled both handlers' paths (the function's is longer and takes more calls to
            // compile; timed too early it runs partly interpreted). Same request shape as the timed calls below.
            for (int i = 0; i < warmup; i++) {
                long sameMinute = epoch + 100 + (i % CUSTOMERS) + (i / CUSTOMERS) % 50;
                invoke(handler, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.jit." + i, sameMinute));
                invoke(plain, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.plainjit." + i, sameMinute));
                invoke(plainTelemetry, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.telejit." + i, sameMinute));
            }
            long[][] known = new long[2][webhooks];
            long[][] floor = new long[2][webhooks];
            long[][] floorTelemetry = new long[2][webhooks];
            for (int i = 0; i < webhooks; i++) {
                // Alternating the two, same customers, same request shape: a read and a conditional write each. A
                // customer's messages here come within a minute of its last activity (the warm-up's second message,
                // epoch + 100 + customer), so the customer record is not rewritten (ConversationPolicy's activity
                // resolution): one GetItem and one conditional UpdateItem, as the plain handler does.
                long sameMinute = epoch + 100 + (i % CUSTOMERS) + (i / CUSTOMERS) % 50;
                timed(plain, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.plain." + i, sameMinute),
                        threads, floor, i);
                timed(handler, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.warm." + i, sameMinute),
                        threads, known, i);
                timed(plainTelemetry, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.tele." + i, sameMinute),
                        threads, floorTelemetry, i);
            }
            // Messages minutes apart move the conversation's last activity: the entry and the customer record are
            // written in one transaction (1 read + a 2-item TransactWriteItems), more than the plain handler does.
            int movingCount = Math.max(100, webhooks / 5);
            long[][] moving = new long[2][movingCount];
            for (int i = 0; i < movingCount; i++) {
                timed(handler, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.moving." + i,
                        epoch + 1000 + 120L * i), threads, moving, i);
            }
            int newCount = Math.max(100, webhooks / 5);
            long[][] created = new long[2][newCount];
            for (int i = 0; i < newCount; i++) {
                timed(handler, SignedWebhooks.whatsAppText("1415557" + String.format("%04d", i), "wamid.new." + i, epoch),
                        threads, created, i);
            }
            String how = "p50 / p99 wall over " + webhooks + " (after " + warmup + " untimed); CPU p50 ";
            rows.add(new String[] {"warm: plain handler, known customer (baseline)",
                    us(percentile(floor[0], 50)) + " / " + us(percentile(floor[0], 99)),
                    how + us(percentile(floor[1], 50)) + "; GetItem + conditional UpdateItem of the same shape", "1.00x"});
            rows.add(new String[] {"warm: WhatsApp function, known customer's text message",
                    us(percentile(known[0], 50)) + " / " + us(percentile(known[0], 99)), how + us(percentile(known[1], 50))
                            + "; GetItem + conditional UpdateItem (within a minute of its last activity)",
                    ratio(percentile(known[0], 50), percentile(floor[0], 50)) + " wall, "
                            + ratio(percentile(known[1], 50), percentile(floor[1], 50)) + " CPU (goal <= 1.10x)"});
            rows.add(new String[] {"warm: plain handler + the function's telemetry (informational)",
                    us(percentile(floorTelemetry[0], 50)) + " / " + us(percentile(floorTelemetry[0], 99)),
                    how + us(percentile(floorTelemetry[1], 50)) + "; Powertools logging context, one INFO line, one EMF "
                            + "document per webhook; the function's CPU is " + ratio(percentile(known[1], 50),
                            percentile(floorTelemetry[1], 50)) + " of this",
                    ratio(percentile(floorTelemetry[0], 50), percentile(floor[0], 50)) + " wall, "
                            + ratio(percentile(floorTelemetry[1], 50), percentile(floor[1], 50)) + " CPU"});
            rows.add(new String[] {"warm: WhatsApp function, known customer, message moving its last activity",
                    us(percentile(moving[0], 50)) + " / " + us(percentile(moving[0], 99)),
                    "p50 / p99 wall over " + movingCount + "; CPU p50 " + us(percentile(moving[1], 50))
                            + "; GetItem + a 2-item TransactWriteItems (entry + customer record)",
                    ratio(percentile(moving[0], 50), percentile(floor[0], 50)) + " wall, "
                            + ratio(percentile(moving[1], 50), percentile(floor[1], 50)) + " CPU"});
            rows.add(new String[] {"warm: WhatsApp function, first message of a new customer",
                    us(percentile(created[0], 50)) + " / " + us(percentile(created[0], 99)),
                    "p50 / p99 wall over " + newCount + "; CPU p50 " + us(percentile(created[1], 50)),
                    ratio(percentile(created[0], 50), percentile(floor[0], 50)) + " wall"});
        }
    }

    /**
     * The plain handler inside the telemetry the function has (an informational baseline; the has none):
     * Powertools' logging context per invocation, the pipeline's counts flushed as one EMF document, and one INFO
     * line per webhook, all through {@link io.switchboard.core.ops.Telemetry} as the function does. The difference
     * between this row and the function's is the framework and the pipeline alone.
     */
    static final class PlainWithTelemetry implements com.amazonaws.services.lambda.runtime.RequestHandler<
            APIGatewayV2HTTPEvent, com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse> {
        private static final org.slf4j.Logger LINE = org.slf4j.LoggerFactory.getLogger(PlainWithTelemetry.class);
        private final PlainWebhookHandler plain;

        PlainWithTelemetry(PlainWebhookHandler plain) {
            this.plain = plain;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse handleRequest(
                APIGatewayV2HTTPEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            return io.switchboard.core.ops.Telemetry.invocation(context, "PlainWebhookHandler", () -> {
                var answer = plain.handleRequest(event, context);
                for (String metric : List.of(io.switchboard.core.ops.MetricNames.WEBHOOKS_RECEIVED,
                        io.switchboard.core.ops.MetricNames.WEBHOOKS_STORED, io.switchboard.core.ops.MetricNames.ENTRIES_STORED)) {
                    io.switchboard.core.ops.Telemetry.count("whatsapp", metric, 1);
                }
                for (String metric : List.of(io.switchboard.core.ops.MetricNames.DUPLICATES,
                        io.switchboard.core.ops.MetricNames.STATUSES_APPLIED, io.switchboard.core.ops.MetricNames.CUSTOMERS_CREATED)) {
                    io.switchboard.core.ops.Telemetry.count("whatsapp", metric, 0);
                }
                LINE.info("whatsapp POST /webhooks/whatsapp -> {} stored 1 interactions", answer.getStatusCode());
                return answer;
            });
        }
    }

    /** Wall and calling-thread CPU nanos of one call, into samples[0][i] and samples[1][i]. */
    private static void timed(com.amazonaws.services.lambda.runtime.RequestHandler<APIGatewayV2HTTPEvent,
            com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse> handler, APIGatewayV2HTTPEvent event,
                              ThreadMXBean threads, long[][] samples, int i) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        invoke(handler, event);
        samples[0][i] = System.nanoTime() - start;
        samples[1][i] = threads.getCurrentThreadCpuTime() - cpuStart;
    }

    // ------------------------------------------------------------------ requests per webhook

    private static void requestsPerWebhook(Map<String, String> env, List<String[]> rows) {
        RequestCounter counter = new RequestCounter();
        long epoch = 1763900000L;
        try (WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env), counter))) {
            String waId = "14155580001";
            counter.reset();
            invoke(handler, SignedWebhooks.whatsAppText(waId, "wamid.req.1", epoch));
            rows.add(requestsRow("AWS requests: new customer's first message", counter));
            counter.reset();
            invoke(handler, SignedWebhooks.whatsAppText(waId, "wamid.req.2", epoch + 30));
            rows.add(requestsRow("AWS requests: known customer's text (warm container)", counter));
            counter.reset();
            invoke(handler, SignedWebhooks.whatsAppText(waId, "wamid.req.2", epoch + 30));
            rows.add(requestsRow("AWS requests: duplicate delivery", counter));
        }
        try (WhatsAppWebhookHandler fresh = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env), counter))) {
            counter.reset();
            invoke(fresh, SignedWebhooks.whatsAppText("14155580001", "wamid.req.3", epoch + 60));
            rows.add(requestsRow("AWS requests: known customer's text (fresh container)", counter));
        }
    }

    private static String[] requestsRow(String what, RequestCounter counter) {
        return new String[] {what, counter.reads() + " read, " + counter.writes() + " write", counter.detail(), ""};
    }

    // ------------------------------------------------------------------ jars

    private static void jarSizes(Path root, List<String[]> rows) throws IOException {
        try (var functions = Files.list(root.resolve("functions"))) {
            for (Path module : functions.sorted().toList()) {
                Path jar = module.resolve("target/switchboard-" + module.getFileName() + ".jar");
                if (Files.exists(jar)) {
                    long bytes = Files.size(jar);
                    rows.add(new String[] {"deployable jar: " + root.relativize(jar),
                            String.format("%.2f MB", bytes / 1_000_000.0), String.format("%,d bytes", bytes),
                            String.format("%.2fx of goal <= 12 MB", bytes / (double) JAR_GOAL_BYTES)});
                }
            }
        }
    }

    // ------------------------------------------------------------------ per-call cost with a Lambda Context

    /**
     * Lambda hands every invocation a Context: a handler that registers something per call grows slower with
     * every call a container serves. The same handler, the same request shape, early window vs late window.
     */
    private static void perCallDrift(Map<String, String> env, int calls, List<String[]> rows) {
        int window = 200;
        long epoch = 1764000000L;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // JIT and class loading on another container first (this JVM may have run nothing yet): the early window
        // must not be slow for reasons that have nothing to do with how many calls the handler has served.
        try (WhatsAppWebhookHandler warmup = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env)))) {
            for (int i = 0; i < 1000; i++) {
                invoke(warmup, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.ctxwarm." + i, epoch - 2000 + i));
            }
        }
        try (WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env)))) {
            int call = 0;
            for (; call < 100; call++) {
                invoke(handler, SignedWebhooks.whatsAppText(customer(call % CUSTOMERS), "wamid.ctx." + call, epoch + call));
            }
            int beansEarly = handler.getApplicationContext().getAllBeanDefinitions().size();
            long[][] early = timedWindow(handler, threads, call, window, epoch);
            call += window;
            for (; call < calls; call++) {
                invoke(handler, SignedWebhooks.whatsAppText(customer(call % CUSTOMERS), "wamid.ctx." + call, epoch + call));
            }
            int beansLate = handler.getApplicationContext().getAllBeanDefinitions().size();
            long[][] late = timedWindow(handler, threads, call, window, epoch);
            String how = "p50 wall / CPU of " + window + " calls, each with a Lambda Context";
            rows.add(new String[] {"per call after 100 invocations with a Context (baseline)",
                    us(percentile(early[0], 50)) + " / " + us(percentile(early[1], 50)), how + "; " + beansEarly + " bean definitions",
                    "1.00x"});
            rows.add(new String[] {"per call after " + String.format("%,d", calls) + " invocations with a Context",
                    us(percentile(late[0], 50)) + " / " + us(percentile(late[1], 50)), how + "; " + beansLate + " bean definitions",
                    ratio(percentile(late[0], 50), percentile(early[0], 50)) + " wall, "
                            + ratio(percentile(late[1], 50), percentile(early[1], 50)) + " CPU (goal <= 1.10x)"});
        }
    }

    /** Wall and thread-CPU nanos of {@code size} calls starting at call number {@code first}. */
    private static long[][] timedWindow(WhatsAppWebhookHandler handler, ThreadMXBean threads, int first, int size, long epoch) {
        long[] wall = new long[size];
        long[] cpu = new long[size];
        for (int i = 0; i < size; i++) {
            int call = first + i;
            APIGatewayV2HTTPEvent event = SignedWebhooks.whatsAppText(customer(call % CUSTOMERS), "wamid.ctx." + call, epoch + call);
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            invoke(handler, event);
            wall[i] = System.nanoTime() - start;
            cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
        }
        return new long[][] {wall, cpu};
    }

    // ------------------------------------------------------------------ Meta batch

    /**
     * One signed POST of {@code size} messages from as many new customers, then the same customers again (now
     * known), then that second delivery again (a retry), each answered by the handler against the embedded cloud.
     */
    private static void metaBatch(Map<String, String> env, LocalCloud cloud, int size, List<String[]> rows) {
        DynamoDbClient dynamoDb = cloud.dynamoDb();
        String logTable = cloud.tableName("ConversationLogTable");
        long epoch = 1764100000L;
        List<String> senders = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            senders.add("1415560" + String.format("%04d", i));
        }
        try (WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env)))) {
            // The handler's first batch (class loading, JIT, connections) on other customers, not timed.
            List<String> warmup = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                warmup.add("1415562" + String.format("%04d", i));
            }
            invoke(handler, SignedWebhooks.whatsAppBatch(warmup, "wamid.batchwarm.", epoch));

            // The store's own floor, measured just before each batch: what the embedded DynamoDB takes to write as
            // many items in 100-item transactions on the recorder's 8 threads. A new customer's message is 3 items
            // (identity claim, customer record, entry), a known customer's 1. On a shared 2-core machine the store is
            // most of a batch's time, so a batch's time moves with the machine's load; its ratio to this floor does not.
            String floorTable = storeFloorTable(dynamoDb);
            long newFloor = storeFloorMillis(dynamoDb, floorTable, 3 * size, "new");
            long[] created = batchRun(handler, dynamoDb, logTable, SignedWebhooks.whatsAppBatch(senders, "wamid.batchnew.", epoch));
            rows.add(floorRow(3 * size, newFloor));
            rows.add(batchRow(String.format("%,d", size) + "-message Meta batch, new customers (1 POST)", created, size,
                    3000, size, newFloor));
            APIGatewayV2HTTPEvent known = SignedWebhooks.whatsAppBatch(senders, "wamid.batchknown.", epoch + 60);
            long knownFloor = storeFloorMillis(dynamoDb, floorTable, size, "known");
            long[] again = batchRun(handler, dynamoDb, logTable, known);
            rows.add(floorRow(size, knownFloor));
            rows.add(batchRow(String.format("%,d", size) + "-message Meta batch, known customers (1 POST)", again, size,
                    2000, 0, knownFloor));
            long[] retried = batchRun(handler, dynamoDb, logTable, known);
            rows.add(batchRow("the known-customer batch delivered again (Meta's retry)", retried, 0, 2000, 0, 0));
        }
    }

    /** {answer millis, entries added, customers added}. */
    private static long[] batchRun(WhatsAppWebhookHandler handler, DynamoDbClient dynamoDb, String table,
                                   APIGatewayV2HTTPEvent event) {
        long entriesBefore = countRecords(dynamoDb, table, LogItems.TYPE_ENTRY);
        long customersBefore = countRecords(dynamoDb, table, LogItems.TYPE_CUSTOMER);
        long start = System.nanoTime();
        invoke(handler, event);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new long[] {millis, countRecords(dynamoDb, table, LogItems.TYPE_ENTRY) - entriesBefore,
                countRecords(dynamoDb, table, LogItems.TYPE_CUSTOMER) - customersBefore};
    }

    /** A table of the log's key shape, apart from the log (its items are no entries and feed no stream). */
    private static String storeFloorTable(DynamoDbClient dynamoDb) {
        String table = "bench-store-floor-" + System.nanoTime();
        dynamoDb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build()));
        return table;
    }

    /** Millis to write {@code items} entry-sized items, 100 to a conditional TransactWriteItems, on 8 threads. */
    private static long storeFloorMillis(DynamoDbClient dynamoDb, String table, int items, String run) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
            long start = System.nanoTime();
            for (int from = 0; from < items; from += 100) {
                int first = from;
                int last = Math.min(items, from + 100);
                parts.add(pool.submit(() -> {
                    List<TransactWriteItem> puts = new ArrayList<>();
                    for (int i = first; i < last; i++) {
                        Map<String, AttributeValue> item = new LinkedHashMap<>();
                        item.put("pk", AttributeValue.fromS(run + "-customer-" + i));
                        item.put("sk", AttributeValue.fromS("entry#e" + i));
                        for (String name : List.of("recordType", "channel", "source", "direction", "kind", "occurredAt",
                                "timeKey", "providerMessageId", "text", "conversationId")) {
                            item.put(name, AttributeValue.fromS(name + "-" + run + "-" + i));
                        }
                        puts.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                                .conditionExpression("attribute_not_exists(sk)")).build());
                    }
                    dynamoDb.transactWriteItems(b -> b.transactItems(puts));
                }));
            }
            for (java.util.concurrent.Future<?> part : parts) {
                part.get();
            }
            return (System.nanoTime() - start) / 1_000_000;
        } catch (Exception e) {
            throw new IllegalStateException("store floor", e);
        } finally {
            pool.shutdown();
        }
    }

    private static String[] floorRow(int items, long millis) {
        return new String[] {"store floor: " + String.format("%,d", items) + " items, 100-item transactions, 8 threads",
                String.format("%.2f s", millis / 1000.0), "the embedded DynamoDB alone, just before the batch below", "1.00x"};
    }

    private static String[] batchRow(String what, long[] run, int expectedEntries, long goalMillis, int expectedCustomers,
                                     long floorMillis) {
        String check = run[1] == expectedEntries && run[2] == expectedCustomers ? "ok"
                : "EXPECTED " + expectedEntries + " and " + expectedCustomers;
        return new String[] {what, String.format("%.2f s", run[0] / 1000.0),
                "answer time via the handler; +" + run[1] + " entries, +" + run[2] + " customers in the log (" + check + ")",
                String.format("%.2fx of goal <= %d s", (double) run[0] / goalMillis, goalMillis / 1000)
                        + (floorMillis > 0 ? String.format("; %.2fx of the store floor", (double) run[0] / floorMillis) : "")};
    }

    /** Items of the log with this record type, by a Scan COUNT. */
    private static long countRecords(DynamoDbClient dynamoDb, String table, String recordType) {
        long count = 0;
        for (ScanResponse page : dynamoDb.scanPaginator(ScanRequest.builder().tableName(table).select(Select.COUNT)
                .filterExpression("#t = :t").expressionAttributeNames(Map.of("#t", LogItems.RECORD_TYPE))
                .expressionAttributeValues(Map.of(":t", LogItems.s(recordType))).consistentRead(true).build())) {
            count += page.count();
        }
        return count;
    }

    // ------------------------------------------------------------------ fan-out

    /**
     * {@code changes} webhooks of known customers, their log changes read back from the table's stream, and those
     * fed to FanoutHandler twice, each time into a fresh FIFO queue: one message per request on one thread (the
     * baseline), then with the defaults.
     */
    private static void fanout(Map<String, String> env, LocalCloud cloud, int changes, int customers, int shape,
                               List<String[]> rows) {
        long epoch = 1764200000L;
        String logTable = cloud.tableName("ConversationLogTable");
        Settings cloudSettings = Settings.of(env);
        try (WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env)));
             DynamoDbStreamsClient streams = AwsClientFactory.configure(DynamoDbStreamsClient.builder(), "DYNAMODB",
                     cloudSettings, List.of()).build()) {
            for (int i = 0; i < customers; i++) {
                invoke(handler, SignedWebhooks.whatsAppText(fanoutCustomer(shape, i), "wamid.fanwarm." + shape + "." + i, epoch));
            }
            Set<String> before = new HashSet<>();
            StreamEvents.readAll(cloud.dynamoDb(), streams, logTable).forEach(r -> before.add(r.dynamodb().sequenceNumber()));
            for (int i = 0; i < changes; i++) {
                invoke(handler, SignedWebhooks.whatsAppText(fanoutCustomer(shape, i % customers), "wamid.fan." + shape + "." + i, epoch + 1 + i));
            }
            List<Record> records = StreamEvents.readAll(cloud.dynamoDb(), streams, logTable).stream()
                    .filter(r -> !before.contains(r.dynamodb().sequenceNumber())).toList();
            String streamArn = cloud.dynamoDb().describeTable(b -> b.tableName(logTable)).table().latestStreamArn();
            List<DynamodbEvent> events = StreamEvents.events(records, streamArn, 100);
            long entries = records.stream().filter(r -> r.dynamodb().hasNewImage()
                    && LogItems.TYPE_ENTRY.equals(attribute(r.dynamodb().newImage(), LogItems.RECORD_TYPE))
                    && !r.dynamodb().hasOldImage()).count();

            Map<String, String> fanoutEnv = new LinkedHashMap<>(env);
            fanoutEnv.put("AWS_ENDPOINT_URL_SQS", cloud.sqsEndpoint());
            fanoutEnv.put("FANOUT_FAILURES_QUEUE_URL", cloud.queueUrl("FanoutFailuresQueue"));
            Map<String, String> oneAtATime = new LinkedHashMap<>(fanoutEnv);
            oneAtATime.put("FANOUT_BATCH_ENTRIES", "1");
            oneAtATime.put("FANOUT_CONCURRENCY", "1");
            long parkedBefore = messagesOn(cloud.sqs(), cloud.queueUrl("FanoutFailuresQueue"));
            // Class loading and JIT for both publishers on throwaway queues, so the baseline does not pay for both.
            List<DynamodbEvent> warmup = events.isEmpty() ? List.of() : List.of(events.get(0));
            fanoutRun(cloud, oneAtATime, "bench-fanout-warm-one-" + shape, warmup);
            fanoutRun(cloud, fanoutEnv, "bench-fanout-warm-batched-" + shape, warmup);

            long[] baseline = fanoutRun(cloud, oneAtATime, "bench-fanout-one-" + shape, events);
            long[] batched = fanoutRun(cloud, fanoutEnv, "bench-fanout-batched-" + shape, events);
            long parked = messagesOn(cloud.sqs(), cloud.queueUrl("FanoutFailuresQueue")) - parkedBefore;
            double baselineRate = baseline[1] * 1e9 / baseline[0];
            double batchedRate = batched[1] * 1e9 / batched[0];
            String source = records.size() + " stream records (" + entries + " new entries) from " + changes + " webhooks of "
                    + customers + " customers, fed 100 records per call";
            rows.add(new String[] {"fan-out, " + customers + " customers: one message per request, 1 thread (baseline)",
                    String.format("%.0f events/s", baselineRate),
                    fanoutHow(baseline, source, entries), "1.00x"});
            rows.add(new String[] {"fan-out, " + customers + " customers: defaults (SendMessageBatch, parallel lanes)",
                    String.format("%.0f events/s", batchedRate),
                    fanoutHow(batched, source, entries) + (parked == 0 ? "" : "; " + parked + " PARKED"),
                    String.format("%.2fx (goal >= 5x)", batchedRate / baselineRate)});
        }
    }

    /** {nanos, messages on the queue, batch item failures} of feeding every event to a fresh handler and queue. */
    private static long[] fanoutRun(LocalCloud cloud, Map<String, String> env, String queueName, List<DynamodbEvent> events) {
        SqsClient sqs = cloud.sqs();
        String queueUrl = sqs.createQueue(b -> b.queueName(queueName + ".fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<String, String> settings = new LinkedHashMap<>(env);
        settings.put("SUBSCRIBER_QUEUE_ARNS", arn);
        long failures = 0;
        long elapsed;
        try (FanoutHandler handler = new FanoutHandler(Contexts.with(Settings.of(settings)))) {
            long start = System.nanoTime();
            for (DynamodbEvent event : events) {
                StreamsEventResponse response = handler.handleRequest(event, new io.switchboard.core.config.InvocationContext("switchboard-bench", 15, 1024, LOG));
                if (response.getBatchItemFailures() != null) {
                    failures += response.getBatchItemFailures().size();
                }
            }
            elapsed = System.nanoTime() - start;
        }
        return new long[] {elapsed, messagesOn(sqs, queueUrl), failures};
    }

    private static String fanoutHow(long[] run, String source, long expected) {
        String check = run[1] == expected ? "ok" : "EXPECTED " + expected;
        return String.format("%s; %.2f s; %d messages on a fresh FIFO queue (%s)", source, run[0] / 1e9, run[1], check)
                + (run[2] == 0 ? "" : "; " + run[2] + " batch item failures");
    }

    private static long messagesOn(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    private static String attribute(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    /** Shape 0: 1415563xxxx, shape 1: 1415564xxxx... (ranges no other part uses). */
    private static String fanoutCustomer(int shape, int index) {
        return "14155" + (63 + shape) + String.format("%04d", index);
    }

    // ------------------------------------------------------------------ gateway

    /** Sequential GET handshakes through the local gateway on one keep-alive HTTP/1.1 connection. */
    private static void gateway(LocalCloud cloud, int requests, List<String[]> rows) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(cloud.baseUrl() + "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN
                + "&hub.challenge=1");
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        long[] samples = new long[requests];
        for (int i = -50; i < requests; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            long elapsed = System.nanoTime() - start;
            if (response.statusCode() != 200 || !"1".equals(response.body().trim())) {
                throw new IllegalStateException("handshake answered " + response.statusCode() + ": " + response.body());
            }
            if (i >= 0) {
                samples[i] = elapsed;
            }
        }
        long p50 = percentile(samples, 50);
        rows.add(new String[] {"gateway: GET handshake, one keep-alive connection",
                us(p50) + " / " + us(percentile(samples, 99)),
                "p50 / p99 of " + requests + " sequential requests (after 50), HTTP/1.1",
                String.format("%.2fx of goal p50 <= 5 ms", p50 / 5_000_000.0)});
    }

    // ------------------------------------------------------------------ helpers

    private static void invoke(com.amazonaws.services.lambda.runtime.RequestHandler<APIGatewayV2HTTPEvent,
            com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse> handler, APIGatewayV2HTTPEvent event) {
        int status = handler.handleRequest(event, new io.switchboard.core.config.InvocationContext("switchboard-bench", 15, 1024, LOG)).getStatusCode();
        if (status != 200) {
            throw new IllegalStateException("webhook answered " + status);
        }
    }

    private static String customer(int index) {
        return "1415559" + String.format("%04d", index);
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    static long percentile(long[] samples, int percentile) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String ms(long millis) {
        return millis + " ms";
    }

    private static String us(long nanos) {
        return String.format("%.2f ms", nanos / 1_000_000.0);
    }

    private static String ratio(long value, long baseline) {
        return String.format("%.2fx", (double) value / baseline);
    }

    static void print(List<String[]> rows) {
        int[] widths = {6, 5, 6, 5};
        String[] header = {"measure", "value", "how", "ratio"};
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] row : all) {
            for (int c = 0; c < 4; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        String format = "| %-" + widths[0] + "s | %" + widths[1] + "s | %-" + widths[2] + "s | %" + widths[3] + "s |%n";
        System.out.printf(format, (Object[]) header);
        System.out.println("|" + "-".repeat(widths[0] + 2) + "|" + "-".repeat(widths[1] + 2) + "|"
                + "-".repeat(widths[2] + 2) + "|" + "-".repeat(widths[3] + 2) + "|");
        for (String[] row : rows) {
            System.out.printf(format, (Object[]) row);
        }
    }

    static String stringOption(String[] args, String name, String defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return defaultValue;
    }

    static int intOption(String[] args, String name, int defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return defaultValue;
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run the benchmark from the repository (template.yaml not found)");
        }
        return dir;
    }
}
