package io.switchboard.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookRequestTest {

    @Test
    void base64Body_isDecodedToTheRawBytes_andHeadersAreLowerCased() {
        byte[] raw = "From=%2B14155550100&Body=hi".getBytes(StandardCharsets.UTF_8);
        var event = event("POST", Base64.getEncoder().encodeToString(raw), true);

        var request = WebhookRequest.from(event, 1024);

        assertArrayEquals(raw, request.body());
        assertEquals("POST", request.method());
        assertEquals("sig", request.header("X-Hub-Signature-256").orElseThrow());
    }

    @Test
    void bodyOverTheLimit_isRefusedWith413() {
        var event = event("POST", "x".repeat(2048), false);
        var refused = assertThrows(WebhookException.class, () -> WebhookRequest.from(event, 1024));
        assertEquals(413, refused.status());
    }

    @Test
    void invalidBase64_isABadRequest() {
        var refused = assertThrows(WebhookException.class, () -> WebhookRequest.from(event("POST", "%%%", true), 1024));
        assertEquals(400, refused.status());
    }

    private static APIGatewayV2HTTPEvent event(String method, String body, boolean base64) {
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath("/webhooks/test")
                .withHeaders(Map.of("X-Hub-Signature-256", "sig"))
                .withBody(body)
                .withIsBase64Encoded(base64)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).build())
                        .build())
                .build();
    }
}
