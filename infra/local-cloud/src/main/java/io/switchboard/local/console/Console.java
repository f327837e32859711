package io.switchboard.local.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.switchboard.local.HttpGateway;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.LocalFunction;
import io.switchboard.local.LocalProblem;
import io.switchboard.local.QueuePoller;
import io.switchboard.local.StreamPoller;
import io.switchboard.local.standin.SentRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local cloud's own pages on its gateway: {@code GET /console} (a page that polls {@code GET /console/state}
 * every second), {@code POST /console/samples/{name}} (sends a sample of events/, signed for this deployment, through
 * the gateway like a provider would) and {@code GET /health}. Webhooks and queue messages come from the
 * {@link ConsoleRecorder}; customers and timelines are read by the page through the customer API (/v1), the same
 * handler a helpdesk calls, so nothing here holds a second copy of the data.
 */
public final class Console implements HttpGateway.LocalPages {

    public static final String PAGE = "/console";
    public static final String HEALTH = "/health";
    /** Where index.html takes the token (a meta element's content). */
    private static final String TOKEN_PLACEHOLDER = "{{SWITCHBOARD_TOKEN}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalCloud cloud;
    private final HttpGateway gateway;
    private final ConsoleRecorder recorder;
    private final Path eventsDir;
    private final Instant started = Instant.now();
    /** What {@code /console/state} and the samples need as a bearer token; the page's HTML carries it. */
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    public Console(LocalCloud cloud, HttpGateway gateway, ConsoleRecorder recorder) {
        this.cloud = cloud;
        this.gateway = gateway;
        this.recorder = recorder;
        // The customer API's token: the page needs it for /v1 anyway. Without one (the API refuses everything then)
        // a random one keeps the console's state behind a token all the same.
        this.token = gateway.functionFor("GET", "/v1/customers")
                .map(f -> f.environment().get("SWITCHBOARD_API_TOKEN"))
                .filter(value -> !value.isBlank())
                .orElseGet(Console::randomToken);
        Path template = cloud.template().source();
        this.eventsDir = template == null || template.toAbsolutePath().getParent() == null ? null
                : template.toAbsolutePath().getParent().resolve("events");
    }

