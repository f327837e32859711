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

    public static APIGatewayV2HTTPResponse json(int status, String body) {
        return of(status, "application/json", body);
    }

    public static APIGatewayV2HTTPResponse of(int status, String contentType, String body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(Map.of("content-type", contentType))
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
