package io.switchboard.local.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.StandInAnswer;
import io.switchboard.core.channel.StandInContext;
import io.switchboard.core.channel.StandInRequest;
import io.switchboard.core.channel.StatusWebhook;
import io.switchboard.local.LocalProblem;
import io.switchboard.local.LoopbackGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers' send APIs stood in for on one local HTTP server, so the reply loop runs on a laptop. Each
 * {@link ProviderStandIn} comes from a channel's descriptor ({@link ChannelDescriptor#standIn()}) and answers as its
 * provider documents; this server routes each request to the stand-in that accepts it, records every request
 * ({@link #requests()}), and posts the status webhooks the stand-in says the provider would send back, signed, to
 * the local gateway afterwards. The stand-ins' {@link #senderSettings() sender settings} point the functions'
 * senders here ({@link #baseUrl()}).
 *
 * <p>Each stand-in ({@link #standIn(String)}) has its own status mode and faults, settable at run time.
 */
public final class ProviderStandIns implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderStandIns.class);

    /** When a stand-in posts the status webhooks of an accepted message. */
    public enum StatusMode {
        /** After answering, in order, on a background thread. */
        AUTOMATIC,
        /** Kept until {@link StandIn#release(String)}. */
        HELD,
        /** Posted (and answered by the gateway) before the send request is answered. */
        BEFORE_ANSWER
    }

    /**
     * What the stand-ins need to call back.
     *
     * @param webhookBaseUrl the local gateway, e.g. {@code http://127.0.0.1:3000}; null: webhooks to a gateway path
     *                       are not posted (those to a callback URL a request named still are)
     * @param settings       (webhook path, setting name) to the value the function serving that path has (its
     *                       secrets, which sign the webhooks), or null
     */
    public record Config(String webhookBaseUrl, BiFunction<String, String, String> settings) {
    }

    /** One stand-in as the local cloud runs it: its recorded requests, its status mode, its faults and held statuses. */
    public final class StandIn {
        private final ProviderStandIn provider;
        private volatile StatusMode mode = StatusMode.AUTOMATIC;
        private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
        private final Map<String, List<StatusWebhook>> held = new ConcurrentHashMap<>();

        private StandIn(ProviderStandIn provider) {
            this.provider = provider;
        }

        public String name() {
            return provider.name();
        }

        /** What it stands in for, in words. */
        public String api() {
            return provider.api();
        }

        public StatusMode statusMode() {
            return mode;
        }

        public StandIn statusMode(StatusMode value) {
            this.mode = value;
            return this;
        }

        /** The next {@code times} requests are answered with this status and body (recorded, no webhooks). */
        public StandIn failNext(int times, int httpStatus, String body) {
            for (int i = 0; i < times; i++) {
                faults.add(new Fault(httpStatus, body, false));
            }
            return this;
        }

        /** The next request is read, recorded and never answered (until the stand-ins close). */
        public StandIn hangNext() {
            faults.add(new Fault(0, null, true));
            return this;
        }

        /** This stand-in's requests, in arrival order. */
        public List<SentRequest> requests() {
            return ProviderStandIns.this.requests().stream().filter(r -> r.standIn().equals(name())).toList();
        }

        /** Ids whose statuses are held ({@link StatusMode#HELD}). */
        public Set<String> held() {
            return Set.copyOf(held.keySet());
        }

        /** Posts the held statuses of this message now, in order, and returns how they were answered. */
        public List<WebhookDelivery> release(String providerMessageId) {
            List<StatusWebhook> webhooks = held.remove(providerMessageId);
            return webhooks == null ? List.of() : post(name(), providerMessageId, webhooks);
        }
    }

    private record Fault(int status, String body, boolean hang) {
    }

    private final Config config;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(daemon("standin-http"));
    private final ExecutorService statuses = Executors.newSingleThreadExecutor(daemon("standin-statuses"));
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** By name, in the order requests are offered to them. */
    private final Map<String, StandIn> standIns = new LinkedHashMap<>();
    private final StandInContext context;
    private final List<SentRequest> requests = new CopyOnWriteArrayList<>();
    private final List<WebhookDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private ProviderStandIns(int port, Config config, List<ProviderStandIn> providers, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        for (ProviderStandIn provider : providers) {
            if (standIns.putIfAbsent(provider.name(), new StandIn(provider)) != null) {
                throw new IllegalArgumentException("two provider stand-ins are named " + provider.name());
            }
        }
        this.context = new StandInContext() {
            @Override
            public String webhookBaseUrl() {
                return config.webhookBaseUrl();
            }

            @Override
            public String setting(String webhookPath, String name) {
                return config.settings() == null ? null : config.settings().apply(webhookPath, name);
            }
        };
        io.switchboard.local.HttpGateway.avoidNagleDelays();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts the stand-ins of every channel on the class path ({@link #discovered()}) on 127.0.0.1:{@code port} (0: any free port). */
    public static ProviderStandIns start(int port, Config config) throws IOException {
        return start(port, config, discovered());
    }

    /** Starts these stand-ins on 127.0.0.1:{@code port} (0: any free port); a request goes to the first that accepts it. */
    public static ProviderStandIns start(int port, Config config, List<ProviderStandIn> standIns) throws IOException {
        return new ProviderStandIns(port, config, List.copyOf(standIns), Clock.systemUTC());
    }

    /** The stand-ins the channels' descriptors on the class path supply, in the descriptors' (name) order. */
    public static List<ProviderStandIn> discovered() {
        return ChannelDescriptor.all().stream().flatMap(channel -> channel.standIn().stream()).toList();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address the server's socket is bound to (the loopback interface). */
    public InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    /** The base URL of every stand-in API, which {@link #senderSettings()} give the senders. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The stand-in of this name. */
    public StandIn standIn(String name) {
        StandIn standIn = standIns.get(name);
        if (standIn == null) {
            throw new IllegalArgumentException("no provider stand-in named " + name + " (there are " + standIns.keySet() + ")");
        }
        return standIn;
    }

    /** Every stand-in, in the order requests are offered to them. */
    public List<StandIn> all() {
        return List.copyOf(standIns.values());
    }

    /** The settings that point every stand-in's senders here (base URLs, endpoint overrides). */
    public Map<String, String> senderSettings() {
        Map<String, String> settings = new TreeMap<>();
        standIns.values().forEach(standIn -> settings.putAll(standIn.provider.senderSettings(baseUrl())));
        return settings;
    }

    /** The credentials the senders need, at values the stand-ins accept (for functions that have none). */
    public Map<String, String> senderCredentials() {
        Map<String, String> credentials = new TreeMap<>();
        standIns.values().forEach(standIn -> credentials.putAll(standIn.provider.senderCredentials()));
        return credentials;
    }

    /** Every request received, in arrival order. */
    public List<SentRequest> requests() {
        return List.copyOf(requests);
    }

    /** Every status webhook posted, in order. */
    public List<WebhookDelivery> webhooks() {
        return List.copyOf(deliveries);
    }

    /** Waits until every status webhook queued so far ({@link StatusMode#AUTOMATIC}) has been posted. */
    public boolean awaitWebhooks(Duration timeout) throws InterruptedException {
        CountDownLatch drained = new CountDownLatch(1);
        statuses.execute(drained::countDown);
        return drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        handlers.shutdownNow();
        statuses.shutdownNow();
    }

    // ------------------------------------------------------------------ requests

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // A web page must not make the stand-ins post signed status webhooks (LoopbackGuard says how).
            Optional<LoopbackGuard.Refusal> refusal = LoopbackGuard.check(exchange.getRequestMethod(),
                    exchange.getRequestHeaders().getFirst("Host"), exchange.getRequestHeaders().getFirst("Origin"), port());
            if (refusal.isPresent()) {
                answer(exchange, refusal.get().status(), LocalProblem.CONTENT_TYPE,
                        new String(refusal.get().problem(), StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            StandInRequest request = new StandInRequest(exchange.getRequestMethod(), path, headers, body, clock.instant());
            StandIn standIn = standIns.values().stream().filter(candidate -> candidate.provider.accepts(request))
                    .findFirst().orElse(null);
            if (standIn == null) {
                answer(exchange, 404, StandInAnswer.JSON,
                        "{\"message\":\"no stand-in API at " + path.replace("\"", "") + "\"}");
                return;
            }
            Fault fault = standIn.faults.poll();
            if (fault != null) {
                requests.add(new SentRequest(standIn.name(), request, null));
                if (fault.hang()) {
                    // keep the connection open without an answer: the client's timeout decides
                    closed.await(10, TimeUnit.MINUTES);
                    return;
                }
                answer(exchange, fault.status(), StandInAnswer.JSON, fault.body());
                return;
            }
            StandInAnswer outcome = standIn.provider.answer(request, context);
            requests.add(new SentRequest(standIn.name(), request, outcome.providerMessageId()));
            if (outcome.providerMessageId() == null || outcome.webhooks().isEmpty()) {
                answer(exchange, outcome);
                return;
            }
            switch (standIn.statusMode()) {
                case BEFORE_ANSWER -> {
                    post(standIn.name(), outcome.providerMessageId(), outcome.webhooks());
                    answer(exchange, outcome);
                }
                case HELD -> {
                    standIn.held.put(outcome.providerMessageId(), outcome.webhooks());
                    answer(exchange, outcome);
                }
                default -> {
                    // Queued before the answer (so awaitWebhooks after the send call covers them), posted after it.
                    CountDownLatch answered = new CountDownLatch(1);
                    statuses.execute(() -> {
                        try {
                            answered.await();
                        } catch (InterruptedException stopping) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        post(standIn.name(), outcome.providerMessageId(), outcome.webhooks());
                    });
                    try {
                        answer(exchange, outcome);
                    } finally {
                        answered.countDown();
                    }
                }
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException bug) {
            LOG.warn("stand-in failed on a request: {}", bug.toString());
        }
    }

    // ------------------------------------------------------------------ webhooks

    /** Posts webhooks in order, each after the previous one was answered. */
    private List<WebhookDelivery> post(String standIn, String providerMessageId, List<StatusWebhook> webhooks) {
        List<WebhookDelivery> posted = new ArrayList<>();
        for (StatusWebhook webhook : webhooks) {
            boolean absolute = webhook.target().startsWith("http");
            if (!absolute && config.webhookBaseUrl() == null) {
                continue;
            }
            String url = absolute ? webhook.target() : config.webhookBaseUrl() + webhook.target();
            int status;
            try {
                HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()));
                webhook.headers().forEach(builder::header);
                status = client.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException | RuntimeException failed) {
                LOG.warn("stand-in status webhook to {} failed: {}", url, failed.toString());
                status = -1;
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                break;
            }
            WebhookDelivery delivery = new WebhookDelivery(standIn, providerMessageId, webhook.status(), url,
                    webhook.headers(), webhook.body(), status, clock.instant());
            deliveries.add(delivery);
            posted.add(delivery);
        }
        return posted;
    }

    private static void answer(HttpExchange exchange, StandInAnswer answer) throws IOException {
        answer(exchange, answer.status(), answer.contentType(), answer.body());
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType == null ? StandInAnswer.JSON : contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