    @Override
    public boolean serve(HttpExchange exchange, String method, String path) throws IOException {
        if (path.equals(HEALTH)) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            if (allowed(exchange, method, "GET")) {
                Map<String, Object> health = health();
                respondJson(exchange, "ok".equals(health.get("status")) ? 200 : 503, health);
            }
            return true;
        }
        if (!path.equals(PAGE) && !path.startsWith(PAGE + "/")) {
            return false;
        }
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        if (path.equals(PAGE) || path.equals(PAGE + "/")) {
            if (allowed(exchange, method, "GET")) {
                page(exchange);
            }
        } else if (path.equals(PAGE + "/state")) {
            if (allowed(exchange, method, "GET") && authorized(exchange)) {
                respondJson(exchange, 200, state());
            }
        } else if (path.startsWith(PAGE + "/samples/")) {
            if (allowed(exchange, method, "POST") && authorized(exchange)) {
                sendSample(exchange, path.substring((PAGE + "/samples/").length()));
            }
        } else {
            problem(exchange, 404, "not-found", "Not Found", "the console has no page here");
        }
        return true;
    }

    /**
     * The page, with the token its scripts send. How it stays with the developer: the gateway answers only requests
     * for a loopback Host (a DNS-rebinding page, whose Host is its own name, gets 421), a page of another site cannot
     * read a cross-origin answer (same-origin policy; no CORS headers here), and it may not frame this one. So the
     * HTML reaches a browser tab of localhost:PORT and processes on this machine, which can read DynamoDB Local
     * directly anyway; a URL printed at start-up with a login cookie (Jupyter's way) would keep other local users out
     * of the console, which the local cloud does not promise for its other ports.
     */
    private void page(HttpExchange exchange) throws IOException {
        String html;
        try (InputStream page = Console.class.getResourceAsStream("/console/index.html")) {
            html = new String(page.readAllBytes(), StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Content-Security-Policy", "frame-ancestors 'none'");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        exchange.getResponseHeaders().set("Cross-Origin-Resource-Policy", "same-origin");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        HttpGateway.respond(exchange, 200, "text/html; charset=utf-8",
                html.replace(TOKEN_PLACEHOLDER, htmlAttribute(token)).getBytes(StandardCharsets.UTF_8));
    }

    /** True, or answers 405 with the one method this page has (RFC 9110 section 15.5.6). */
    private static boolean allowed(HttpExchange exchange, String method, String only) throws IOException {
        if (method.equals(only) || (only.equals("GET") && method.equals("HEAD"))) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", only.equals("GET") ? "GET, HEAD" : only);
        problem(exchange, 405, "method-not-allowed", "Method Not Allowed", "this page answers " + only + " only");
        return false;
    }

    /** True when the request carries this deployment's token as a bearer token (RFC 6750), or answers 401. */
    private boolean authorized(HttpExchange exchange) throws IOException {
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Bearer " + token;
        if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"switchboard\"");
        problem(exchange, 401, "unauthorized", "Unauthorized",
                "an Authorization: Bearer <SWITCHBOARD_API_TOKEN> header is required (the console page sends it)");
        return false;
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String htmlAttribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void problem(HttpExchange exchange, int status, String code, String title, String detail)
            throws IOException {
        HttpGateway.respond(exchange, status, LocalProblem.CONTENT_TYPE, LocalProblem.body(status, code, title, detail));
    }

    @Override
    public void answered(String requestId, int status, long latencyMillis) {
        recorder.completed(requestId, status, latencyMillis);
    }

    // ------------------------------------------------------------------ state

    Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("webhooks", recorder.webhooks().stream().map(ConsoleRecorder.Webhook::json).toList());
        state.put("events", recorder.published().stream().map(ConsoleRecorder.Published::json).toList());
        List<Map<String, Object>> sent = new ArrayList<>();
        if (cloud.standIns() != null) {
            for (SentRequest request : cloud.standIns().requests()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("at", request.at().toString());
                json.put("provider", request.standIn());
                json.put("request", request.method() + " " + request.path());
                json.put("providerMessageId", request.providerMessageId());
                json.put("body", request.json() != null ? request.json() : request.body());
                sent.add(json);
            }
        }
        state.put("sent", sent);
        state.put("samples", SampleWebhooks.list(eventsDir).stream()
                .map(s -> Map.of("name", s.name(), "channel", s.channel(), "route", s.method() + " " + s.path())).toList());
        // The page reads customers and timelines through the customer API, with the token its HTML carries (never
        // this answer's: it goes to scripts that could be anyone's if the checks in front of it ever failed).
        state.put("api", Map.of("base", "/v1"));
        return state;
    }

    // ------------------------------------------------------------------ samples

    private void sendSample(HttpExchange exchange, String name) throws IOException {
        Optional<SampleWebhooks.Sample> sample = SampleWebhooks.list(eventsDir).stream()
                .filter(s -> s.name().equals(name)).findFirst();
        if (sample.isEmpty()) {
            // Names only: where the project lies on this machine is none of the answer's business.
            problem(exchange, 404, "not-found", "Not Found", "no sample named " + name + " in the template's events/");
            return;
        }
        Optional<LocalFunction> function = gateway.functionFor(sample.get().method(), sample.get().path());
        if (function.isEmpty()) {
            problem(exchange, 404, "not-found", "Not Found", "no route serves " + sample.get().method() + " "
                    + sample.get().path());
            return;
        }
        Map<String, String> settings = function.get().environment();
        SampleWebhooks.Request request = SampleWebhooks.prepare(sample.get(), cloud.baseUrl(), settings::get);
        HttpResponse<String> response = send(cloud.baseUrl(), request);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sample", name);
        result.put("status", response.statusCode());
        result.put("body", response.body());
        respondJson(exchange, 200, result);
    }

    /** Sends a prepared sample through the gateway at baseUrl, as the provider would. */
    public HttpResponse<String> send(String baseUrl, SampleWebhooks.Request request) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + request.pathAndQuery()))
                .timeout(Duration.ofSeconds(120))
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(builder::header);
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    // ------------------------------------------------------------------ health

    /** How long a probe of DynamoDB or SQS may take: /health answers even while a service hangs. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /**
     * DynamoDB, SQS, the stream and queue pollers: "status" is "ok" when every part answers and no stream consumer
     * is stalled ({@link StreamPoller#lag()}: no progress, or an unpublished change older than its threshold).
     */
    public Map<String, Object> health() {
        boolean ok = true;
        Map<String, Object> health = new LinkedHashMap<>();
        Map<String, Object> dynamo = new LinkedHashMap<>();
        dynamo.put("endpoint", cloud.dynamoDbEndpoint());
        try {
            dynamo.put("tables", cloud.dynamoDb().listTables(b -> b.overrideConfiguration(o -> o
                    .apiCallTimeout(PROBE_TIMEOUT))).tableNames());
            dynamo.put("ok", true);
        } catch (RuntimeException e) {
            dynamo.put("ok", false);
            dynamo.put("error", e.getClass().getSimpleName());
            ok = false;
        }
        Map<String, Object> sqs = new LinkedHashMap<>();
        sqs.put("endpoint", cloud.sqsEndpoint());
        Map<String, Object> queues = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> queue : cloud.queueUrls().entrySet()) {
                Map<QueueAttributeName, String> attributes = cloud.sqs().getQueueAttributes(b -> b.queueUrl(queue.getValue())
                        .overrideConfiguration(o -> o.apiCallTimeout(PROBE_TIMEOUT))
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("url", queue.getValue());
                state.put("visible", Integer.parseInt(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")));
                state.put("inFlight", Integer.parseInt(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
                queues.put(queue.getKey(), state);
            }
            sqs.put("ok", true);
        } catch (RuntimeException e) {
            sqs.put("ok", false);
            sqs.put("error", e.getClass().getSimpleName());
            ok = false;
        }
        sqs.put("queues", queues);
        List<Map<String, Object>> streams = new ArrayList<>();
        for (StreamPoller poller : cloud.streamPollers()) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("table", poller.tableName());
            state.put("function", poller.functionId());
            state.put("running", poller.running());
            state.put("lastPassAt", poller.lastPassMillis() == 0 ? null : Instant.ofEpochMilli(poller.lastPassMillis()).toString());
            state.put("error", poller.lastError());
            StreamPoller.Lag lag = poller.lag();
            state.put("recordsBehind", lag.recordsBehind());
            state.put("moreBehind", lag.moreBehind());
            state.put("oldestUnpublishedAgeSeconds", lag.oldestUnpublishedAge() == null ? null
                    : lag.oldestUnpublishedAge().toMillis() / 1000.0);
            state.put("secondsSinceProgress", lag.sinceProgress().toMillis() / 1000.0);
            state.put("stallThresholdSeconds", lag.stallThreshold().toSeconds());
            state.put("stalled", lag.stalled());
            state.put("deliveryError", lag.deliveryError());
            ok &= poller.running() && poller.lastError() == null && !lag.stalled();
            streams.add(state);
        }
        List<Map<String, Object>> queuePollers = new ArrayList<>();
        for (QueuePoller poller : cloud.queuePollers()) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("queue", poller.queueUrl());
            state.put("function", poller.functionId());
            state.put("invocations", poller.invocations());
            state.put("failedBatches", poller.failedBatches());
            queuePollers.add(state);
        }
        health.put("status", ok ? "ok" : "degraded");
        health.put("since", started.toString());
        health.put("dynamodb", dynamo);
        health.put("sqs", sqs);
        health.put("streams", streams);
        health.put("queuePollers", queuePollers);
        return health;
    }

    private static void respondJson(HttpExchange exchange, int status, Object value) throws IOException {
        HttpGateway.respond(exchange, status, "application/json", JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
    }
}
