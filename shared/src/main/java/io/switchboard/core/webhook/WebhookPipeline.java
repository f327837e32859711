package io.switchboard.core.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Settings;
import io.switchboard.core.http.Faults;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.ops.MetricNames;
import io.switchboard.core.ops.Telemetry;
import io.switchboard.core.store.StoreFault;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one webhook pipeline every channel runs through: route by method and path, refuse oversized bodies,
 * authenticate from the raw bytes, parse, record, answer; and map every failure to the status a provider acts
 * on. Refusals (bad signature, bad input) are 4xx with a short reason, so the provider stops retrying; faults
 * (DynamoDB unreachable, a race that did not settle, a bug) are 503, so the provider retries and nothing is
 * lost; a missing setting is 500. One log line per webhook says what happened, with no personal data.
 */
@Singleton
public class WebhookPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookPipeline.class);

    private final InteractionRecorder recorder;
    private final List<WebhookObserver> observers;

    public WebhookPipeline(InteractionRecorder recorder, List<WebhookObserver> observers) {
        this.recorder = recorder;
        this.observers = List.copyOf(observers);
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, WebhookChannel channel) {
        long started = System.nanoTime();
        String method = method(event);
        String path = event.getRawPath();
        Telemetry.tag(Telemetry.CHANNEL, channel.name());
        Telemetry.count(channel.name(), MetricNames.WEBHOOKS_RECEIVED, 1);
        Outcome outcome = new Outcome();
        APIGatewayV2HTTPResponse response;
        try {
            response = run(event, channel, outcome);
        } catch (WebhookException refused) {
            outcome.verdict = "refused: " + refused.reason();
            response = Responses.of(refused.status(), "text/plain; charset=utf-8", refused.reason(), refused.headers());
        } catch (RejectedInputException badInput) {
            outcome.verdict = "refused: " + badInput.getMessage();
            response = Responses.text(400, badInput.getMessage());
        } catch (SdkException | StoreFault storeFault) {
            outcome.verdict = "store unavailable: " + Faults.describe(storeFault);
            outcome.fault = "store_unavailable";
            response = Responses.text(503, "temporarily unavailable, retry later");
        } catch (Settings.MissingSettingException misconfigured) {
            outcome.verdict = "misconfigured: " + misconfigured.getMessage();
            outcome.fault = "misconfigured";
            response = Responses.text(500, "webhook not configured");
        } catch (RuntimeException unexpected) {
            // A fault of ours, never the sender's: 503 so the provider retries (nothing is lost once it is fixed).
            outcome.verdict = "unexpected fault: " + Faults.describe(unexpected);
            outcome.fault = "unexpected";
            response = Responses.text(503, "temporarily unavailable, retry later");
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        int status = response.getStatusCode();
        count(channel.name(), status, outcome);
        // One line per webhook: route, answer, verdict, the customers it touched (ids), counts and the event types the
        // fan-out will announce. No phone number, address or text.
        if (status >= 500) {
            LOG.error("{} {} {} -> {} {} in {} ms", channel.name(), method, path, status, outcome.verdict, millis);
        } else {
            LOG.info("{} {} {} -> {} {} in {} ms", channel.name(), method, path, status, outcome.verdict, millis);
        }
        for (WebhookObserver observer : observers) {
            observer.answered(channel.name(), event, status, outcome.verdict, outcome.summary);
        }
        return response;
    }

    private APIGatewayV2HTTPResponse run(APIGatewayV2HTTPEvent event, WebhookChannel channel, Outcome outcome) {
        WebhookRequest request = WebhookRequest.from(event, channel.maxBodyBytes());
        WebhookRoute route = route(channel, request);
        if (route.responder() != null) {
            outcome.verdict = "handshake answered";
            outcome.handshake = true;
            return route.responder().respond(request);
        }
        verify(route, request, event);
        List<Interaction> interactions = route.parser().parse(request);
        InteractionRecorder.Summary summary = recorder.record(interactions);
        outcome.summary = summary;
        Telemetry.tag(Telemetry.CUSTOMER_ID, Outcome.joined(summary.customerIds));
        Telemetry.tag(Telemetry.PROVIDER_MESSAGE_ID, Outcome.joined(summary.providerMessageIds));
        outcome.verdict = Outcome.verdictOf(interactions.size(), summary);
        return route.answer().answer(request, interactions, summary);
    }

    /**
     * The route's verifier over the raw bytes. A text body that reached the function with U+FFFD in it may have had
     * bytes the gateway could not decode replaced on the way (API Gateway hands text bodies over as strings): those
     * bytes are gone, so a signature over them cannot be checked. A body signature that does not match such a body is
     * answered as the decoding fault it may be (400, saying so) rather than as a forgery (401); either way nothing is
     * stored. A missing signature or wrong credentials stay 401/403.
     */
    private static void verify(WebhookRoute route, WebhookRequest request, APIGatewayV2HTTPEvent event) {
        try {
            route.verifier().verify(request);
        } catch (WebhookException refused) {
            if (refused.isBodySignatureMismatch() && mayHaveLostBytes(event)) {
                throw WebhookException.badRequest("body is not valid text in its charset (undecodable bytes were"
                        + " replaced before they reached the function), so its signature cannot be checked");
            }
            throw refused;
        }
    }

    private static boolean mayHaveLostBytes(APIGatewayV2HTTPEvent event) {
        return !event.getIsBase64Encoded() && event.getBody() != null && event.getBody().indexOf('\uFFFD') >= 0;
    }

    private static void count(String channel, int status, Outcome outcome) {
        if (outcome.summary != null && status < 400) {
            InteractionRecorder.Summary summary = outcome.summary;
            Telemetry.count(channel, summary.storedAnything() ? MetricNames.WEBHOOKS_STORED : MetricNames.WEBHOOKS_DUPLICATE, 1);
            Telemetry.count(channel, MetricNames.ENTRIES_STORED, summary.appended);
            Telemetry.count(channel, MetricNames.DUPLICATES, summary.duplicates);
            Telemetry.count(channel, MetricNames.STATUSES_APPLIED, summary.statusesApplied);
            Telemetry.count(channel, MetricNames.CUSTOMERS_CREATED, summary.customersCreated);
        } else if (outcome.handshake) {
            Telemetry.count(channel, MetricNames.HANDSHAKES, 1);
        } else if (status >= 500) {
            Telemetry.count(channel, "reason", outcome.fault == null ? "fault" : outcome.fault, MetricNames.WEBHOOKS_FAILED, 1);
        } else if (status >= 400) {
            Telemetry.count(channel, "reason", MetricNames.refusalReason(status), MetricNames.WEBHOOKS_REFUSED, 1);
        }
    }

    /** The route for the request's method and path: 404 when no route has the path, 405 when none has the method. */
    static WebhookRoute route(WebhookChannel channel, WebhookRequest request) {
        boolean pathKnown = false;
        WebhookRoute best = null;
        for (WebhookRoute route : channel.routes()) {
            if (route.matches(request.path())) {
                pathKnown = true;
                // The longest matching path wins: /voice/status is not /voice.
                if (route.method().equals(request.method()) && (best == null || route.path().length() > best.path().length())) {
                    best = route;
                }
            }
        }
        if (best != null) {
            return best;
        }
        throw pathKnown ? new WebhookException(405, "method not allowed") : new WebhookException(404, "not found");
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : "?";
    }

    /** What the log line says happened. */
    private static final class Outcome {
        String verdict = "";
        String fault;
        boolean handshake;
        InteractionRecorder.Summary summary;

        static String verdictOf(int interactions, InteractionRecorder.Summary summary) {
            String verdict = summary.storedAnything() ? "stored" : interactions == 0 ? "nothing to store" : "duplicate";
            return verdict + " " + interactions + " interactions for customer " + (summary.customerIds.isEmpty() ? "-"
                    : joined(summary.customerIds)) + ": " + summary + " events=" + summary.eventTypes;
        }

        /** Up to 10 values, comma-separated (a Meta batch may name a thousand customers). */
        static String joined(java.util.Collection<String> values) {
            synchronized (values) {
                return values.stream().limit(10).collect(java.util.stream.Collectors.joining(","))
                        + (values.size() > 10 ? ",+" + (values.size() - 10) : "");
            }
        }
    }
}
