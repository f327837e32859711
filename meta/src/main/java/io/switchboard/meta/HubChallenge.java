package io.switchboard.meta;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.webhook.WebhookRoute;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Meta's subscription handshake: a GET with {@code hub.mode=subscribe}, {@code hub.verify_token} and
 * {@code hub.challenge}; the endpoint echoes the challenge when the token matches, else answers 403.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
 */
public final class HubChallenge {

    private HubChallenge() {
    }

    /** The handshake of a route whose verify token (typed into the App Dashboard) is the secret of this name. */
    public static WebhookRoute.Responder responder(Secrets secrets, String verifyTokenName) {
        return request -> answer(request, secrets.require(verifyTokenName));
    }

    public static APIGatewayV2HTTPResponse answer(WebhookRequest request, String expectedToken) {
        String mode = request.queryParameter("hub.mode").orElse("");
        String token = request.queryParameter("hub.verify_token").orElse("");
        String challenge = request.queryParameter("hub.challenge").orElse("");
        if (!"subscribe".equals(mode)) {
            throw WebhookException.badRequest("hub.mode must be subscribe");
        }
        if (challenge.isEmpty()) {
            throw WebhookException.badRequest("hub.challenge is missing");
        }
        if (expectedToken == null || expectedToken.isEmpty() || !MessageDigest.isEqual(
                expectedToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            throw WebhookException.forbidden("verify token does not match");
        }
        return Responses.text(200, challenge);
    }
}
