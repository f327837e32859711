/**
 * What Meta's channels (WhatsApp Cloud API, Messenger Platform for Pages and Instagram) share, kept out of the
 * core: the {@code X-Hub-Signature-256} check and the {@code hub.challenge} handshake, the Graph API client,
 * Meta's epoch times, and the identity keys of Meta's users.
 */
package io.switchboard.meta;
