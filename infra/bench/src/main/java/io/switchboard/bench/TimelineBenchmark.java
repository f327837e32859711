package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.store.LogItems;
import io.switchboard.local.LocalCloud;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The customer API's timeline: page latency through the local gateway for a customer with many entries, and the AWS
 * requests one page costs. Prints one table.
 */
public final class TimelineBenchmark {

    static final String HELP = """
            Switchboard timeline benchmark: prints one table.

            java -cp infra/bench/target/switchboard-bench.jar io.switchboard.bench.TimelineBenchmark [options]

              --help        this text
              --entries N   entries in the customer's timeline (default 10000), across three channels
              --limit N     entries per page (default 50)
              --pages N     pages timed (default 200: the timeline walked from the newest, again from the top when
                            it ends)
            The walk checks that each page is newest first and that no entry comes twice.
            """;
    private static final String TOKEN = "bench-api-token";

    private TimelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(HELP);
            return;
        }
        int entries = WebhookBenchmark.intOption(args, "--entries", 10_000);
        int limit = WebhookBenchmark.intOption(args, "--limit", 50);
        int pages = WebhookBenchmark.intOption(args, "--pages", 200);
        RequestCounter counter = new RequestCounter();
        System.out.println("Switchboard timeline benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.version") + ")");
        List<String[]> rows = new ArrayList<>();
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().streamPoller(false)
                .template(WebhookBenchmark.repositoryRoot().resolve("template.yaml")).singletons(List.of(counter))
                .env(Map.of("SWITCHBOARD_API_TOKEN", TOKEN)))) {
            String customerId = seed(cloud, entries);
            HttpClient http = HttpClient.newHttpClient();
            String base = cloud.baseUrl() + "/v1/customers/" + customerId + "/timeline?limit=" + limit;
            // Warm-up: class loading, JIT, connections.
            for (int i = 0; i < 20; i++) {
                get(http, base);
            }
            long[] nanos = new long[pages];
            int walked = 0;
            String cursor = null;
            String previousTop = null;
            counter.reset();
            for (int page = 0; page < pages; page++) {
                String url = cursor == null ? base : base + "&before=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
                long started = System.nanoTime();
                JsonNode body = get(http, url);
                nanos[page] = System.nanoTime() - started;
                JsonNode list = body.path("entries");
                for (JsonNode entry : list) {
                    String time = entry.path("occurredAt").asText();
                    if (previousTop != null && time.compareTo(previousTop) > 0 && cursor != null) {
                        throw new IllegalStateException("timeline not newest first at page " + page);
                    }
                    previousTop = time;
                }
                walked += list.size();
                cursor = body.path("next").isTextual() ? body.path("next").asText() : null;
                if (cursor == null) {
                    previousTop = null;
                }
            }
            int reads = counter.reads();
            long[] floor = rawQueries(cloud, customerId, limit, pages);
            rows.add(new String[] {"floor: the page's Query alone, p50", ms(WebhookBenchmark.percentile(floor, 50)),
                    "byTime newest first, limit " + limit + ", from this JVM", "1.00x"});
            rows.add(new String[] {"timeline page p50 (" + limit + " of " + entries + " entries)",
                    ms(WebhookBenchmark.percentile(nanos, 50)), pages + " pages walked over HTTP, " + walked + " entries",
                    ratio(WebhookBenchmark.percentile(nanos, 50), WebhookBenchmark.percentile(floor, 50))});
            rows.add(new String[] {"timeline page p99", ms(WebhookBenchmark.percentile(nanos, 99)),
                    "floor p99 " + ms(WebhookBenchmark.percentile(floor, 99)),
                    ratio(WebhookBenchmark.percentile(nanos, 99), WebhookBenchmark.percentile(floor, 99))});
            rows.add(new String[] {"AWS requests per page", String.format("%.2f read, %.2f write", (double) reads / pages,
                    (double) counter.writes() / pages), counter.detail() + " for " + pages + " pages", ""});
        }
        WebhookBenchmark.print(rows);
        System.exit(0);
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    private static String ratio(long value, long baseline) {
        return String.format("%.2fx", (double) value / baseline);
    }

    /** The same pages read with one Query each, straight from this JVM: what the API adds is measured against it. */
    private static long[] rawQueries(LocalCloud cloud, String customerId, int limit, int pages) {
        long[] nanos = new long[pages];
        Map<String, AttributeValue> start = null;
        for (int page = 0; page < pages; page++) {
            Map<String, AttributeValue> from = start;
            long started = System.nanoTime();
            var response = cloud.dynamoDb().query(b -> b.tableName(cloud.tableName("ConversationLogTable"))
                    .indexName(LogItems.BY_TIME_INDEX).keyConditionExpression("#c = :c")
                    .expressionAttributeNames(Map.of("#c", LogItems.CUSTOMER_ID))
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(customerId)))
                    .scanIndexForward(false).limit(limit).consistentRead(true).exclusiveStartKey(from));
            nanos[page] = System.nanoTime() - started;
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        }
        return nanos;
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    /** A customer with {@code entries} entries written straight into the log table, 25 to a BatchWriteItem. */
    private static String seed(LocalCloud cloud, int entries) {
        String table = cloud.tableName("ConversationLogTable");
        String customerId = UUID.randomUUID().toString();
        Instant start = Instant.now().minusSeconds(entries * 60L);
        Customer customer = new Customer(customerId, "Bench Customer", List.of("phone:+14155550999"), start,
                "/bench/seed", null);
        cloud.dynamoDb().putItem(b -> b.tableName(table).item(LogItems.customerItem(customer)));
        Channel[] channels = {Channel.WHATSAPP, Channel.SMS, Channel.EMAIL};
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            ConversationEntry entry = ConversationEntry.builder(channels[i % 3], "bench-" + i)
                    .source("/bench/seed").occurredAt(start.plusSeconds(i * 60L)).text("Message number " + i).build()
                    .inConversation("bench-conversation", i == 0);
            Map<String, AttributeValue> item = new LinkedHashMap<>(LogItems.key(customerId, LogItems.entrySk(entry.id())));
            item.put(LogItems.CUSTOMER_ID, AttributeValue.fromS(customerId));
            item.putAll(LogItems.entryAttributes(entry));
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            if (batch.size() == 25 || i == entries - 1) {
                List<WriteRequest> chunk = List.copyOf(batch);
                Map<String, List<WriteRequest>> unprocessed = Map.of(table, chunk);
                while (!unprocessed.isEmpty()) {
                    Map<String, List<WriteRequest>> pending = unprocessed;
                    unprocessed = cloud.dynamoDb().batchWriteItem(b -> b.requestItems(pending)).unprocessedItems();
                }
                batch.clear();
            }
        }
        return customerId;
    }
}
