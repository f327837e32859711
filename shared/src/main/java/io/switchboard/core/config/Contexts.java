package io.switchboard.core.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;

/**
 * Builds the application context a handler runs in when it is not on Lambda: the local cloud, tests and
 * benchmarks hand in their settings and extra singletons (an SDK interceptor that counts requests, say).
 */
public final class Contexts {

    private Contexts() {
    }

    public static ApplicationContextBuilder with(Settings settings, Object... singletons) {
        ApplicationContextBuilder builder = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .singletons(settings);
        if (singletons.length > 0) {
            builder.singletons(singletons);
        }
        return builder;
    }
}
