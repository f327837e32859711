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

    /**
     * The context Lambda builds: Micronaut Function's Lambda context (the function and lambda environments, eager
     * singletons), kept lean for cold starts. The environments are named, so nothing is deduced from the machine;
     * configuration comes from {@link Settings} (environment variables and the function's secret), so Micronaut's
     * property sources (application files, environment variables and system properties turned into properties)
     * are not read. Together these take about a tenth off the context's start.
     */
    public static ApplicationContextBuilder lambda() {
        return new LambdaApplicationContextBuilder()
                .banner(false)
                .deduceEnvironment(false)
                .deduceCloudEnvironment(false)
                .enableDefaultPropertySources(false)
                .bootstrapEnvironment(false);
    }

    public static ApplicationContextBuilder with(Settings settings, Object... singletons) {
        ApplicationContextBuilder builder = lambda()
                .singletons(settings);
        if (singletons.length > 0) {
            builder.singletons(singletons);
        }
        return builder;
    }
}
