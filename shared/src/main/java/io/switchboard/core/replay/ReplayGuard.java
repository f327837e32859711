package io.switchboard.core.replay;

import java.time.Instant;

/**
 * Remembers one-time tokens of signatures that cover no content (a provider that signs only a timestamp and a token), so a
 * captured request cannot be replayed with other content while its timestamp is still fresh.
 *
 * <p>The fingerprint is a digest of the content the request carried: the same token with the same fingerprint
 * is a provider's retry of the same request (accepted: appends are idempotent), the same token with another
 * fingerprint is a replay (refused).
 */
public interface ReplayGuard {

    /**
     * @param scope       who issued the token, e.g. the provider's name
     * @param token       the provider's one-time token
     * @param fingerprint digest of the request's content
     * @param expiresAt   when the token could no longer pass the freshness check anyway; it is forgotten after
     * @return true when the token is new, or was seen before with the same fingerprint
     */
    boolean firstUse(String scope, String token, String fingerprint, Instant expiresAt);
}
