package io.switchboard.core.channel;

import java.util.List;

/**
 * A {@link ProviderStandIn}'s answer to one request.
 *
 * @param status            the HTTP status
 * @param contentType       the answer's content type
 * @param body              the answer's body (may be empty)
 * @param providerMessageId the id the provider gave the message, or null when it accepted none (an error)
 * @param webhooks          the status webhooks the accepted message causes, in the order the provider posts them
 */
public record StandInAnswer(int status, String contentType, String body, String providerMessageId,
                            List<StatusWebhook> webhooks) {

    public static final String JSON = "application/json";

    public StandInAnswer {
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    }

    /** A message accepted: a JSON answer carrying its id, and what the provider posts back about it. */
    public static StandInAnswer accepted(int status, String json, String providerMessageId, List<StatusWebhook> webhooks) {
        return new StandInAnswer(status, JSON, json, providerMessageId, webhooks);
    }

    /** A refusal in the provider's JSON error shape: nothing sent, nothing posted back. */
    public static StandInAnswer refused(int status, String json) {
        return new StandInAnswer(status, JSON, json, null, List.of());
    }
}
