package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.LocalFunction;
import io.switchboard.local.standin.ProviderStandIns;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replies: send commands carried out by the outbound function through the WhatsApp sender and the provider
 * stand-in (real HTTP), on the embedded cloud. Prints one table: commands/s with 1 and with 16 invocations in flight
 * (as Lambda runs concurrent batches), the ratio of the two, and the AWS requests one command costs.
 */
public final class ReplyBenchmark {

    static final String HELP = """
            Switchboard replies benchmark: prints one table.

            java -cp infra/bench/target/switchboard-bench.jar io.switchboard.bench.ReplyBenchmark [options]

              --help             this text
              --commands N       commands per run (default 400), spread over --customers customers
              --customers N      WhatsApp customers who wrote first (default 50)
              --concurrency N,N  invocations in flight, one run each (default 1,16); each invocation carries one
                                 command, as an SQS batch of one
            Every run checks that the stand-in received exactly one request per command (nothing lost or doubled).
            """;

    private ReplyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(HELP);
            return;
        }
        int commands = WebhookBenchmark.intOption(args, "--commands", 400);
        int customers = WebhookBenchmark.intOption(args, "--customers", 50);
        List<Integer> concurrencies = Arrays.stream(WebhookBenchmark.stringOption(args, "--concurrency", "1,16").split(","))
                .map(String::trim).filter(v -> !v.isEmpty()).map(Integer::parseInt).toList();
        Path root = WebhookBenchmark.repositoryRoot();
        RequestCounter counter = new RequestCounter();
        System.out.println("Switchboard replies benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.version") + ")");
        List<String[]> rows = new ArrayList<>();
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().streamPoller(false)
                .template(root.resolve("template.yaml")).singletons(List.of(counter))
                .env(Map.of("WHATSAPP_APP_SECRET", SignedWebhooks.APP_SECRET)))) {
            ProviderStandIns standIns = cloud.standIns();
            standIns.standIn("whatsapp").statusMode(ProviderStandIns.StatusMode.HELD);
            LocalFunction whatsApp = cloud.function("WhatsAppFunction");
            LocalFunction outbound = cloud.function("OutboundFunction");
            List<String> customerIds = new ArrayList<>();
            long now = Instant.now().getEpochSecond();
            for (int i = 0; i < customers; i++) {
                String waId = "1415559" + String.format("%04d", i);
                whatsApp.invoke(SignedWebhooks.whatsAppText(waId, "wamid.bench-in-" + i, now - 60));
                customerIds.add(customerId(cloud, waId));
            }
            // Warm-up (class loading, JIT, connections), not timed.
            run(outbound, customerIds, "warmup", Math.min(50, commands), 4);

            long baseline = 0;
            for (int concurrency : concurrencies) {
                int before = standIns.standIn("whatsapp").requests().size();
                counter.reset();
                long nanos = run(outbound, customerIds, "c" + concurrency, commands, concurrency);
                int sent = standIns.standIn("whatsapp").requests().size() - before;
                long perSecond = Math.round(commands / (nanos / 1e9));
                if (baseline == 0) {
                    baseline = perSecond;
                }
                rows.add(new String[] {"commands/s, " + concurrency + " in flight", String.valueOf(perSecond),
                        commands + " commands over " + customers + " customers in " + nanos / 1_000_000 + " ms; stand-in got "
                                + sent + " requests" + (sent == commands ? " (one each)" : " (EXPECTED " + commands + ")"),
                        String.format("%.2fx", (double) perSecond / baseline)});
                if (concurrency == concurrencies.get(0)) {
                    rows.add(new String[] {"AWS requests per command",
                            String.format("%.1f read, %.1f write", (double) counter.reads() / commands,
                                    (double) counter.writes() / commands),
                            counter.detail() + " for " + commands + " commands", ""});
                }
            }
        }
        WebhookBenchmark.print(rows);
        System.exit(0);
    }

    private static String customerId(LocalCloud cloud, String waId) {
        return cloud.dynamoDb().getItem(b -> b.tableName(cloud.tableName("CustomersTable")).consistentRead(true)
                .key(Map.of("identity", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("phone:+" + waId))))
                .item().get("customerId").s();
    }

    /** Carries out the commands, {@code concurrency} invocations at a time; returns the wall time in ns. */
    private static long run(LocalFunction outbound, List<String> customerIds, String runId, int commands, int concurrency)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger failures = new AtomicInteger();
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < commands; i++) {
            String customerId = customerIds.get(i % customerIds.size());
            String id = runId + "-" + i;
            done.add(pool.submit(() -> {
                SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
                message.setMessageId("m-" + id);
                message.setBody("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/helpdesk/bench\","
                        + "\"type\":\"switchboard.message.send\",\"subject\":\"" + customerId + "\",\"data\":{\"customerId\":\""
                        + customerId + "\",\"channel\":\"whatsapp\",\"text\":\"Reply " + id + "\"}}");
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(message));
                SQSBatchResponse response = (SQSBatchResponse) outbound.invoke(event);
                if (!response.getBatchItemFailures().isEmpty()) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        long elapsed = System.nanoTime() - started;
        pool.shutdown();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " commands failed in run " + runId);
        }
        return elapsed;
    }
}
