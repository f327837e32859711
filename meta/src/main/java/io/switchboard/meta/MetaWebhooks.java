package io.switchboard.meta;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.Responses;
import io.switchboard.core.webhook.WebhookRoute;
import java.util.List;

/**
 * The two routes of one Meta webhook subscription (a callback URL of an app): the GET handshake with its verify
 * token, and POSTed notifications signed with its app secret. Meta retries a delivery that is not answered 200,
 * so the pipeline answers only once the batch is stored.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 *
 * <p>The signature is checked over the bytes as received; only then is the body decoded. Meta sends UTF-8 JSON (as
 * RFC 8259 section 8.1 requires); a body declaring another charset Java knows ({@code charset=ISO-8859-1}) is
 * decoded by it and parsed as the same JSON, and a body that is not valid text in its charset (an invalid UTF-8
 * byte) or declares an unknown charset is refused with 400 naming the fault: never 401, its signature held.
 */
public final class MetaWebhooks {

    /** The body of the 200 Meta's examples answer with; Meta looks at the status only. */
    public static final String EVENT_RECEIVED = "EVENT_RECEIVED";

    /** The answer to a stored notification. */
    public static final WebhookRoute.Answer RECEIVED = (request, interactions, summary) -> received();

    private MetaWebhooks() {
    }

    /**
     * @param verifyTokenName the secret typed into the App Dashboard with the callback URL
     * @param appSecretName   the secret of the app that keys {@code X-Hub-Signature-256}
     */
    public static List<WebhookRoute> routes(String path, Secrets secrets, String verifyTokenName, String appSecretName,
                                            WebhookRoute.Parser parser, WebhookRoute.Answer answer) {
        return List.of(
                WebhookRoute.respond("GET", path, HubChallenge.responder(secrets, verifyTokenName)),
                WebhookRoute.ingest("POST", path, HubSignature.verifier(secrets, appSecretName),
                        request -> parser.parse(request.withUtf8Body()), answer));
    }

    public static APIGatewayV2HTTPResponse received() {
        return Responses.text(200, EVENT_RECEIVED);
    }
}
