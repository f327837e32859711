package io.switchboard.core.config;

import io.switchboard.core.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Webhook secrets by name (a channel's app secret, say). Locally a setting of that name wins; on AWS the
 * function's Secrets Manager secret (a JSON object keyed by the same names, named by
 * {@link Settings#SECRET_ID}) is fetched once and cached for {@link #CACHE_TTL}, so rotation is picked up
 * without a request per webhook. Values are never logged.
 */
public final class Secrets {

    static final Duration CACHE_TTL = Duration.ofMinutes(5);

    private final Settings settings;
    private final Function<String, String> secretFetcher;
    private final Clock clock;
    private volatile JsonNode cached;
    private volatile Instant cachedAt = Instant.MIN;

    /**
     * @param secretFetcher reads a Secrets Manager secret's string by id (only called when SECRET_ID is set)
     */
    public Secrets(Settings settings, Function<String, String> secretFetcher, Clock clock) {
        this.settings = settings;
        this.secretFetcher = secretFetcher;
        this.clock = clock;
    }

    /** The secret, or empty when it is configured nowhere (or configured empty). */
    public Optional<String> get(String name) {
        Optional<String> local = settings.get(name);
        if (local.isPresent()) {
            return local;
        }
        Optional<String> secretId = settings.get(Settings.SECRET_ID);
        if (secretId.isEmpty()) {
            return Optional.empty();
        }
        JsonNode value = secretDocument(secretId.get()).get(name);
        return value == null || value.asText().isEmpty() ? Optional.empty() : Optional.of(value.asText());
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new Settings.MissingSettingException(name));
    }

    private JsonNode secretDocument(String secretId) {
        Instant now = clock.instant();
        JsonNode document = cached;
        if (document == null || now.isAfter(cachedAt.plus(CACHE_TTL))) {
            try {
                document = Json.MAPPER.readTree(secretFetcher.apply(secretId));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("secret " + secretId + " is not a JSON object");
            }
            cached = document;
            cachedAt = now;
        }
        return document;
    }
}
