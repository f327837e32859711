package io.switchboard.local.standin;

import java.time.Instant;
import java.util.Map;

/**
 * One status webhook a stand-in posted back to the gateway.
 *
 * @param providerMessageId the message it reports on
 * @param status            sent, delivered, read (or echo for Messenger's echo)
 * @param url               where it was posted
 * @param headers           the headers sent (signature included)
 * @param body              the exact bytes signed and posted
 * @param answerStatus      the gateway's HTTP status, or -1 when the post failed
 * @param at                when it was posted
 */
public record WebhookDelivery(String providerMessageId, String status, String url, Map<String, String> headers,
                              byte[] body, int answerStatus, Instant at) {
}
