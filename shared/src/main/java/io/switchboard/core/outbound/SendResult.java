package io.switchboard.core.outbound;

import java.util.Objects;

/** What a provider call came to. */
public sealed interface SendResult {

    /**
     * The provider accepted the message.
     *
     * @param providerMessageId the id later statuses and echoes name (the provider's message id, or the Message-ID
     *                          header value the customer's mail client will reference)
     */
    record Sent(String providerMessageId) implements SendResult {
        public Sent {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
        }
    }

    /** The provider refused the message (a 4xx with its error): final, never retried. */
    record Refused(String code, String reason) implements SendResult {
    }

    /**
     * Not sent, worth trying again: 429, 5xx, a connection refused or reset before the request was written.
     */
    record Transient(String reason) implements SendResult {
    }

    /**
     * The request may have reached the provider but no answer came back (a read timeout): resending could send
     * twice, and providers offer no idempotency key, so this is final.
     */
    record Unknown(String reason) implements SendResult {
    }
}
