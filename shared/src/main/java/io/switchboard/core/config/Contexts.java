package io.switchboard.core.config;

import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.LambdaApplicationContextBuilder;

/**
 * Builds the application context a handler runs in when it is not on Lambda: the local cloud, tests and
 * benchmarks hand in their settings and extra singletons (an SDK interceptor that counts requests, say).
 * Otherwise the context is the one Lambda gets (function and lambda environments, eager singletons), so
 * what runs locally is what runs on AWS.
 */
public final class Contexts {

    private Contexts() {
    }

    public static ApplicationContextBuilder with(Settings settings, Object... singletons) {
        ApplicationContextBuilder builder = new LambdaApplicationContextBuilder()
                .banner(false)
                .singletons(settings);
        if (singletons.length > 0) {
            builder.singletons(singletons);
        }
        return builder;
    }
}
