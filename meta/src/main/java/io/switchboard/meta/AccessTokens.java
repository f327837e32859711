package io.switchboard.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * An access-token secret of a Meta channel as a deployment configures it: one token, or a JSON object of account id
 * (Page, Instagram account) to token when it serves several accounts, each with its own token. Read alike by the
 * replies (the send module) and the webhook function's profile lookups.
 */
public final class AccessTokens {

    private AccessTokens() {
    }

    /** A plain token, or the token of this account in a JSON object of account id to token; empty if it has none. */
    public static Optional<String> forAccount(String configured, String accountId) {
        String value = configured.trim();
        if (!value.startsWith("{")) {
            return Optional.of(value);
        }
        try {
            JsonNode tokens = Json.MAPPER.readTree(value);
            JsonNode token = tokens.get(accountId);
            return token == null || !token.isTextual() || token.asText().isBlank()
                    ? Optional.empty() : Optional.of(token.asText());
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }
}
