package io.switchboard.local.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.json.Json;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stand-ins for the providers' send APIs on one local HTTP server, so the reply loop runs on a laptop: the same
 * paths and answer shapes as the real APIs, every request recorded ({@link #requests()}), and the provider's signed
 * status webhooks posted back to the local gateway afterwards.
 *
 * <ul>
 *   <li>Graph API {@code POST /{version}/{id}/messages}: WhatsApp Cloud API when the body has
 *       {@code messaging_product: whatsapp} (answer {@code messages[0].id} = wamid.…; statuses sent, delivered,
 *       read), else the Messenger/Instagram Send API (answer {@code message_id} = m_…; echo, delivery, read).</li>
 *   <li>Twilio {@code POST /2010-04-01/Accounts/{sid}/Messages.json} (basic auth checked against the configured
 *       auth token; answer 201 with the Message resource, sid SM + 32 hex; status callbacks sent, delivered to the
 *       request's StatusCallback).</li>
 *   <li>SES v2 {@code POST /v2/email/outbound-emails} (answer {@code {"MessageId": …}}; no webhooks).</li>
 * </ul>
 * Point the senders here with {@code GRAPH_API_BASE_URL}, {@code TWILIO_API_BASE_URL} and
 * {@code AWS_ENDPOINT_URL_SESV2} = {@link #baseUrl()}.
 *
 * <p>Each provider's stand-in ({@link #whatsapp()}, {@link #messenger()}, {@link #twilio()}, {@link #ses()}) has its
 * own status mode and faults, settable at run time.
 */
public final class ProviderStandIns implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderStandIns.class);

    /** Which provider API a request was for. Instagram sends go through {@link #MESSENGER} (one Send API). */
    public enum Provider { WHATSAPP, MESSENGER, TWILIO, SES }

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
     * @param webhookBaseUrl      the local gateway, e.g. {@code http://127.0.0.1:3000}; null: no Meta webhooks are
     *                            posted (Twilio's go to each request's own StatusCallback)
     * @param whatsappPath        template.yaml's WhatsApp webhook route
     * @param messengerPath       template.yaml's Messenger webhook route
     * @param instagramPath       template.yaml's Instagram webhook route
     * @param instagramAccountIds Send API sends to these ids are Instagram's (object instagram, its route)
     * @param whatsappAppSecret   the Meta app secret that signs WhatsApp's X-Hub-Signature-256
     * @param messengerAppSecret  the same for Messenger
     * @param instagramAppSecret  the same for Instagram
     * @param twilioAuthToken     the auth token that signs X-Twilio-Signature (and that basic auth must carry)
     */
    public record Config(String webhookBaseUrl, String whatsappPath, String messengerPath, String instagramPath,
                         Set<String> instagramAccountIds, String whatsappAppSecret, String messengerAppSecret,
                         String instagramAppSecret, String twilioAuthToken) {
        public Config {
            instagramAccountIds = instagramAccountIds == null ? Set.of() : Set.copyOf(instagramAccountIds);
        }

        /** The routes of template.yaml, one app secret for every Meta product. */
        public static Config of(String webhookBaseUrl, String appSecret, String twilioAuthToken) {
            return new Config(webhookBaseUrl, "/webhooks/whatsapp", "/webhooks/messenger", "/webhooks/instagram",
                    Set.of(), appSecret, appSecret, appSecret, twilioAuthToken);
        }

        public Config withInstagramAccounts(Set<String> ids) {
            return new Config(webhookBaseUrl, whatsappPath, messengerPath, instagramPath, ids, whatsappAppSecret,
                    messengerAppSecret, instagramAppSecret, twilioAuthToken);
        }
    }

    /** One provider's stand-in: its recorded requests, its status mode, its faults and held statuses. */
    public final class StandIn {
        private final Provider provider;
        private volatile StatusMode mode = StatusMode.AUTOMATIC;
        private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
        private final Map<String, List<StatusWebhooks.Webhook>> held = new ConcurrentHashMap<>();

        private StandIn(Provider provider) {
            this.provider = provider;
        }

        public Provider provider() {
            return provider;
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

        /** This provider's requests, in arrival order. */
        public List<SentRequest> requests() {
            return ProviderStandIns.this.requests().stream().filter(r -> r.provider() == provider).toList();
        }

        /** Ids whose statuses are held ({@link StatusMode#HELD}). */
        public Set<String> held() {
            return Set.copyOf(held.keySet());
        }

        /** Posts the held statuses of this message now, in order, and returns how they were answered. */
        public List<WebhookDelivery> release(String providerMessageId) {
            List<StatusWebhooks.Webhook> webhooks = held.remove(providerMessageId);
            return webhooks == null ? List.of() : post(providerMessageId, webhooks);
        }
    }

    private record Fault(int status, String body, boolean hang) {
    }

    /** What a provider's handler answers, and the webhooks its message will cause. */
    private record Outcome(int status, String body, String providerMessageId, List<StatusWebhooks.Webhook> webhooks) {
    }

    private static final Pattern GRAPH = Pattern.compile("/(v\\d+(?:\\.\\d+)?)/([^/]+)/messages");
    private static final Pattern TWILIO = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final String SES = "/v2/email/outbound-emails";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Config config;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(daemon("standin-http"));
    private final ExecutorService statuses = Executors.newSingleThreadExecutor(daemon("standin-statuses"));
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Provider, StandIn> standIns = new ConcurrentHashMap<>();
    private final List<SentRequest> requests = new CopyOnWriteArrayList<>();
    private final List<WebhookDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private ProviderStandIns(int port, Config config, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        for (Provider provider : Provider.values()) {
            standIns.put(provider, new StandIn(provider));
        }
        io.switchboard.local.HttpGateway.avoidNagleDelays();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts the stand-ins on 127.0.0.1:{@code port} (0: any free port). */
    public static ProviderStandIns start(int port, Config config) throws IOException {
        return new ProviderStandIns(port, config, Clock.systemUTC());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address the server's socket is bound to (the loopback interface). */
    public InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    /** The base URL of every stand-in API: GRAPH_API_BASE_URL, TWILIO_API_BASE_URL, AWS_ENDPOINT_URL_SESV2. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public StandIn whatsapp() {
        return standIns.get(Provider.WHATSAPP);
    }

    public StandIn messenger() {
        return standIns.get(Provider.MESSENGER);
    }

    public StandIn twilio() {
        return standIns.get(Provider.TWILIO);
    }

    public StandIn ses() {
        return standIns.get(Provider.SES);
    }

    public StandIn standIn(Provider provider) {
        return standIns.get(provider);
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
                answer(exchange, refusal.get().status(), new String(refusal.get().problem(), StandardCharsets.UTF_8),
                        Map.of("Content-Type", LocalProblem.CONTENT_TYPE));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    values.get(0)));
            SentRequest request = decode(exchange.getRequestMethod(), path, headers, body);
            if (request == null) {
                answer(exchange, 404, "{\"message\":\"no stand-in API at " + path.replace("\"", "") + "\"}", Map.of());
                return;
            }
            StandIn standIn = standIns.get(request.provider());
            Fault fault = standIn.faults.poll();
            if (fault != null) {
                requests.add(request);
                if (fault.hang()) {
                    // keep the connection open without an answer: the client's timeout decides
                    closed.await(10, TimeUnit.MINUTES);
                    return;
                }
                answer(exchange, fault.status(), fault.body(), Map.of());
                return;
            }
            Outcome outcome = outcome(request);
            requests.add(request.withProviderMessageId(outcome.providerMessageId()));
            if (outcome.providerMessageId() == null || outcome.webhooks().isEmpty()) {
                answer(exchange, outcome.status(), outcome.body(), Map.of());
                return;
            }
            switch (standIn.statusMode()) {
                case BEFORE_ANSWER -> {
                    post(outcome.providerMessageId(), outcome.webhooks());
                    answer(exchange, outcome.status(), outcome.body(), Map.of());
                }
                case HELD -> {
                    standIn.held.put(outcome.providerMessageId(), outcome.webhooks());
                    answer(exchange, outcome.status(), outcome.body(), Map.of());
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
                        post(outcome.providerMessageId(), outcome.webhooks());
                    });
                    try {
                        answer(exchange, outcome.status(), outcome.body(), Map.of());
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

    private SentRequest decode(String method, String path, Map<String, String> headers, byte[] body) {
        Instant at = clock.instant();
        String text = new String(body, StandardCharsets.UTF_8);
        if (!"POST".equals(method)) {
            return null;
        }
        if (GRAPH.matcher(path).matches()) {
            JsonNode json = json(text);
            Provider provider = json != null && "whatsapp".equals(json.path("messaging_product").asText())
                    ? Provider.WHATSAPP : Provider.MESSENGER;
            return new SentRequest(provider, method, path, headers, text, json, List.of(), null, at, null);
        }
        if (TWILIO.matcher(path).matches()) {
            List<Map.Entry<String, String>> form;
            try {
                form = UrlEncodedForm.parse(body);
            } catch (RuntimeException malformed) {
                form = List.of();
            }
            return new SentRequest(Provider.TWILIO, method, path, headers, text, null, form, null, at, null);
        }
        if (SES.equals(path)) {
            JsonNode json = json(text);
            byte[] mime = null;
            if (json != null && json.path("Content").path("Raw").path("Data").isTextual()) {
                try {
                    mime = Base64.getDecoder().decode(json.path("Content").path("Raw").path("Data").asText());
                } catch (IllegalArgumentException notBase64) {
                    mime = null;
                }
            }
            return new SentRequest(Provider.SES, method, path, headers, text, json, List.of(), mime, at, null);
        }
        return null;
    }

    private Outcome outcome(SentRequest request) {
        return switch (request.provider()) {
            case WHATSAPP -> whatsapp(request);
            case MESSENGER -> messenger(request);
            case TWILIO -> twilio(request);
            case SES -> ses(request);
        };
    }

    /** https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/message-api */
    private Outcome whatsapp(SentRequest request) {
        Outcome refused = graphChecks(request, "to");
        if (refused != null) {
            return refused;
        }
        Matcher path = GRAPH.matcher(request.path());
        path.matches();
        String to = request.json().path("to").asText();
        String wamid = "wamid.HBgL" + Base64.getEncoder().encodeToString(randomBytes(30));
        String answer = Json.write(Map.of("messaging_product", "whatsapp",
                "contacts", List.of(Map.of("input", to, "wa_id", to.replaceAll("[^0-9]", ""))),
                "messages", List.of(Map.of("id", wamid, "message_status", "accepted"))));
        List<StatusWebhooks.Webhook> webhooks = config.webhookBaseUrl() == null ? List.of()
                : StatusWebhooks.whatsapp(config.whatsappPath(), config.whatsappAppSecret(), path.group(2), wamid, to,
                "template".equals(request.json().path("type").asText()), request.at());
        return new Outcome(200, answer, wamid, webhooks);
    }

    /** https://developers.facebook.com/docs/messenger-platform/reference/send-api */
    private Outcome messenger(SentRequest request) {
        Outcome refused = graphChecks(request, "recipient");
        if (refused != null) {
            return refused;
        }
        Matcher path = GRAPH.matcher(request.path());
        path.matches();
        String accountId = path.group(2);
        String userId = request.json().path("recipient").path("id").asText();
        String mid = "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(45));
        boolean instagram = config.instagramAccountIds().contains(accountId);
        @SuppressWarnings("unchecked")
        Map<String, Object> message = Json.MAPPER.convertValue(request.json().path("message"), Map.class);
        List<StatusWebhooks.Webhook> webhooks = config.webhookBaseUrl() == null ? List.of()
                : StatusWebhooks.messenger(instagram ? config.instagramPath() : config.messengerPath(),
                instagram ? config.instagramAppSecret() : config.messengerAppSecret(), instagram, accountId, userId, mid, message == null ? Map.of() : message,
                request.at());
        return new Outcome(200, Json.write(Map.of("recipient_id", userId, "message_id", mid)), mid, webhooks);
    }

    /** Bearer token and a JSON body naming the recipient; else Meta's error object. */
    private static Outcome graphChecks(SentRequest request, String recipientField) {
        String authorization = request.header("authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
            return new Outcome(401, metaError(190, "Invalid OAuth access token - Cannot parse access token"), null,
                    List.of());
        }
        if (request.json() == null || request.json().path(recipientField).isMissingNode()) {
            return new Outcome(400, metaError(100, "(#100) The parameter " + recipientField + " is required"), null,
                    List.of());
        }
        return null;
    }

    /** https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource */
    private Outcome twilio(SentRequest request) {
        Matcher path = TWILIO.matcher(request.path());
        path.matches();
        String accountSid = path.group(1);
        String expected = "Basic " + Base64.getEncoder().encodeToString((accountSid + ":" + config.twilioAuthToken())
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(request.header("authorization"))) {
            return new Outcome(401, twilioError(20003, "Authenticate", 401), null, List.of());
        }
        String to = request.formValue("To").orElse(null);
        String from = request.formValue("From").orElse(null);
        if (to == null) {
            return new Outcome(400, twilioError(21604, "A 'To' phone number is required.", 400), null, List.of());
        }
        if (from == null) {
            return new Outcome(400, twilioError(21603, "A 'From' phone number is required.", 400), null, List.of());
        }
        if (request.formValue("Body").isEmpty() && request.formValues("MediaUrl").isEmpty()) {
            return new Outcome(400, twilioError(21602, "Message body is required.", 400), null, List.of());
        }
        String sid = (request.formValues("MediaUrl").isEmpty() ? "SM" : "MM") + HexFormat.of().formatHex(randomBytes(16));
        String uri = "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid;
        Map<String, Object> resource = new TreeMap<>();
        resource.put("account_sid", accountSid);
        resource.put("api_version", "2010-04-01");
        resource.put("body", request.formValue("Body").orElse(""));
        resource.put("date_created", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(request.at().atZone(java.time.ZoneOffset.UTC)));
        resource.put("direction", "outbound-api");
        resource.put("from", from);
        resource.put("num_media", String.valueOf(request.formValues("MediaUrl").size()));
        resource.put("num_segments", "1");
        resource.put("price_unit", "USD");
        resource.put("sid", sid);
        resource.put("status", "queued");
        resource.put("subresource_uris", Map.of("media", uri + "/Media.json"));
        resource.put("to", to);
        resource.put("uri", uri + ".json");
        List<StatusWebhooks.Webhook> webhooks = request.formValue("StatusCallback")
                .map(callback -> StatusWebhooks.twilio(callback, config.twilioAuthToken(), accountSid, sid, from, to))
                .orElse(List.of());
        return new Outcome(201, Json.write(resource), sid, webhooks);
    }

    /** https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html */
    private Outcome ses(SentRequest request) {
        if (request.mime() == null) {
            return new Outcome(400, "{\"message\":\"Content.Raw.Data is required\"}", null, List.of());
        }
        String id = "0100" + HexFormat.of().formatHex(randomBytes(6)) + "-" + UUID.randomUUID() + "-000000";
        return new Outcome(200, Json.write(Map.of("MessageId", id)), id, List.of());
    }

    // ------------------------------------------------------------------ webhooks

    /** Posts webhooks in order, each after the previous one was answered. */
    private List<WebhookDelivery> post(String providerMessageId, List<StatusWebhooks.Webhook> webhooks) {
        List<WebhookDelivery> posted = new ArrayList<>();
        for (StatusWebhooks.Webhook webhook : webhooks) {
            String url = webhook.target().startsWith("http") ? webhook.target() : config.webhookBaseUrl() + webhook.target();
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
            WebhookDelivery delivery = new WebhookDelivery(providerMessageId, webhook.status(), url, webhook.headers(),
                    webhook.body(), status, clock.instant());
            deliveries.add(delivery);
            posted.add(delivery);
        }
        return posted;
    }

    private static void answer(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String metaError(int code, String message) {
        return Json.write(Map.of("error", Map.of("message", message, "type", "OAuthException", "code", code,
                "fbtrace_id", "A" + HexFormat.of().formatHex(randomBytes(10)))));
    }

    private static String twilioError(int code, String message, int status) {
        return Json.write(Map.of("code", code, "message", message,
                "more_info", "https://www.twilio.com/docs/errors/" + code, "status", status));
    }

    private static JsonNode json(String text) {
        try {
            return text.isBlank() ? null : Json.MAPPER.readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
