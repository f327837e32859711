package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.switchboard.meta.HubSignature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** API Gateway events carrying a signed WhatsApp text message, as Meta would send them. */
final class SignedWebhooks {

    static final String APP_SECRET = "bench-app-secret";

    private SignedWebhooks() {
    }

    static APIGatewayV2HTTPEvent whatsAppText(String waId, String wamid, long epochSeconds) {
        return signed("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"104857600123456\",\"changes\":["
                + change(waId, wamid, epochSeconds) + "]}]}");
    }

    /**
     * One POST carrying one text message per sender, each in its own change, as Meta batches up to 1,000
     * changes into one delivery. {@code waIds[i]} sends {@code wamidPrefix + i}.
     */
    static APIGatewayV2HTTPEvent whatsAppBatch(List<String> waIds, String wamidPrefix, long epochSeconds) {
        StringBuilder body = new StringBuilder("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"104857600123456\",\"changes\":[");
        for (int i = 0; i < waIds.size(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(change(waIds.get(i), wamidPrefix + i, epochSeconds));
        }
        return signed(body.append("]}]}").toString());
    }

    private static String change(String waId, String wamid, long epochSeconds) {
        return "{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15555550100\","
                + "\"phone_number_id\":\"109876543210123\"},\"contacts\":[{\"profile\":{\"name\":\"Bench\"},\"wa_id\":\""
                + waId + "\"}],\"messages\":[{\"from\":\"" + waId + "\",\"id\":\"" + wamid + "\",\"timestamp\":\""
                + epochSeconds + "\",\"type\":\"text\",\"text\":{\"body\":\"benchmark message\"}}]},\"field\":\"messages\"}";
    }

    private static APIGatewayV2HTTPEvent signed(String body) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("POST /webhooks/whatsapp")
                .withRawPath("/webhooks/whatsapp")
                .withHeaders(Map.of("content-type", "application/json",
                        "x-hub-signature-256", HubSignature.sign(body.getBytes(StandardCharsets.UTF_8), APP_SECRET)))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                .withPath("/webhooks/whatsapp").build())
                        .build())
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
