package io.switchboard.local.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.MicronautRequestHandler;
import io.switchboard.core.config.Settings;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** An HTTP function for the gateway tests: records what it got, answers according to the path. */
public class EchoHandler extends MicronautRequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Inject
    Recorder recorder;

    @Inject
    Settings settings;

    public EchoHandler() {
    }

    public EchoHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    public APIGatewayV2HTTPResponse execute(APIGatewayV2HTTPEvent event) {
        recorder.record(event);
        return switch (event.getRawPath()) {
            case "/boom" -> throw new IllegalStateException("boom");
            case "/binary" -> APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "application/octet-stream"))
                    .withBody(Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 0xff}))
                    .withIsBase64Encoded(true)
                    .build();
            case "/settings" -> APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "text/plain"))
                    .withBody(settings.get(event.getQueryStringParameters().get("name")).orElse("<unset>"))
                    .build();
            default -> APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", "application/json", "X-Route", event.getRouteKey()))
                    .withCookies(List.of("session=abc; Path=/", "theme=dark"))
                    .withBody("{\"ok\":true}")
                    .build();
        };
    }
}
