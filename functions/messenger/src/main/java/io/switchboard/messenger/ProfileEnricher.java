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
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>It is a nicety: every lookup of a batch runs at once within one budget in total ({@link #DEFAULT_BUDGET}
 * unless configured), and any failure (timeout, HTTP error, no name, a store error while saving it) is logged
 * without personal data and ignored, so the webhook is never failed and delayed by at most the budget. A lookup
 * still unanswered when the budget runs out is abandoned (its request cancelled), never waited for. The name only
 * fills an empty display name.
 */
final class ProfileEnricher {

    /** Connect plus request, for the whole batch of lookups: keeps the webhook's answer within a second. */
    static final Duration DEFAULT_BUDGET = Duration.ofMillis(900);

    private static final Logger LOG = LoggerFactory.getLogger(ProfileEnricher.class);

    private final HttpClient http;
    private final String baseUrl;
    private final String accessToken;
    private final CustomerDirectory directory;
    private final Duration budget;

    /**
     * @param budget how long the lookups of one batch may take in total, connecting included
     */
    ProfileEnricher(HttpClient http, String baseUrl, String accessToken, CustomerDirectory directory, Duration budget) {
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.accessToken = accessToken;
        this.directory = directory;
        this.budget = budget;
    }

    static HttpClient newClient(Duration budget) {
        return HttpClient.newBuilder().connectTimeout(budget).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** What became of a batch's lookups (for logs and tests). */
    record Outcome(int named, int unnamed, int abandoned) {
        static final Outcome NONE = new Outcome(0, 0, 0);
    }

    /**
     * Looks up and stores the names of these new customers; never throws.
     *
     * @return how many were named, how many lookups failed or found no name, and how many were abandoned because
     *         the budget ran out
     */
    Outcome enrich(List<Identity> newCustomers, Instant at) {
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
            return Outcome.NONE;
        }
        int named = 0;
        int unnamed = 0;
        int abandoned = 0;
        long deadline = System.nanoTime() + budget.toNanos();
        for (Lookup lookup : lookups) {
            String channel = lookup.platform.channel().wireName();
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                HttpResponse<String> response = lookup.response.get(left, TimeUnit.NANOSECONDS);
                if (response.statusCode() != 200) {
                    LOG.warn("{} profile lookup answered HTTP {}; display name left empty", channel, response.statusCode());
                    unnamed++;
                    continue;
                }
                String name = name(Json.MAPPER.readTree(response.body()));
                if (name == null) {
                    LOG.info("{} profile lookup returned no name", channel);
                    unnamed++;
                    continue;
                }
                directory.resolve(lookup.identity, name, lookup.platform.source(lookup.accountId), at);
                named++;
            } catch (TimeoutException slow) {
                // Out of budget while waiting: the request is cancelled, not left to finish in the background.
                lookup.response.cancel(true);
                abandoned++;
                LOG.warn("{} profile lookup took longer than {} ms; display name left empty", channel, budget.toMillis());
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof HttpTimeoutException) {
                    // The request's own timeout (the same budget) fired first: out of budget just the same.
                    abandoned++;
                    LOG.warn("{} profile lookup took longer than {} ms; display name left empty", channel,
                            budget.toMillis());
                } else {
                    // Exception type only: messages of HTTP errors may quote URLs with the token or the id.
                    LOG.warn("{} profile lookup failed ({}); display name left empty", channel,
                            failed.getCause() == null ? "unknown" : failed.getCause().getClass().getSimpleName());
                    unnamed++;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                lookups.forEach(pending -> pending.response.cancel(true));
                return new Outcome(named, unnamed, lookups.size() - named - unnamed);
            } catch (Exception failed) {
                // Exception type only: messages of HTTP and JSON errors may quote URLs with the token or the id.
                LOG.warn("{} profile lookup failed ({}); display name left empty", channel, failed.getClass().getSimpleName());
                unnamed++;
            }
        }
        return new Outcome(named, unnamed, abandoned);
    }

    private CompletableFuture<HttpResponse<String>> fetch(Platform platform, String userId) {
        try {
            URI uri = URI.create(baseUrl + "/" + URLEncoder.encode(userId, StandardCharsets.UTF_8)
                    + "?fields=" + URLEncoder.encode(platform.profileFields(), StandardCharsets.UTF_8)
                    + "&access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(budget).GET()
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
