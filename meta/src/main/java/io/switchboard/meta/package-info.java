/**
 * What Meta's channels (WhatsApp Cloud API, Messenger Platform for Pages and Instagram) share, kept out of the
 * core: the {@code X-Hub-Signature-256} check and the {@code hub.challenge} handshake, the Graph API client,
 * Meta's epoch times, the identity keys of Meta's users, and what the local cloud's stand-ins of the Graph send
 * APIs share ({@link io.switchboard.meta.GraphStandIn}).
 */
package io.switchboard.meta;
