package io.switchboard.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/** API Gateway responses. Bodies are short: providers only look at the status. */
public final class Responses {

    private Responses() {
    }

    public static APIGatewayV2HTTPResponse text(int status, String body) {
        return of(status, "text/plain; charset=utf-8", body);
    }

    public static APIGatewayV2HTTPResponse of(int status, String contentType, String body) {
        return of(status, contentType, body, Map.of());
    }

    /** With more headers than the content type (a 401's challenge, say). */
    public static APIGatewayV2HTTPResponse of(int status, String contentType, String body, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("content-type", contentType);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(all)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
