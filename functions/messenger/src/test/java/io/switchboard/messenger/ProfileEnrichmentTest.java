package io.switchboard.messenger;

import io.switchboard.core.testing.InMemoryConversationLog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Identity;
import io.switchboard.meta.HubSignature;
import io.switchboard.meta.MetaIdentities;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Profile names from a stub Graph API on 127.0.0.1: never the internet. No assertion measures time: a Graph API
 * that answers does so at once, and the handler is then given a generous budget (a loaded machine cannot make an
 * instant answer late); one that never answers holds its request until the test is over, so only the budget can
 * end the wait, and a webhook that answers at all has not waited for it.
 */
class ProfileEnrichmentTest {

    static final String SECRET = "test-messenger-secret";
    static final String IG_SECRET = "test-instagram-secret";
    static final String TOKEN = "EAAtestpagetoken123";
    static final Identity ANN = MetaIdentities.messenger("108223764512345", "6234567890123456");
    static final Identity IG_ANN = MetaIdentities.instagram("17841400000000001", "5432109876543210");
    /** For stubs that answer at once: far more than any lookup on a loaded machine needs. */
    static final String GENEROUS_BUDGET_MS = "30000";
    /**
     * How long a "never answering" stub holds a request at most, so that a regression (a lookup waited for without
     * a budget) ends in a failed assertion, the late name being stored, rather than a hung build.
     */
    static final long HANG_BOUND_SECONDS = 120;

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Holds a "slow" stub answer until the test is over. */
    private final CountDownLatch release = new CountDownLatch(1);
    /** Set when a "never answering" stub answers after all (released at the end of the test, or after the bound). */
    private final AtomicBoolean answeredLate = new AtomicBoolean();
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
    void graphApiThatNeverAnswers_stillLetsTheWebhookAnswer200AndStoreTheMessage() {
        // given a Graph API that does not answer while the test runs, and the production budget
        startGraph(200, "{\"name\":\"Too Late\"}", true);
        handler = handler(graphUrl(), true, null);
        // when
        APIGatewayV2HTTPResponse response = post("/webhooks/messenger", Fixtures.messenger("text_message.json"), SECRET);
        // then the webhook answered without the Graph API's answer: the lookup was given up, the message is stored
        assertEquals(200, response.getStatusCode());
        assertFalse(answeredLate.get(), "the webhook waited for the Graph API");
        assertEquals(1, log.all().size());
        assertNull(directory.find(ANN).orElseThrow().displayName());
    }

    @Test
    void graphApiThatNeverAnswers_everyLookupOfTheBatchIsAbandonedWhenTheBudgetRunsOut() {
        // given two new customers and a Graph API that does not answer while the test runs
        startGraph(200, "{\"name\":\"Too Late\"}", true);
        Identity bob = MetaIdentities.messenger("108223764512345", "6234567890123457");
        Instant at = Instant.parse("2025-11-22T10:00:00Z");
        directory.resolve(ANN, null, "/messenger/108223764512345", at);
        directory.resolve(bob, null, "/messenger/108223764512345", at);
        Duration budget = Duration.ofMillis(200);
        handler = handler(graphUrl(), true, String.valueOf(budget.toMillis()));
        // when
        ProfileEnricher.Outcome outcome = profiles(handler).enrich(List.of(ANN, bob));
        // then both lookups were abandoned (only the budget can have ended them), and no name was stored
        assertEquals(new ProfileEnricher.Outcome(0, 0, 2), outcome);
        assertFalse(answeredLate.get());
        assertNull(directory.find(ANN).orElseThrow().displayName());
        assertNull(directory.find(bob).orElseThrow().displayName());
    }

    @Test
    void budgetSetting_isReadInMilliseconds_cappedAndDefaultsTo900ms() {
        // given handlers configured without, with a good, a bad and an excessive budget
        startGraph(200, "{}", false);
        Map<String, Duration> expected = new java.util.LinkedHashMap<>();
        expected.put("250", Duration.ofMillis(250));
        expected.put("soon", ProfileEnricher.DEFAULT_BUDGET);
        expected.put("-5", ProfileEnricher.DEFAULT_BUDGET);
        expected.put("86400000", MessengerWebhookHandler.MAX_PROFILE_LOOKUP_BUDGET);
        // when / then
        handler = handler(graphUrl(), true, null);
        assertEquals(Duration.ofMillis(900), profiles(handler).profileLookupBudget());
        handler.close();
        for (Map.Entry<String, Duration> setting : expected.entrySet()) {
            handler = handler(graphUrl(), true, setting.getKey());
            assertEquals(setting.getValue(), profiles(handler).profileLookupBudget(), setting.getKey());
            handler.close();
        }
        handler = null;
    }

    @Test
    void unreachableGraphApi_neverFailsTheWebhook() throws IOException {
        // given a base URL where nothing listens
        startGraph(200, "{}", false);
        int port = graph.getAddress().getPort();
        graph.stop(0);
        graph = null;
        handler = handler("http://127.0.0.1:" + port + "/v21.0", true, GENEROUS_BUDGET_MS);
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
                release.await(HANG_BOUND_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answeredLate.set(true);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A handler whose lookups of the stub, answering at once, cannot run out of time. */
    private void startHandler(boolean withToken) {
        handler = handler(graphUrl(), withToken, GENEROUS_BUDGET_MS);
    }

    private String graphUrl() {
        return "http://127.0.0.1:" + graph.getAddress().getPort() + "/v21.0";
    }

    /** @param budgetMillis PROFILE_LOOKUP_BUDGET_MS, or null for the production default */
    private MessengerWebhookHandler handler(String baseUrl, boolean withToken, String budgetMillis) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "MESSENGER_APP_SECRET", SECRET,
                "MESSENGER_VERIFY_TOKEN", "verify",
                "INSTAGRAM_APP_SECRET", IG_SECRET,
                "INSTAGRAM_VERIFY_TOKEN", "verify",
                "GRAPH_API_BASE_URL", baseUrl));
        if (withToken) {
            settings.put("MESSENGER_PAGE_ACCESS_TOKEN", TOKEN);
        }
        if (budgetMillis != null) {
            settings.put(MessengerWebhookHandler.PROFILE_LOOKUP_BUDGET_MS, budgetMillis);
        }
        return new MessengerWebhookHandler(Contexts.with(Settings.of(settings), directory, log));
    }

    /** The handler's profile lookups, as its channel uses them. */
    private static ProfileEnricher profiles(MessengerWebhookHandler handler) {
        return handler.getApplicationContext().getBean(ProfileEnricher.class);
    }

    private APIGatewayV2HTTPResponse post(String path, byte[] body, String secret) {
        return handler.handleRequest(MessengerWebhookHandlerTest.event("POST", path, body,
                Map.of("X-Hub-Signature-256", HubSignature.sign(body, secret)), null), null);
    }
}
