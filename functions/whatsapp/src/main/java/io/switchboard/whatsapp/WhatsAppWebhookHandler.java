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

    /**
     * A webhook body parsed and verified once at init, so that the classes and code of the hot path are loaded
     * (and, with SnapStart, in the snapshot) before the first real webhook pays for them.
     */
    private static final byte[] PRIMING_BODY = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"0\","
            + "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
            + "{\"display_phone_number\":\"15555550100\",\"phone_number_id\":\"0\"},\"contacts\":[{\"profile\":"
            + "{\"name\":\"Priming\"},\"wa_id\":\"15555550100\"}],\"messages\":[{\"from\":\"15555550100\",\"id\":"
            + "\"wamid.priming\",\"timestamp\":\"1763805600\",\"type\":\"text\",\"text\":{\"body\":\"priming\"}}]}}]}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final WhatsAppPayloadParser parser = new WhatsAppPayloadParser();

    /** For Lambda: configuration from the environment. */
    public WhatsAppWebhookHandler() {
        super();
        prime();
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public WhatsAppWebhookHandler(ApplicationContextBuilder builder) {
        super(builder);
        prime();
    }

    private void prime() {
        HubSignature.isValid(HubSignature.sign(PRIMING_BODY, "priming"), PRIMING_BODY, "priming");
        parser.parse(PRIMING_BODY);
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
