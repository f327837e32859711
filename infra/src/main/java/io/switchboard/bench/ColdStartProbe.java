package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.whatsapp.WhatsAppWebhookHandler;

/**
 * What one fresh JVM does in the cold-start benchmark, as Lambda would: construct the handler through its
 * no-arg constructor (configuration from the environment) and handle one signed webhook; or, for the floor,
 * construct and invoke an empty handler. Prints one line: {@code status init_ms invoke_ms}.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler =
                "empty".equals(args[0]) ? new EmptyHandler() : new WhatsAppWebhookHandler();
        long constructed = System.nanoTime();
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                SignedWebhooks.whatsAppText(args[1], "wamid.cold." + args[1], 1763805600L), null);
        long handled = System.nanoTime();
        System.out.println(response.getStatusCode() + " " + (constructed - start) / 1_000_000 + " "
                + (handled - constructed) / 1_000_000);
        System.exit(response.getStatusCode() == 200 ? 0 : 1);
    }

    /** The floor: a handler that does nothing but answer. */
    static final class EmptyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent input,
                                                      com.amazonaws.services.lambda.runtime.Context context) {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("ok").build();
        }
    }
}
