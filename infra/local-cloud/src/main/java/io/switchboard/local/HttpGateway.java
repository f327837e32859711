package io.switchboard.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of template.yaml, in process: each HttpApi route of a function is served by invoking that
 * function's handler with the payload-format-2.0 event API Gateway would send, and the handler's response is
 * written back the way API Gateway writes it.
 */
public final class HttpGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);
    /** API Gateway HTTP APIs refuse larger payloads. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final String API_ID = "local";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A route bound to the function that serves it. */
    record Binding(TemplateModel.HttpRoute route, LocalFunction function) {
    }

    /**
     * Pages of the local cloud itself (the console, the health endpoint), served beside the template's routes and
     * told how each routed request went.
     */
    public interface LocalPages {
        /** True when this request was one of its own and has been answered. */
        boolean serve(HttpExchange exchange, String method, String path) throws IOException;

        /** A routed request was answered: its API Gateway request id, the status and the time it took. */
        void answered(String requestId, int status, long latencyMillis);
    }

    private final List<Binding> bindings;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile LocalPages pages;

    private HttpGateway(List<Binding> bindings, HttpServer server, ExecutorService executor) {
        this.bindings = bindings;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on localhost.
     *
     * @param port 0 for a free one
     */
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    /**
     * The JDK server leaves Nagle's algorithm on: every small response then waits for the client's delayed ACK (about
     * 40 ms a request on one connection). The property is read once, when the first JDK HTTP server of the JVM
     * starts, so every server here (the gateway, the provider stand-ins) calls this before creating one.
     */
    public static void avoidNagleDelays() {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    public static HttpGateway start(int port, List<LocalFunction> functions) throws IOException {
        List<Binding> bindings = new ArrayList<>();
        for (LocalFunction function : functions) {
            for (TemplateModel.HttpRoute route : function.definition().httpRoutes()) {
                bindings.add(new Binding(route, function));
            }
        }
        // API Gateway's precedence: literal paths before templated ones, a method before ANY, $default last.
        bindings.sort(Comparator.comparingInt((Binding b) -> specificity(b.route())).reversed());
        avoidNagleDelays();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        AtomicInteger threads = new AtomicInteger();
        // Webhook providers deliver in parallel; tests send bursts. Handlers block on DynamoDB/SQS calls.
        ExecutorService executor = Executors.newFixedThreadPool(32, runnable -> {
            Thread thread = new Thread(runnable, "gateway-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpGateway gateway = new HttpGateway(List.copyOf(bindings), server, executor);
        server.createContext("/", gateway::handle);
        server.setExecutor(executor);
        server.start();
        return gateway;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address the server's socket is bound to (the loopback interface). */
    public InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    /** Serve these pages too (before the template's routes: their paths are the local cloud's own). */
    public void localPages(LocalPages pages) {
        this.pages = pages;
    }

    /** The function that serves this method and path, if a route matches. */
    public Optional<LocalFunction> functionFor(String method, String path) {
        return match(method, path).map(m -> m.binding().function());
    }

    public String baseUrl() {
        return "http://localhost:" + port();
    }

    /** Method and URL of every route, e.g. "POST http://localhost:3000/webhooks/<channel>". */
    public List<String> routeUrls() {
        return bindings.stream()
                .map(b -> b.route().path().equals("$default")
                        ? "ANY " + baseUrl() + "/* ($default)"
                        : b.route().method() + " " + baseUrl() + b.route().path())
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ request handling

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long arrived = System.nanoTime();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String rawPath = Optional.ofNullable(exchange.getRequestURI().getRawPath()).orElse("/");
            String path = decodePath(rawPath);
            Headers requestHeaders = exchange.getRequestHeaders();
            Optional<LoopbackGuard.Refusal> refusal = LoopbackGuard.check(method, requestHeaders.getFirst("Host"),
                    requestHeaders.getFirst("Origin"), port());
            if (refusal.isPresent()) {
                drain(exchange.getRequestBody());
                sendProblem(exchange, refusal.get().status(), refusal.get().problem());
                return;
            }
            LocalPages localPages = pages;
            if (localPages != null && localPages.serve(exchange, method, path)) {
                return;
            }
            Optional<Match> match = match(method, path);
            if (match.isEmpty()) {
                drain(exchange.getRequestBody());
                List<String> allowed = allowedMethods(path);
                if (allowed.isEmpty()) {
                    sendProblem(exchange, 404, LocalProblem.body(404, "not-found", "Not Found",
                            "no route serves " + method + " on this path"));
                } else {
                    // RFC 9110 section 15.5.6: a 405 names the methods the resource has.
                    exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
                    sendProblem(exchange, 405, LocalProblem.body(405, "method-not-allowed", "Method Not Allowed",
                            "this path is served for " + String.join(", ", allowed) + " only"));
                }
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                sendProblem(exchange, 413, LocalProblem.body(413, "too-large", "Content Too Large",
                        "the body is larger than API Gateway's " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            APIGatewayV2HTTPEvent event = event(exchange, match.get(), method, rawPath, body);
            Object result;
            try {
                result = match.get().binding().function().invoke(event);
            } catch (RuntimeException | Error e) {
                LOG.error("{} {} -> {} failed", method, rawPath, match.get().binding().function().logicalId(), e);
                // API Gateway answers 502 when the integration fails.
                sendProblem(exchange, 502, LocalProblem.body(502, "function-failed", "Bad Gateway",
                        "the function serving this route failed; its log says why"));
                return;
            }
            send(exchange, result);
            if (localPages != null) {
                localPages.answered(event.getRequestContext().getRequestId(), exchange.getResponseCode(),
                        (System.nanoTime() - arrived) / 1_000_000);
            }
            LOG.debug("{} {} -> {} {}", method, rawPath, match.get().binding().function().logicalId(), exchange.getResponseCode());
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("gateway failure", e);
        }
    }

    /** A route that matched, with its path parameters. */
    record Match(Binding binding, Map<String, String> pathParameters) {
    }

    Optional<Match> match(String method, String path) {
        for (Binding binding : bindings) {
            TemplateModel.HttpRoute route = binding.route();
            if (!route.method().equals("ANY") && !route.method().equals(method)) {
                continue;
            }
            if (route.path().equals("$default")) {
                return Optional.of(new Match(binding, Map.of()));
            }
            Map<String, String> parameters = matchPath(route.path(), path);
            if (parameters != null) {
                return Optional.of(new Match(binding, parameters));
            }
        }
        return Optional.empty();
    }

    /** Parameters of {@code /items/{id}} or {@code /files/{proxy+}}, or null when the path does not match. */
    static Map<String, String> matchPath(String template, String path) {
        String[] expected = trimSlashes(template).split("/", -1);
        String[] actual = trimSlashes(path).split("/", -1);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < expected.length; i++) {
            String segment = expected[i];
            boolean variable = segment.startsWith("{") && segment.endsWith("}");
            if (variable && segment.endsWith("+}")) {
                if (i >= actual.length || actual[i].isEmpty()) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 2),
                        String.join("/", java.util.Arrays.copyOfRange(actual, i, actual.length)));
                return parameters;
            }
            if (i >= actual.length) {
                return null;
            }
            if (variable) {
                if (actual[i].isEmpty()) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 1), actual[i]);
            } else if (!segment.equals(actual[i])) {
                return null;
            }
        }
        return expected.length == actual.length ? parameters : null;
    }

    /** The methods some route serves on this path (none: no route has it), e.g. [GET, POST]. */
    List<String> allowedMethods(String path) {
        java.util.TreeSet<String> methods = new java.util.TreeSet<>();
        for (Binding binding : bindings) {
            TemplateModel.HttpRoute route = binding.route();
            if (!route.path().equals("$default") && matchPath(route.path(), path) != null) {
                methods.add(route.method());
            }
        }
        return List.copyOf(methods);
    }

    private static int specificity(TemplateModel.HttpRoute route) {
        if (route.path().equals("$default")) {
            return Integer.MIN_VALUE;
        }
        int score = 0;
        for (String segment : trimSlashes(route.path()).split("/")) {
            score += segment.endsWith("+}") ? 1 : segment.startsWith("{") ? 10 : 100;
        }
        return score * 2 + (route.method().equals("ANY") ? 0 : 1);
    }

    private static String trimSlashes(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.endsWith("/") && !trimmed.isEmpty() ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    // ------------------------------------------------------------------ event

    APIGatewayV2HTTPEvent event(HttpExchange exchange, Match match, String method, String rawPath, byte[] body) {
        URI uri = exchange.getRequestURI();
        String rawQuery = uri.getRawQuery();
        Headers requestHeaders = exchange.getRequestHeaders();
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        requestHeaders.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                // Payload 2.0 moves cookies out of the headers into their own list.
                for (String value : values) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
                return;
            }
            headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
        });
        String host = Optional.ofNullable(headers.get("host")).orElse("localhost:" + port());
        headers.putIfAbsent("x-forwarded-for", exchange.getRemoteAddress().getAddress().getHostAddress());
        headers.putIfAbsent("x-forwarded-port", String.valueOf(port()));
        headers.putIfAbsent("x-forwarded-proto", "http");
        Instant now = Instant.now();
        String requestId = UUID.randomUUID().toString();
        String domainName = host.contains(":") ? host.substring(0, host.indexOf(':')) : host;

        APIGatewayV2HTTPEvent.RequestContext.Http http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method)
                .withPath(rawPath)
                .withProtocol(exchange.getProtocol())
                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                .withUserAgent(headers.get("user-agent"))
                .build();
        APIGatewayV2HTTPEvent.RequestContext context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId(TemplateModel.ACCOUNT_ID)
                .withApiId(API_ID)
                .withDomainName(domainName)
                .withDomainPrefix(domainName.contains(".") ? domainName.substring(0, domainName.indexOf('.')) : domainName)
                .withRequestId(requestId)
                .withRouteKey(match.binding().route().routeKey())
                .withStage("$default")
                .withTime(REQUEST_TIME.format(now))
                .withTimeEpoch(now.toEpochMilli())
                .withHttp(http)
                .build();

        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(match.binding().route().routeKey());
        event.setRawPath(rawPath);
        event.setRawQueryString(rawQuery == null ? "" : rawQuery);
        event.setCookies(cookies.isEmpty() ? null : cookies);
        event.setHeaders(headers);
        event.setQueryStringParameters(queryParameters(rawQuery));
        event.setPathParameters(match.pathParameters().isEmpty() ? null : match.pathParameters());
        event.setRequestContext(context);
        if (body.length > 0) {
            String contentType = headers.get("content-type");
            if (isText(contentType)) {
                event.setBody(new String(body, charset(contentType)));
                event.setIsBase64Encoded(false);
            } else {
                // API Gateway base64-encodes everything it does not know to be text (form posts included).
                event.setBody(Base64.getEncoder().encodeToString(body));
                event.setIsBase64Encoded(true);
            }
        }
        return event;
    }

    /** Decoded parameters; a repeated name has its values joined with ",". Null when there is no query. */
    static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters.isEmpty() ? null : parameters;
    }

    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/")
                || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml")
                || type.equals("application/javascript");
    }

    private static Charset charset(String contentType) {
        for (String part : contentType.split(";")) {
            String p = part.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                try {
                    return Charset.forName(p.substring(8).replace("\"", "").strip());
                } catch (RuntimeException unknown) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    private static String decodePath(String rawPath) {
        try {
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return rawPath;
        }
    }

    /** The body, or null when it exceeds {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            drain(in);
            return null;
        }
        return body;
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    // ------------------------------------------------------------------ response

    private static void send(HttpExchange exchange, Object result) throws IOException {
        if (result instanceof APIGatewayV2HTTPResponse response) {
            Headers headers = exchange.getResponseHeaders();
            if (response.getHeaders() != null) {
                response.getHeaders().forEach((name, value) -> {
                    if (value != null && !isFramingHeader(name)) {
                        headers.set(name, value);
                    }
                });
            }
            if (response.getMultiValueHeaders() != null) {
                response.getMultiValueHeaders().forEach((name, values) -> {
                    if (values != null && !isFramingHeader(name)) {
                        values.forEach(value -> headers.add(name, value));
                    }
                });
            }
            if (response.getCookies() != null) {
                response.getCookies().forEach(cookie -> headers.add("Set-Cookie", cookie));
            }
            byte[] body = response.getBody() == null ? new byte[0]
                    : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                    : response.getBody().getBytes(StandardCharsets.UTF_8);
            int status = response.getStatusCode() == 0 ? 200 : response.getStatusCode();
            write(exchange, status, body);
        } else if (result == null) {
            write(exchange, 200, new byte[0]);
        } else {
            // Payload 2.0 without a response object: API Gateway answers 200 with the value as JSON.
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            String body = result instanceof String text ? text : JSON.writeValueAsString(result);
            write(exchange, 200, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The gateway frames the body itself, as API Gateway does. */
    private static boolean isFramingHeader(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("connection");
    }

    /** An answer of the gateway itself (no function ran), as a problem document. */
    private static void sendProblem(HttpExchange exchange, int status, byte[] problem) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", LocalProblem.CONTENT_TYPE);
        exchange.getResponseHeaders().set("apigw-requestid", UUID.randomUUID().toString());
        write(exchange, status, problem);
    }

    /** Answers with this status, content type and body (for {@link LocalPages}). */
    public static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        write(exchange, status, body);
    }

    private static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || status == 204 || status == 304
                || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
