package io.switchboard.core.ops;

/**
 * The metric names every function writes (EMF, namespace Switchboard, dimensions function and channel; see
 * {@link Telemetry} and docs/runbook.md "Metrics"). Counts per invocation.
 */
public final class MetricNames {

    /** Webhook functions: every request, whatever became of it. */
    public static final String WEBHOOKS_RECEIVED = "WebhooksReceived";
    /** A webhook that wrote something new (an entry, a status, a customer...). */
    public static final String WEBHOOKS_STORED = "WebhooksStored";
    /** A webhook accepted (2xx) that wrote nothing new: a provider's retry. */
    public static final String WEBHOOKS_DUPLICATE = "WebhooksDuplicate";
    /** A webhook answered 4xx; dimension reason ({@link #refusalReason}). */
    public static final String WEBHOOKS_REFUSED = "WebhooksRefused";
    /** A webhook answered 5xx (the provider retries); dimension reason: store_unavailable, misconfigured, unexpected. */
    public static final String WEBHOOKS_FAILED = "WebhooksFailed";
    /** A subscription handshake answered (GET). */
    public static final String HANDSHAKES = "Handshakes";
    public static final String ENTRIES_STORED = "EntriesStored";
    /** Interactions a webhook carried that the log already had. */
    public static final String DUPLICATES = "Duplicates";
    public static final String STATUSES_APPLIED = "StatusesApplied";
    public static final String CUSTOMERS_CREATED = "CustomersCreated";

    /** Fan-out and replay: events sent to the subscriber queues (per queue), by the channel of their source. */
    public static final String EVENTS_PUBLISHED = "EventsPublished";
    /** Fan-out: changes parked on the failure queue; dimension reason. */
    public static final String CHANGES_PARKED = "ChangesParked";

    /** Outbound: send commands by outcome (dimension outcome). */
    public static final String SENDS = "Sends";

    private MetricNames() {
    }

    /** The reason dimension of a refusal: a few fixed values, never free text. */
    public static String refusalReason(int status) {
        return switch (status) {
            case 400 -> "bad_input";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            default -> "http_" + status;
        };
    }

    /** The channel of an event's source (its first path segment: {@code /<channel>/<account>}), or none. */
    public static String channelOfSource(String source) {
        if (source == null || !source.startsWith("/")) {
            return "none";
        }
        int end = source.indexOf('/', 1);
        return end < 0 ? source.substring(1) : source.substring(1, end);
    }
}
