package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.config.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a stub Graph API on 127.0.0.1: never the internet. */
class GraphApiClientTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer graph;

    @BeforeEach
    void startGraph() throws IOException {
        graph = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        graph.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery()
                    + " accept=" + exchange.getRequestHeaders().getFirst("Accept"));
            byte[] body = "{\"name\":\"Ann Example\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        graph.start();
    }

    @AfterEach
    void stopGraph() {
        graph.stop(0);
    }

    @Test
    void get_asksForTheNodesFieldsWithTheToken_encoded() throws Exception {
        GraphApiClient client = new GraphApiClient(Settings.of(Map.of(GraphApiClient.BASE_URL, baseUrl() + "/")));
        HttpResponse<String> response = client.get("6234567890123456", "first_name,last_name", "EAA/token+1",
                Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("{\"name\":\"Ann Example\"}", response.body());
        assertEquals(List.of("/v21.0/6234567890123456?fields=first_name%2Clast_name&access_token=EAA%2Ftoken%2B1"
                + " accept=application/json"), requests);
    }

    @Test
    void theBaseUrlIsReadPerRequest() throws Exception {
        Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();
        GraphApiClient client = new GraphApiClient(name -> java.util.Optional.ofNullable(values.get(name)));
        values.put(GraphApiClient.BASE_URL, baseUrl());
        assertEquals(200, client.get("1", "name", "t", Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS).statusCode());
        assertTrue(requests.get(0).startsWith("/v21.0/1?"), requests.get(0));
    }

    @Test
    void aBaseUrlThatIsNoUrl_isAFailedLookupNotAnException() {
        GraphApiClient client = new GraphApiClient(Settings.of(Map.of(GraphApiClient.BASE_URL, "not a url")));
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> client.get("1", "name", "t", Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, failed.getCause());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + graph.getAddress().getPort() + "/v21.0";
    }
}
