package io.switchboard.whatsapp;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookHandler;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.security.HubChallenge;
import io.switchboard.core.security.HubSignature;
import jakarta.inject.Inject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WhatsApp Business Cloud API webhook: the GET subscription handshake, and POSTed notifications
 * (messages and statuses) authenticated by {@code X-Hub-Signature-256} over the raw body before anything is
 * parsed, then handed to the core. Meta retries a delivery that is not answered 200, so the answer is given
 * only after the batch is stored.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
public class WhatsAppWebhookHandler extends WebhookHandler {

    /** Meta app secret: the HMAC key of X-Hub-Signature-256. */
    public static final String APP_SECRET = "WHATSAPP_APP_SECRET";
    /** The token configured with the callback URL in the App Dashboard, echoed back by the handshake. */
    public static final String VERIFY_TOKEN = "WHATSAPP_VERIFY_TOKEN";

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppWebhookHandler.class);

    @Inject
    InteractionRecorder recorder;

    @Inject
    Secrets secrets;

    private final WhatsAppPayloadParser parser = new WhatsAppPayloadParser();

    /** For Lambda: configuration from the environment. */
    public WhatsAppWebhookHandler() {
        super();
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public WhatsAppWebhookHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(WebhookRequest request) {
        switch (request.method()) {
            case "GET":
                return HubChallenge.answer(request, secrets.require(VERIFY_TOKEN));
            case "POST":
                return receive(request);
            default:
                throw new WebhookException(405, "method not allowed");
        }
    }

    private APIGatewayV2HTTPResponse receive(WebhookRequest request) {
        String appSecret = secrets.require(APP_SECRET);
        String signature = request.header(HubSignature.HEADER).orElse("");
        if (signature.isBlank()) {
            throw WebhookException.unauthorized("missing signature");
        }
        // Over the bytes as received: Meta signs its own serialisation, which re-serialised JSON would not match.
        if (!HubSignature.isValid(signature, request.body(), appSecret)) {
            throw WebhookException.unauthorized("invalid signature");
        }
        List<Interaction> interactions = parser.parse(request.body());
        InteractionRecorder.Summary summary = recorder.record(interactions);
        LOG.info("whatsapp webhook: {} interactions, {}", interactions.size(), summary);
        return Responses.text(200, "EVENT_RECEIVED");
    }
}
