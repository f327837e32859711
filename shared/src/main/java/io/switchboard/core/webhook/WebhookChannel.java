package io.switchboard.core.webhook;

import java.util.List;

/**
 * What a channel module supplies to the webhook pipeline: its routes (each with its verifier, parser and
 * answer), its body limit, and a way to warm its hot path. Everything else (routing, the size limit,
 * recording, failure mapping, the log line, SnapStart priming) is the pipeline's. A channel is a singleton bean
 * of its function module; the function's entry point names its class.
 */
public interface WebhookChannel {

    /** Larger bodies are refused before anything is parsed (Meta batches are far smaller). */
    int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    /** Short name for logs, e.g. the channel's wire name. */
    String name();

    /** The routes this channel serves; a request matching none gets 404 (or 405 for a known path). */
    List<WebhookRoute> routes();

    /** Bodies over this many bytes (after base64 decoding) are refused with 413 before anything is read. */
    default int maxBodyBytes() {
        return DEFAULT_MAX_BODY_BYTES;
    }

    /**
     * Runs the channel's verify and parse code on a synthetic request, without I/O, so its classes are loaded and
     * compiled before the first real webhook (at init, and before a SnapStart checkpoint).
     */
    default void prime() {
    }
}
