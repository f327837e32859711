package io.switchboard.meta;

import io.switchboard.core.config.Settings;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Reads of Meta's Graph API ({@code GET {base}/{node}?fields=...}), shared by every Meta channel of a function.
 * One HTTP client per JVM, built on first use (class initialisation of a holder, which the JVM does once and
 * thread-safely), so functions that never call the Graph API never pay for it; building this bean does no I/O.
 * The base URL ({@link #BASE_URL}) is read per request.
 * https://developers.facebook.com/docs/graph-api/overview
 */
@Singleton
public class GraphApiClient {

    /** Optional setting: the Graph API base URL, version included (a stub's, in tests). */
    public static final String BASE_URL = "GRAPH_API_BASE_URL";
    public static final String DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0";

    /**
     * A backstop only: each request carries the caller's own timeout, and callers abandon (cancel) a lookup when
     * their budget runs out, whatever stage it is in.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

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

    private String baseUrl() {
        String base = settings.get(BASE_URL).orElse(DEFAULT_BASE_URL);
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Initialised on the first request only. Redirects are not followed: the Graph API does not send them. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
