package io.switchboard.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    @Test
    void givenATextBodyTheGatewayDecodedByItsDeclaredLatin1_whenRead_thenItsBytesAreTheLatin1BytesSent() {
        byte[] sent = "{\"text\":\"Ren\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        var event = event("POST", new String(sent, StandardCharsets.ISO_8859_1), false);
        event.setHeaders(Map.of("Content-Type", "application/json; charset=\"ISO-8859-1\""));

        var request = WebhookRequest.from(event, 1024);

        assertArrayEquals(sent, request.body());
        assertEquals(StandardCharsets.ISO_8859_1, request.charset());
        assertEquals("{\"text\":\"Ren\u00e9\"}", request.text());
        assertArrayEquals("{\"text\":\"Ren\u00e9\"}".getBytes(StandardCharsets.UTF_8), request.utf8Body());
    }

    @Test
    void givenATextBodyWithoutACharset_whenRead_thenItsBytesAreUtf8AndItIsItsOwnUtf8Body() {
        var event = event("POST", "{\"text\":\"Ren\u00e9 \uD83D\uDC4D\"}", false);

        var request = WebhookRequest.from(event, 1024);

        assertArrayEquals("{\"text\":\"Ren\u00e9 \uD83D\uDC4D\"}".getBytes(StandardCharsets.UTF_8), request.body());
        assertEquals(StandardCharsets.UTF_8, request.charset());
        assertSame(request.body(), request.utf8Body());
    }

    @Test
    void givenBytesThatAreNoUtf8_whenDecoded_thenItIsA400NamingTheCharset() {
        var request = new WebhookRequest("POST", "/", Map.of(), Map.of(), "", new byte[] {'a', (byte) 0xE9, 'b'});
        var refused = assertThrows(WebhookException.class, request::text);
        assertEquals(400, refused.status());
        assertEquals("body is not valid UTF-8 text", refused.reason());
    }

    @Test
    void givenAnUnknownDeclaredCharset_whenDecoded_thenItIsA400() {
        var request = new WebhookRequest("POST", "/", Map.of("content-type", "text/plain; charset=no-such"), Map.of(),
                "", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, assertThrows(WebhookException.class, request::utf8Body).status());
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
