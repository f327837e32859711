package io.switchboard.local.standin;

import java.time.Instant;
import java.util.Map;

/**
 * One status webhook a stand-in posted back to the gateway (or to the callback URL its request named).
 *
 * @param standIn           the name of the stand-in that posted it
 * @param providerMessageId the message it reports on
 * @param status            the status it reports, as the stand-in names it (sent, delivered, read...)
 * @param url               where it was posted
 * @param headers           the headers sent (signature included)
 * @param body              the exact bytes signed and posted
 * @param answerStatus      the gateway's HTTP status, or -1 when the post failed
 * @param at                when it was posted
 */
public record WebhookDelivery(String standIn, String providerMessageId, String status, String url,
                              Map<String, String> headers, byte[] body, int answerStatus, Instant at) {
}
