package io.switchboard.core.config;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.ops.Telemetry;
import java.io.Closeable;

/**
 * A Lambda entry point on Micronaut Function's Lambda application context ({@link Contexts#lambda()}:
 * the function and lambda environments, eager singletons), built once per container; the handler's own
 * {@code @Inject} fields are filled from it.
 *
 * <p>Not a {@code MicronautRequestHandler}: that class registers the Lambda {@link Context} objects as new
 * singletons on every invocation, each registration scanning every bean, so a warm container grows slower and
 * larger with every call (thousands of runtime bean definitions after a few thousand calls). Nothing here depends
 * on the Lambda context, so nothing is registered per call.
 */
public abstract class LambdaFunction<I, O> implements RequestHandler<I, O>, Closeable {

    private final ApplicationContext context;

    /** For Lambda: configuration from the environment. */
    protected LambdaFunction() {
        InitWarmUp warmUp = InitWarmUp.start(getClass().getSimpleName());
        this.context = start(Contexts.lambda(), this);
        warmUp.await();
    }

    /** For the local cloud, tests and benchmarks: collaborators come from the builder (see {@link Contexts}). */
    protected LambdaFunction(ApplicationContextBuilder builder) {
        this.context = start(builder, this);
    }

    private static ApplicationContext start(ApplicationContextBuilder builder, Object handler) {
        ApplicationContext context = builder.build().start();
        context.inject(handler);
        return context;
    }

    @Override
    public final O handleRequest(I input, Context lambdaContext) {
        // Every line logged during the call carries its request id; its metrics are flushed at its end.
        return Telemetry.invocation(lambdaContext, getClass().getSimpleName(), () -> execute(input));
    }

    /** One invocation. */
    protected abstract O execute(I input);

    public ApplicationContext getApplicationContext() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
