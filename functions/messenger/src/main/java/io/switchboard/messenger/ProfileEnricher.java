package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Identity;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the display name of customers a webhook just created. Messenger and Instagram webhooks carry no names,
 * only page- or Instagram-scoped ids, so the name is asked of the Graph API once per new customer:
 * {@code GET {base}/{psid}?fields=first_name,last_name,name} (User Profile API,
 * https://developers.facebook.com/docs/messenger-platform/identity/user-profile) and for Instagram
 * {@code GET {base}/{igsid}?fields=name,username}
 * (https://developers.facebook.com/docs/messenger-platform/instagram/features/user-profile).
 *
 * <p>It is a nicety: every lookup of a batch runs at once within {@link #BUDGET} in total, and any failure
 * (timeout, HTTP error, no name, a store error while saving it) is logged without personal data and ignored, so
 * the webhook is never failed and delayed by at most the budget. The name only fills an empty display name.
 */
final class ProfileEnricher {

    /** Connect plus request, for the whole batch of lookups. */
    static final Duration BUDGET = Duration.ofMillis(900);

    private static final Logger LOG = LoggerFactory.getLogger(ProfileEnricher.class);

    private final HttpClient http;
    private final String baseUrl;
    private final String accessToken;
    private final CustomerDirectory directory;

    ProfileEnricher(HttpClient http, String baseUrl, String accessToken, CustomerDirectory directory) {
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.accessToken = accessToken;
        this.directory = directory;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(BUDGET).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Looks up and stores the names of these new customers; never throws. */
    void enrich(List<Identity> newCustomers, Instant at) {
        List<Lookup> lookups = new ArrayList<>();
        for (Identity identity : newCustomers) {
            Platform platform = Platform.forIdentity(identity);
            if (platform == null) {
                continue;   // a user_ref identity: no scoped id to ask about yet
            }
            String value = identity.value();
            int colon = value.indexOf(':');
            String accountId = value.substring(0, colon);
            String userId = value.substring(colon + 1);
            lookups.add(new Lookup(identity, platform, accountId, fetch(platform, userId)));
        }
        if (lookups.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + BUDGET.toNanos();
        for (Lookup lookup : lookups) {
            String channel = lookup.platform.channel().wireName();
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                HttpResponse<String> response = lookup.response.get(left, TimeUnit.NANOSECONDS);
                if (response.statusCode() != 200) {
                    LOG.warn("{} profile lookup answered HTTP {}; display name left empty", channel, response.statusCode());
                    continue;
                }
                String name = name(Json.MAPPER.readTree(response.body()));
                if (name == null) {
                    LOG.info("{} profile lookup returned no name", channel);
                    continue;
                }
                directory.resolve(lookup.identity, name, lookup.platform.source(lookup.accountId), at);
            } catch (java.util.concurrent.TimeoutException slow) {
                lookup.response.cancel(true);
                LOG.warn("{} profile lookup took longer than {} ms; display name left empty", channel, BUDGET.toMillis());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception failed) {
                // Exception type only: messages of HTTP and JSON errors may quote URLs with the token or the id.
                LOG.warn("{} profile lookup failed ({}); display name left empty", channel, failed.getClass().getSimpleName());
            }
        }
    }

    private CompletableFuture<HttpResponse<String>> fetch(Platform platform, String userId) {
        try {
            URI uri = URI.create(baseUrl + "/" + URLEncoder.encode(userId, StandardCharsets.UTF_8)
                    + "?fields=" + URLEncoder.encode(platform.profileFields(), StandardCharsets.UTF_8)
                    + "&access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(BUDGET).GET()
                    .header("Accept", "application/json").build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException badUrl) {
            return CompletableFuture.failedFuture(badUrl);
        }
    }

    /** {@code name}, else first and last name, else (Instagram) the username. */
    static String name(JsonNode profile) {
        String name = text(profile, "name");
        if (name != null) {
            return name;
        }
        String first = text(profile, "first_name");
        String last = text(profile, "last_name");
        if (first != null || last != null) {
            return ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        }
        return text(profile, "username");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText().trim() : null;
    }

    private record Lookup(Identity identity, Platform platform, String accountId,
                          CompletableFuture<HttpResponse<String>> response) {
    }
}
