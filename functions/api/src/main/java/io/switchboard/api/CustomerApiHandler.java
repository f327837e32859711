package io.switchboard.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.LambdaFunction;
import jakarta.inject.Inject;

/**
 * The customer API (docs/architecture.md, "The customer API"): the HTTP API's {@code /v1} routes, invoked by API Gateway with
 * payload format 2.0 after IAM (SigV4) authorization. Everything is in {@link CustomerApi}.
 */
public class CustomerApiHandler extends LambdaFunction<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Inject
    CustomerApi api;

    public CustomerApiHandler() {
        super();
    }

    public CustomerApiHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    protected APIGatewayV2HTTPResponse execute(APIGatewayV2HTTPEvent event) {
        return api.handle(event);
    }
}
