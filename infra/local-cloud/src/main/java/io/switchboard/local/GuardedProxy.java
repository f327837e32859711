package io.switchboard.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server that has no place for a {@link LoopbackGuard} of its own (ElasticMQ) behind one: this listens on the
 * public port on the loopback interface, refuses what the guard refuses and passes everything else, as it came, to the
 * server on its private loopback port.
 */
final class GuardedProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedProxy.class);
    /** Per connection, not end to end (RFC 9110 section 7.6.1), or set by the client itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect", "date", "from", "via",
            "warning");
    /** Longer than SQS's longest long poll (20 s). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final String backend;

    private GuardedProxy(HttpServer server, ExecutorService executor, int backendPort) {
        this.server = server;
        this.executor = executor;
        this.backend = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + backendPort;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    static GuardedProxy start(String name, int port, int backendPort) throws IOException {
        HttpGateway.avoidNagleDelays();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        AtomicInteger threads = new AtomicInteger();
        // Long polls hold a thread each for up to 20 s: not a fixed pool.
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name + "-front-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        GuardedProxy proxy = new GuardedProxy(server, executor, backendPort);
        server.createContext("/", proxy::handle);
        server.setExecutor(executor);
        server.start();
        return proxy;
    }

    InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<LoopbackGuard.Refusal> refusal = LoopbackGuard.check(exchange.getRequestMethod(),
                    exchange.getRequestHeaders().getFirst("Host"), exchange.getRequestHeaders().getFirst("Origin"),
                    server.getAddress().getPort());
            if (refusal.isPresent()) {
                exchange.getResponseHeaders().set("Content-Type", LocalProblem.CONTENT_TYPE);
                write(exchange, refusal.get().status(), refusal.get().problem());
                return;
            }
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend + target)).timeout(ANSWER_TIMEOUT)
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((header, values) -> {
                if (!NOT_FORWARDED.contains(header.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(header, value));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException unreachable) {
                // The server behind stopped: the client sees what it would see of a stopped server, a lost connection.
                LOG.debug("{} did not answer: {}", backend, unreachable.toString());
                return;
            }
            answer.headers().map().forEach((header, values) -> {
                if (!NOT_FORWARDED.contains(header.toLowerCase(Locale.ROOT)) && !header.startsWith(":")) {
                    values.forEach(value -> exchange.getResponseHeaders().add(header, value));
                }
            });
            write(exchange, answer.statusCode(), answer.body());
        } catch (IOException clientGone) {
            LOG.debug("client went away: {}", clientGone.toString());
        }
    }

    private static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
