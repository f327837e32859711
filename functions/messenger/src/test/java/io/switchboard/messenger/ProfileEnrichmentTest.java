package io.switchboard.messenger;

import io.switchboard.core.testing.InMemoryConversationLog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Identity;
import io.switchboard.core.security.HubSignature;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Profile names from a stub Graph API on 127.0.0.1: never the internet. */
class ProfileEnrichmentTest {

    static final String SECRET = "test-messenger-secret";
    static final String IG_SECRET = "test-instagram-secret";
    static final String TOKEN = "EAAtestpagetoken123";
    static final Identity ANN = Identity.messenger("108223764512345", "6234567890123456");
    static final Identity IG_ANN = Identity.instagram("17841400000000001", "5432109876543210");

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Holds a "slow" stub answer until the test is over. */
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer graph;
    private MessengerWebhookHandler handler;

    @AfterEach
    void stop() {
        release.countDown();
        if (handler != null) {
            handler.close();
        }
        if (graph != null) {
            graph.stop(0);
        }
    }

    @Test
    void newMessengerCustomer_getsTheProfileNameOnce() {
        // given a Graph API that knows Ann
        startGraph(200, "{\"first_name\":\"Ann\",\"last_name\":\"Example\",\"name\":\"Ann Example\",\"id\":\"6234567890123456\"}", false);
        startHandler(true);
        // when she writes twice
        assertEquals(200, post("/webhooks/messenger", Fixtures.messenger("text_message.json"), SECRET).getStatusCode());
        assertEquals(200, post("/webhooks/messenger", Fixtures.messenger("quick_reply.json"), SECRET).getStatusCode());
        // then her name was asked once, for her page-scoped id, with the page token
        assertEquals("Ann Example", directory.find(ANN).orElseThrow().displayName());
        assertEquals(1, requests.size(), "one lookup per new customer: " + requests);
        assertEquals("/v21.0/6234567890123456?fields=first_name%2Clast_name%2Cname&access_token=" + TOKEN,
                requests.get(0));
    }

    @Test
    void newInstagramCustomer_asksForNameAndUsername_andFallsBackToTheUsername() {
        // given an Instagram user without a name
        startGraph(200, "{\"username\":\"ann.example\",\"id\":\"5432109876543210\"}", false);
        startHandler(true);
        // when
        assertEquals(200, post("/webhooks/instagram", Fixtures.instagram("text_message.json"), IG_SECRET).getStatusCode());
        // then
        assertEquals("ann.example", directory.find(IG_ANN).orElseThrow().displayName());
        assertTrue(requests.get(0).startsWith("/v21.0/5432109876543210?fields=name%2Cusername&"), requests.get(0));
    }

    @Test
    void echoRecipient_isLookedUpToo_notThePage() {
        // given the page writes first (an echo creates the customer)
        startGraph(200, "{\"name\":\"Ann Example\"}", false);
        startHandler(true);
        // when
        post("/webhooks/messenger", Fixtures.messenger("echo_text.json"), SECRET);
        // then
        assertTrue(requests.get(0).startsWith("/v21.0/6234567890123456?"), requests.get(0));
        assertEquals("Ann Example", directory.find(ANN).orElseThrow().displayName());
    }

    @Test
    void graphApiError_neverFailsTheWebhook() {
        // given a Graph API that refuses (expired token, say)
        startGraph(400, "{\"error\":{\"message\":\"Error validating access token\",\"type\":\"OAuthException\",\"code\":190}}", false);
        startHandler(true);
        // when
        APIGatewayV2HTTPResponse response = post("/webhooks/messenger", Fixtures.messenger("text_message.json"), SECRET);
        // then the message is stored, the name stays empty
        assertEquals(200, response.getStatusCode());
        assertEquals(1, log.all().size());
        assertNull(directory.find(ANN).orElseThrow().displayName());
    }

    @Test
    void slowGraphApi_delaysTheWebhookByAtMostTheBudget() {
        // given a Graph API that does not answer while the test runs
        startGraph(200, "{\"name\":\"Too Late\"}", true);
        startHandler(true);
        // when
        long start = System.nanoTime();
        APIGatewayV2HTTPResponse response = post("/webhooks/messenger", Fixtures.messenger("text_message.json"), SECRET);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // then
        assertEquals(200, response.getStatusCode());
        assertTrue(took.compareTo(Duration.ofMillis(2000)) < 0, "took " + took);
        assertNull(directory.find(ANN).orElseThrow().displayName());
    }

    @Test
    void unreachableGraphApi_neverFailsTheWebhook() throws IOException {
        // given a base URL where nothing listens
        startGraph(200, "{}", false);
        int port = graph.getAddress().getPort();
        graph.stop(0);
        graph = null;
        handler = handler("http://127.0.0.1:" + port + "/v21.0", true);
        // when
        APIGatewayV2HTTPResponse response = post("/webhooks/messenger", Fixtures.messenger("text_message.json"), SECRET);
        // then
        assertEquals(200, response.getStatusCode());
        assertEquals(1, log.all().size());
    }

    @Test
    void withoutAPageToken_nothingIsLookedUp() {
        // given
        startGraph(200, "{\"name\":\"Ann Example\"}", false);
        startHandler(false);
        // when
        post("/webhooks/messenger", Fixtures.messenger("text_message.json"), SECRET);
        // then
        assertTrue(requests.isEmpty());
        assertNull(directory.find(ANN).orElseThrow().displayName());
    }

    // ---------------------------------------------------------------- helpers

    private void startGraph(int status, String body, boolean hang) {
        try {
            graph = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        graph.setExecutor(Executors.newCachedThreadPool());
        graph.createContext("/", exchange -> answer(exchange, status, body, hang));
        graph.start();
    }

    private void answer(HttpExchange exchange, int status, String body, boolean hang) throws IOException {
        requests.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery());
        if (hang) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void startHandler(boolean withToken) {
        handler = handler("http://127.0.0.1:" + graph.getAddress().getPort() + "/v21.0", withToken);
    }

    private MessengerWebhookHandler handler(String baseUrl, boolean withToken) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "MESSENGER_APP_SECRET", SECRET,
                "MESSENGER_VERIFY_TOKEN", "verify",
                "INSTAGRAM_APP_SECRET", IG_SECRET,
                "INSTAGRAM_VERIFY_TOKEN", "verify",
                "GRAPH_API_BASE_URL", baseUrl));
        if (withToken) {
            settings.put("MESSENGER_PAGE_ACCESS_TOKEN", TOKEN);
        }
        return new MessengerWebhookHandler(Contexts.with(Settings.of(settings), directory, log));
    }

    private APIGatewayV2HTTPResponse post(String path, byte[] body, String secret) {
        return handler.handleRequest(MessengerWebhookHandlerTest.event("POST", path, body,
                Map.of("X-Hub-Signature-256", HubSignature.sign(body, secret)), null), null);
    }
}
