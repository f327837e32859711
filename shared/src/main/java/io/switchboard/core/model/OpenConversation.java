package io.switchboard.core.model;

import java.time.Instant;

/** The conversation a customer's next entry joins unless the idle window has passed since lastActivityAt. */
public record OpenConversation(String id, Instant lastActivityAt) {
}
