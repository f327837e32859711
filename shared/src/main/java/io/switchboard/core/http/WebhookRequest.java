package io.switchboard.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An API Gateway (HTTP API, payload v2) request with its body decoded to the raw bytes the provider sent:
 * signatures are computed over these bytes, never over re-serialised text.
 *
 * @param rawQuery the query string as received, without '?' ("" when none): what a provider signed as part of
 *                 the URL (some providers sign the whole URL)
 */
public record WebhookRequest(String method, String path, Map<String, String> headers,
                             Map<String, String> query, String rawQuery, byte[] body) {

    public static WebhookRequest from(APIGatewayV2HTTPEvent event, int maxBodyBytes) {
        String method = event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : null;
        if (method == null && event.getRouteKey() != null && event.getRouteKey().contains(" ")) {
            method = event.getRouteKey().substring(0, event.getRouteKey().indexOf(' '));
        }
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        }
        Map<String, String> query = event.getQueryStringParameters() == null
                ? Map.of() : Map.copyOf(event.getQueryStringParameters());
        String rawBody = event.getBody();
        if (rawBody != null && rawBody.length() > maxBodyBytes * 4L / 3 + 4) {
            throw tooLarge(maxBodyBytes);
        }
        byte[] body;
        if (rawBody == null) {
            body = new byte[0];
        } else if (event.getIsBase64Encoded()) {
            try {
                body = Base64.getDecoder().decode(rawBody);
            } catch (IllegalArgumentException e) {
                throw WebhookException.badRequest("body is not valid base64");
            }
        } else {
            body = rawBody.getBytes(StandardCharsets.UTF_8);
        }
        if (body.length > maxBodyBytes) {
            throw tooLarge(maxBodyBytes);
        }
        return new WebhookRequest(method == null ? "" : method.toUpperCase(Locale.ROOT), event.getRawPath(),
                Map.copyOf(headers), query, event.getRawQueryString() == null ? "" : event.getRawQueryString(), body);
    }

    private static WebhookException tooLarge(int maxBodyBytes) {
        return new WebhookException(413, "body larger than " + maxBodyBytes + " bytes");
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(query.get(name));
    }
}
