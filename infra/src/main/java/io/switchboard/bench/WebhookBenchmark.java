package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import io.switchboard.whatsapp.WhatsAppWebhookHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The webhook benchmark: prints a table of cold start, warm latency, AWS requests per webhook and jar sizes,
 * each beside a baseline measured in the same run (these machines are shared and noisy: compare ratios).
 *
 * <pre>java -cp infra/target/switchboard-local.jar io.switchboard.bench.WebhookBenchmark [--jvms 5] [--webhooks 1000]</pre>
 */
public final class WebhookBenchmark {

    private static final int CUSTOMERS = 100;

    private WebhookBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int jvms = intOption(args, "--jvms", 5);
        int webhooks = intOption(args, "--webhooks", 1000);
        Path root = repositoryRoot();
        System.out.println("Switchboard webhook benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.version") + ")");
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().streamPoller(false)
                .template(root.resolve("template.yaml")))) {
            Map<String, String> functionEnv = new LinkedHashMap<>();
            functionEnv.put("AWS_ENDPOINT_URL_DYNAMODB", cloud.dynamoDbEndpoint());
            functionEnv.put("AWS_REGION", "us-east-1");
            functionEnv.put("CUSTOMERS_TABLE", cloud.tableName("CustomersTable"));
            functionEnv.put("CONVERSATION_LOG_TABLE", cloud.tableName("ConversationLogTable"));
            functionEnv.put("WHATSAPP_APP_SECRET", SignedWebhooks.APP_SECRET);
            functionEnv.put("WHATSAPP_VERIFY_TOKEN", "bench-verify-token");

            List<String[]> rows = new ArrayList<>();
            coldStart(root, functionEnv, jvms, rows);
            warm(functionEnv, webhooks, rows);
            requestsPerWebhook(functionEnv, rows);
            jarSizes(root, rows);
            print(rows);
        }
        // Embedded services leave idle non-daemon threads behind (DynamoDB Local's server pool lingers for
        // minutes); the measurements are done, so end the JVM now.
        System.exit(0);
    }

    // ------------------------------------------------------------------ cold start

    private static void coldStart(Path root, Map<String, String> env, int jvms, List<String[]> rows) throws Exception {
        Path whatsAppJar = root.resolve("functions/whatsapp/target/switchboard-whatsapp.jar");
        if (!Files.exists(whatsAppJar)) {
            throw new IllegalStateException(whatsAppJar + " is missing: run mvn -DskipTests package first");
        }
        List<Long> empty = new ArrayList<>();
        List<Long> whatsApp = new ArrayList<>();
        List<Long> whatsAppInit = new ArrayList<>();
        List<Long> whatsAppInvoke = new ArrayList<>();
        for (int i = 0; i < jvms; i++) {
            // Alternate the two, so that a burst of load on the shared machine hits both alike.
            empty.add(probe(whatsAppJar, env, "empty", "1415555" + String.format("%04d", 9000 + i))[0]);
            long[] run = probe(whatsAppJar, env, "whatsapp", "1415556" + String.format("%04d", i));
            whatsApp.add(run[0]);
            whatsAppInit.add(run[1]);
            whatsAppInvoke.add(run[2]);
        }
        long floor = median(empty);
        long cold = median(whatsApp);
        rows.add(new String[] {"cold start: empty handler, fresh JVM (floor)", ms(floor), "median of " + jvms + " JVMs", "1.00x"});
        rows.add(new String[] {"cold start: WhatsApp handler + 1 signed webhook, fresh JVM", ms(cold),
                "median of " + jvms + "; handler init " + median(whatsAppInit) + " ms, first webhook "
                        + median(whatsAppInvoke) + " ms", ratio(cold, floor)});
    }

    /** Wall ms of one fresh JVM, and the probe's own init and invoke ms. */
    private static long[] probe(Path jar, Map<String, String> env, String mode, String waId) throws Exception {
        ColdStartProbe.Run run = ColdStartProbe.runFreshJvm(jar, env, mode, waId);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("cold-start probe (" + mode + ") failed: " + run.output());
        }
        long[] figures = run.figures();
        return new long[] {run.wallMillis(), figures[1], figures[2]};
    }

    // ------------------------------------------------------------------ warm

    private static void warm(Map<String, String> env, int webhooks, List<String[]> rows) {
        try (WhatsAppWebhookHandler handler = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env)))) {
            long epoch = 1763805600L;
            for (int i = 0; i < 2 * CUSTOMERS; i++) {
                invoke(handler, SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.warmup." + i, epoch + i));
            }
            long[] known = new long[webhooks];
            for (int i = 0; i < webhooks; i++) {
                APIGatewayV2HTTPEvent event = SignedWebhooks.whatsAppText(customer(i % CUSTOMERS), "wamid.warm." + i, epoch + 1000 + i);
                long start = System.nanoTime();
                invoke(handler, event);
                known[i] = System.nanoTime() - start;
            }
            int newCount = Math.max(100, webhooks / 5);
            long[] created = new long[newCount];
            for (int i = 0; i < newCount; i++) {
                APIGatewayV2HTTPEvent event = SignedWebhooks.whatsAppText("1415557" + String.format("%04d", i), "wamid.new." + i, epoch);
                long start = System.nanoTime();
                invoke(handler, event);
                created[i] = System.nanoTime() - start;
            }
            long[] floor = readPlusWriteFloor(env, webhooks);
            rows.add(new String[] {"warm: DynamoDB GetItem + PutItem, same SDK client setup (floor)",
                    us(percentile(floor, 50)) + " / " + us(percentile(floor, 99)), "p50 / p99 over " + webhooks, "1.00x"});
            rows.add(new String[] {"warm: webhook, known customer's text message",
                    us(percentile(known, 50)) + " / " + us(percentile(known, 99)), "p50 / p99 over " + webhooks,
                    ratio(percentile(known, 50), percentile(floor, 50))});
            rows.add(new String[] {"warm: webhook, first message of a new customer",
                    us(percentile(created, 50)) + " / " + us(percentile(created, 99)), "p50 / p99 over " + newCount,
                    ratio(percentile(created, 50), percentile(floor, 50))});
        }
    }

    private static long[] readPlusWriteFloor(Map<String, String> env, int iterations) {
        Settings settings = Settings.of(env);
        String table = settings.require(Settings.CONVERSATION_LOG_TABLE);
        try (DynamoDbClient dynamoDb = AwsClientFactory.configure(DynamoDbClient.builder(), "DYNAMODB", settings, List.of()).build()) {
            long[] samples = new long[iterations];
            for (int i = -200; i < iterations; i++) {
                String key = "floor-" + Math.floorMod(i, CUSTOMERS);
                long start = System.nanoTime();
                dynamoDb.getItem(GetItemRequest.builder().tableName(table).key(LogItems.key(key, LogItems.CUSTOMER_SK))
                        .consistentRead(true).build());
                Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item =
                        new HashMap<>(LogItems.key(key, LogItems.entrySk("floor" + i)));
                item.put(LogItems.TEXT, LogItems.s("benchmark message"));
                dynamoDb.putItem(PutItemRequest.builder().tableName(table).item(item).build());
                if (i >= 0) {
                    samples[i] = System.nanoTime() - start;
                }
            }
            return samples;
        }
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
                    rows.add(new String[] {"deployable jar: " + root.relativize(jar),
                            String.format("%.1f MB", Files.size(jar) / 1_000_000.0), "", ""});
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void invoke(WhatsAppWebhookHandler handler, APIGatewayV2HTTPEvent event) {
        int status = handler.handleRequest(event, null).getStatusCode();
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

    private static void print(List<String[]> rows) {
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

    private static int intOption(String[] args, String name, int defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return defaultValue;
    }

    private static Path repositoryRoot() {
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
