package io.switchboard.core.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;

/** API Gateway (HTTP API, payload 2.0) request events, as a handler receives them on Lambda. */
public final class ApiGatewayEvents {

    private ApiGatewayEvents() {
    }

    /**
     * @param body   the body as API Gateway passes it: text, or base64 text when {@code base64}; may be null
     * @param query  decoded query parameters, may be null
     */
    public static APIGatewayV2HTTPEvent request(String method, String path, Map<String, String> headers,
                                                Map<String, String> query, String body, boolean base64) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withHeaders(headers)
                .withQueryStringParameters(query)
                .withBody(body)
                .withIsBase64Encoded(base64)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).build())
                        .build())
                .build();
    }
}
