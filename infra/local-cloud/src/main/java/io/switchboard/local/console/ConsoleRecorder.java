package io.switchboard.local.console;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.model.Identity;
import io.switchboard.core.webhook.WebhookObserver;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * What the console shows, as it happens, without touching function code: every webhook's outcome (the webhook
 * pipeline tells its {@link WebhookObserver}s; the gateway adds status and latency) and every message sent to a
 * queue (an SDK {@link ExecutionInterceptor} on the functions' own SQS clients sees each successful send). One
 * instance is handed to every function of the local cloud as an extra singleton. Only the latest
 * {@link #KEPT} of each are kept: it is a window on the run, not a store (customers and timelines are read
 * through the customer API).
 */
public final class ConsoleRecorder implements WebhookObserver, ExecutionInterceptor {

    static final int KEPT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One webhook: filled by the pipeline's observer, completed by the gateway (status and latency). */
    public static final class Webhook {
        final long seq;
        final String requestId;
        final Instant at;
        final String channel;
        final String method;
        final String path;
        final String verdict;
        final String reason;
        final Map<String, Integer> created;
        final List<String> newCustomers;
        volatile int status;
        volatile long latencyMillis = -1;

        Webhook(long seq, String requestId, Instant at, String channel, String method, String path, int status,
                String verdict, String reason, Map<String, Integer> created, List<String> newCustomers) {
            this.seq = seq;
            this.requestId = requestId;
            this.at = at;
            this.channel = channel;
            this.method = method;
            this.path = path;
            this.status = status;
            this.verdict = verdict;
            this.reason = reason;
            this.created = created;
            this.newCustomers = newCustomers;
        }

        public String verdict() {
            return verdict;
        }

        public String reason() {
            return reason;
        }

        public int status() {
            return status;
        }

        /** "POST /webhooks/<channel>". */
        public String route() {
            return method + " " + path;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("seq", seq);
            json.put("at", at.toString());
            json.put("channel", channel);
            json.put("route", route());
            json.put("status", status);
            json.put("verdict", verdict);
            json.put("reason", reason);
            json.put("latencyMs", latencyMillis < 0 ? null : latencyMillis);
            json.put("created", created);
            json.put("newCustomers", newCustomers);
            return json;
        }
    }

    /** One message a function sent to a queue (CloudEvents on the subscriber queues, commands...). */
    public record Published(long seq, Instant at, String queueUrl, String queue, String type, String subject,
                            String id, JsonNode event, String body) {

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("seq", seq);
            json.put("at", at.toString());
            json.put("queue", queue);
            json.put("type", type);
            json.put("subject", subject);
            json.put("id", id);
            json.put("event", event != null ? event : body);
            return json;
        }
    }

    private final AtomicLong sequence = new AtomicLong();
    private final ArrayDeque<Webhook> webhooks = new ArrayDeque<>();
    private final Map<String, Webhook> byRequestId = new ConcurrentHashMap<>();
    private final ArrayDeque<Published> published = new ArrayDeque<>();
    private final List<Consumer<Published>> listeners = new CopyOnWriteArrayList<>();

    /** Called with every message sent to a queue (--print-events), on the sending thread. */
    public void onPublished(Consumer<Published> listener) {
        listeners.add(listener);
    }

    // ------------------------------------------------------------------ webhooks

    @Override
    public void answered(String channel, APIGatewayV2HTTPEvent event, int status, String verdict,
                         InteractionRecorder.Summary summary) {
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        String method = event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : "?";
        String kind;
        String reason = null;
        Map<String, Integer> created = new LinkedHashMap<>();
        List<String> newCustomers = new ArrayList<>();
        if (summary != null) {
            putIfPositive(created, "customers", summary.customersCreated);
            putIfPositive(created, "entries", summary.appended);
            putIfPositive(created, "statuses", summary.statusesApplied);
            putIfPositive(created, "identityLinks", summary.identitiesLinked);
            putIfPositive(created, "amendments", summary.amended);
            putIfPositive(created, "duplicates", summary.duplicates);
            putIfPositive(created, "staleStatuses", summary.statusesStale);
            for (Identity identity : summary.newCustomers) {
                newCustomers.add(identity.key());
            }
            boolean repeated = summary.duplicates + summary.statusesStale > 0;
            // A webhook that changed nothing because everything in it was known already is a duplicate (a provider's
            // retry); one that carried nothing to record (an empty batch) stored nothing, and says so.
            kind = summary.storedAnything() || !repeated ? "stored" : "duplicate";
        } else if (status >= 400 && status < 500) {
            kind = "refused";
            reason = verdict.startsWith("refused: ") ? verdict.substring("refused: ".length()) : verdict;
        } else if (status >= 500) {
            kind = "failed";
            reason = verdict;
        } else {
            kind = "answered";
            reason = verdict;
        }
        Webhook webhook = new Webhook(sequence.incrementAndGet(), requestId, Instant.now(), channel, method,
                event.getRawPath(), status, kind, reason, created, newCustomers);
        synchronized (webhooks) {
            webhooks.addLast(webhook);
            if (webhooks.size() > KEPT) {
                Webhook dropped = webhooks.removeFirst();
                if (dropped.requestId != null) {
                    byRequestId.remove(dropped.requestId);
                }
            }
        }
        if (requestId != null) {
            byRequestId.put(requestId, webhook);
        }
    }

    private static void putIfPositive(Map<String, Integer> counts, String name, int count) {
        if (count > 0) {
            counts.put(name, count);
        }
    }

    /** The gateway's part: the status it wrote and the time from the request's arrival to its answer. */
    public void completed(String requestId, int status, long latencyMillis) {
        Webhook webhook = requestId == null ? null : byRequestId.remove(requestId);
        if (webhook != null) {
            webhook.status = status;
            webhook.latencyMillis = latencyMillis;
        }
    }

    public List<Webhook> webhooks() {
        synchronized (webhooks) {
            return List.copyOf(webhooks);
        }
    }

    // ------------------------------------------------------------------ queues

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes executionAttributes) {
        try {
            SdkRequest request = context.request();
            SdkResponse response = context.response();
            if (request instanceof SendMessageRequest single) {
                record(single.queueUrl(), single.messageBody());
            } else if (request instanceof SendMessageBatchRequest batch && response instanceof SendMessageBatchResponse result) {
                java.util.Set<String> sent = new java.util.HashSet<>();
                for (SendMessageBatchResultEntry entry : result.successful()) {
                    sent.add(entry.id());
                }
                for (SendMessageBatchRequestEntry entry : batch.entries()) {
                    if (sent.contains(entry.id())) {
                        record(batch.queueUrl(), entry.messageBody());
                    }
                }
            }
        } catch (RuntimeException e) {
            // Watching must never break what is watched.
            org.slf4j.LoggerFactory.getLogger(ConsoleRecorder.class).debug("console could not record a send: {}", e.toString());
        }
    }

    private void record(String queueUrl, String body) {
        JsonNode event = null;
        try {
            event = JSON.readTree(body);
        } catch (Exception notJson) {
            // Kept as text.
        }
        String queue = queueUrl == null ? "?" : queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        Published message = new Published(sequence.incrementAndGet(), Instant.now(), queueUrl, queue,
                text(event, "type"), text(event, "subject"), text(event, "id"), event, body);
        synchronized (published) {
            published.addLast(message);
            if (published.size() > KEPT) {
                published.removeFirst();
            }
        }
        for (Consumer<Published> listener : listeners) {
            listener.accept(message);
        }
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    public List<Published> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }
}
