package io.switchboard.core.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.LambdaFunction;

/**
 * The Lambda entry point of a webhook function: a channel's handler class is only its two constructors, naming
 * its {@link WebhookChannel}; {@link #execute} hands every request to the one {@link WebhookPipeline}. The
 * channel is primed at init and registered once for priming before a SnapStart checkpoint ({@link Priming}).
 */
public abstract class WebhookFunction extends LambdaFunction<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookChannel channel;
    private final WebhookPipeline pipeline;

    /** For Lambda: configuration from the environment. */
    protected WebhookFunction(Class<? extends WebhookChannel> channelType) {
        super();
        this.channel = getApplicationContext().getBean(channelType);
        this.pipeline = getApplicationContext().getBean(WebhookPipeline.class);
        Priming.register(channel);
    }

    /** For the local cloud, tests and benchmarks: collaborators come from the builder (see {@code Contexts}). */
    protected WebhookFunction(Class<? extends WebhookChannel> channelType, ApplicationContextBuilder builder) {
        super(builder);
        this.channel = getApplicationContext().getBean(channelType);
        this.pipeline = getApplicationContext().getBean(WebhookPipeline.class);
        Priming.register(channel);
    }

    @Override
    protected final APIGatewayV2HTTPResponse execute(APIGatewayV2HTTPEvent event) {
        return pipeline.handle(event, channel);
    }
}
