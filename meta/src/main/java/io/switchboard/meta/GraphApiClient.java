package io.switchboard.meta;

import io.switchboard.core.config.Settings;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Meta's Graph API: reads ({@code GET {base}/{version}/{node}?fields=...}) and the Send APIs' POSTs
 * ({@code POST {base}/{version}/{node}/messages}), shared by every Meta channel of a function.
 * One HTTP client per JVM, built on first use (class initialisation of a holder, which the JVM does once and
 * thread-safely), so functions that never call the Graph API never pay for it; building this bean does no I/O.
 * The base URL ({@link #BASE_URL}) and version ({@link #VERSION}) are read per request.
 * https://developers.facebook.com/docs/graph-api/overview
 * https://developers.facebook.com/docs/graph-api/guides/versioning
 */
@Singleton
public class GraphApiClient {

    /**
     * Optional setting: the Graph API base URL without version (a stub's, in tests). A base that already ends with a
     * version ({@code .../v21.0}, as earlier deployments configured it) is used as is.
     */
    public static final String BASE_URL = "GRAPH_API_BASE_URL";
    public static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
    /** Optional setting: the Graph API version of every call, e.g. {@code v21.0}. */
    public static final String VERSION = "GRAPH_API_VERSION";
    public static final String DEFAULT_VERSION = "v21.0";

    private static final Pattern ENDS_WITH_VERSION = Pattern.compile(".*/v\\d+(\\.\\d+)?");

    /**
     * Connecting is cheap or failing: a send whose connection is not up within this is not sent, and is safe to try
     * again. Each request also carries the caller's own timeout, and lookups are abandoned when their budget runs out.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;

    public GraphApiClient(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts {@code GET {base}/{nodeId}?fields={fields}&access_token={token}}; never throws (a URL that cannot be
     * built is a failed future). Callers must log failures by type only: messages may quote the URL, token included.
     *
     * @param timeout the request's timeout ({@link HttpRequest.Builder#timeout})
     */
    public CompletableFuture<HttpResponse<String>> get(String nodeId, String fields, String accessToken,
                                                       Duration timeout) {
        try {
            URI uri = URI.create(baseUrl() + "/" + URLEncoder.encode(nodeId, StandardCharsets.UTF_8)
                    + "?fields=" + URLEncoder.encode(fields, StandardCharsets.UTF_8)
                    + "&access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                    .header("Accept", "application/json").build();
            return Http.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException badUrl) {
            return CompletableFuture.failedFuture(badUrl);
        }
    }

    /**
     * Sends {@code POST {base}/{version}/{nodeId}/{edge}} with a JSON body and the token as a Bearer header (never in
     * the URL, so no log or proxy sees it), and waits for the answer.
     *
     * @throws IOException          when no answer came (connection refused, reset, timed out)
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws IllegalArgumentException when the configured base URL is no URL
     */
    public HttpResponse<String> post(String nodeId, String edge, String accessToken, String jsonBody, Duration timeout)
            throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl() + "/" + URLEncoder.encode(nodeId, StandardCharsets.UTF_8) + "/" + edge);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + accessToken).build();
        return Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code {base}/{version}}: the version is added unless the configured base already ends with one. */
    private String baseUrl() {
        String base = settings.get(BASE_URL).orElse(DEFAULT_BASE_URL).trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (ENDS_WITH_VERSION.matcher(base).matches()) {
            return base;
        }
        return base + "/" + settings.get(VERSION).map(String::trim).filter(v -> !v.isEmpty()).orElse(DEFAULT_VERSION);
    }

    /** Initialised on the first request only. Redirects are not followed: the Graph API does not send them. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
