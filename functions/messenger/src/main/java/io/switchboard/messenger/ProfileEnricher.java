package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Identity;
import io.switchboard.meta.AccessTokens;
import io.switchboard.meta.GraphApiClient;
import io.switchboard.meta.MetaIdentities;
import jakarta.inject.Singleton;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * (https://developers.facebook.com/docs/messenger-platform/instagram/features/user-profile), and handed to the
 * core as an {@link Interaction.ProfileName}, which only fills an empty display name.
 *
 * <p>It is a nicety: it runs only with a page access token ({@link MessengerWebhookHandler#PAGE_ACCESS_TOKEN}),
 * every lookup of a batch runs at once within one budget in total ({@link #DEFAULT_BUDGET} unless configured),
 * and any failure (timeout, HTTP error, no name, a store error while saving it) is logged without personal data
 * and ignored, so the webhook is never failed and delayed by at most the budget. A lookup still unanswered when
 * the budget runs out is abandoned (its request cancelled), never waited for.
 */
@Singleton
public class ProfileEnricher {

    /** Connect plus request, for the whole batch of lookups: keeps the webhook's answer within a second. */
    static final Duration DEFAULT_BUDGET = Duration.ofMillis(900);

    private static final Logger LOG = LoggerFactory.getLogger(ProfileEnricher.class);

    private final GraphApiClient graph;
    private final InteractionRecorder recorder;
    private final Secrets secrets;
    private final Settings settings;
    private final Clock clock;

    public ProfileEnricher(GraphApiClient graph, InteractionRecorder recorder, Secrets secrets, Settings settings,
                           Clock clock) {
        this.graph = graph;
        this.recorder = recorder;
        this.secrets = secrets;
        this.settings = settings;
        this.clock = clock;
    }

    /** What became of a batch's lookups (for logs and tests). */
    record Outcome(int named, int unnamed, int abandoned) {
        static final Outcome NONE = new Outcome(0, 0, 0);
    }

    /**
     * Looks up and records the names of these new customers, when a page access token is configured; never throws.
     *
     * @return how many were named, how many lookups failed or found no name, and how many were abandoned because
     *         the budget ran out
     */
    Outcome enrich(List<Identity> newCustomers) {
        Optional<String> token;
        try {
            token = secrets.get(MessengerWebhookHandler.PAGE_ACCESS_TOKEN);
        } catch (RuntimeException unreadable) {
            LOG.warn("page access token unreadable ({}); profile names skipped", unreadable.getClass().getSimpleName());
            return Outcome.NONE;
        }
        if (token.isEmpty()) {
            return Outcome.NONE;
        }
        Duration budget = profileLookupBudget();
        Outcome outcome = lookUp(newCustomers, token.get(), budget, clock.instant());
        LOG.info("profile lookups: {} named, {} without a name, {} abandoned after {} ms", outcome.named(),
                outcome.unnamed(), outcome.abandoned(), budget.toMillis());
        return outcome;
    }

    /**
     * {@link MessengerWebhookHandler#PROFILE_LOOKUP_BUDGET_MS} (at most
     * {@link MessengerWebhookHandler#MAX_PROFILE_LOOKUP_BUDGET}), or the default when it is unset or not a positive
     * number of milliseconds.
     */
    Duration profileLookupBudget() {
        Optional<String> configured = settings.get(MessengerWebhookHandler.PROFILE_LOOKUP_BUDGET_MS);
        if (configured.isEmpty()) {
            return DEFAULT_BUDGET;
        }
        try {
            long millis = Long.parseLong(configured.get().trim());
            if (millis > 0) {
                return Duration.ofMillis(Math.min(millis, MessengerWebhookHandler.MAX_PROFILE_LOOKUP_BUDGET.toMillis()));
            }
        } catch (NumberFormatException notANumber) {
            // falls through: a nicety's misconfiguration must not fail the webhook
        }
        LOG.warn("{} is not a positive number of milliseconds; {} ms used",
                MessengerWebhookHandler.PROFILE_LOOKUP_BUDGET_MS, DEFAULT_BUDGET.toMillis());
        return DEFAULT_BUDGET;
    }

    private Outcome lookUp(List<Identity> newCustomers, String accessToken, Duration budget, Instant at) {
        List<Lookup> lookups = new ArrayList<>();
        for (Identity identity : newCustomers) {
            Platform platform = Platform.forIdentity(identity);
            if (platform == null) {
                continue;   // a user_ref identity: no scoped id to ask about yet
            }
            MetaIdentities.ScopedId id = MetaIdentities.scopedId(identity);
            // the setting may hold one token per Page ({"<page id>": "<token>"}), as replies read it
            Optional<String> pageToken = AccessTokens.forAccount(accessToken, id.accountId());
            if (pageToken.isEmpty()) {
                continue;
            }
            lookups.add(new Lookup(identity, platform, id.accountId(),
                    graph.get(id.userId(), platform.profileFields(), pageToken.get(), budget)));
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
                recorder.record(List.of(new Interaction.ProfileName(lookup.identity, name,
                        lookup.platform.source(lookup.accountId), at)));
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
                // Exception type only: messages of HTTP, JSON and store errors may quote URLs with the token or the id.
                LOG.warn("{} profile lookup failed ({}); display name left empty", channel, failed.getClass().getSimpleName());
                unnamed++;
            }
        }
        return new Outcome(named, unnamed, abandoned);
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
