package io.switchboard.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.MicronautRequestHandler;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.store.StoreFault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Base of every webhook function: decodes the API Gateway event, then lets the channel verify, parse and
 * hand over, and turns failures into the status a provider acts on. Refusals (bad signature, bad input) are
 * 4xx with a short reason, so the provider stops retrying; faults (DynamoDB unreachable, a missing
 * setting) are 5xx, so the provider retries and nothing is lost.
 */
public abstract class WebhookHandler extends MicronautRequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** Larger bodies are refused before anything is parsed (Meta batches are far smaller). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

    /** For Lambda: configuration from the environment. */
    protected WebhookHandler() {
        super();
    }

    /** For the local cloud, tests and benchmarks: collaborators come from the builder (see {@code Contexts}). */
    protected WebhookHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    public final APIGatewayV2HTTPResponse execute(APIGatewayV2HTTPEvent event) {
        try {
            return handle(WebhookRequest.from(event, maxBodyBytes()));
        } catch (WebhookException refused) {
            LOG.info("refused {} {}: {} {}", method(event), event.getRawPath(), refused.status(), refused.reason());
            return Responses.text(refused.status(), refused.reason());
        } catch (RejectedInputException badInput) {
            LOG.info("refused {} {}: 400 {}", method(event), event.getRawPath(), badInput.getMessage());
            return Responses.text(400, badInput.getMessage());
        } catch (SdkException | StoreFault storeFault) {
            LOG.error("store unavailable, asking the provider to retry: {}", Faults.describe(storeFault));
            return Responses.text(503, "temporarily unavailable, retry later");
        } catch (Settings.MissingSettingException misconfigured) {
            LOG.error("function misconfigured: {}", misconfigured.getMessage());
            return Responses.text(500, "webhook not configured");
        } catch (RuntimeException unexpected) {
            // A fault of ours, never the sender's: 503 so the provider retries (and nothing is lost once fixed).
            LOG.error("unexpected fault, asking the provider to retry: {}", Faults.describe(unexpected));
            return Responses.text(503, "temporarily unavailable, retry later");
        }
    }

    /** Bodies over this many bytes (after base64 decoding) are refused with 413 before anything is parsed. */
    protected int maxBodyBytes() {
        return MAX_BODY_BYTES;
    }

    /** Verify, parse, hand to the core, answer. Throw {@link WebhookException} to refuse. */
    protected abstract APIGatewayV2HTTPResponse handle(WebhookRequest request);

    private static String method(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : "?";
    }
}
