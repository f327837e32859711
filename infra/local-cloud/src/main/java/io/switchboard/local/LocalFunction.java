package io.switchboard.local;

import com.amazonaws.services.lambda.runtime.Context;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.InvocationContext;
import io.switchboard.core.config.Settings;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One function of the template, warm: the handler class named by its {@code Handler}, instantiated once
 * through its {@code (ApplicationContextBuilder)} constructor with the function's settings, and invoked the way
 * the Lambda Java runtime does ({@code method(event, context)}).
 */
public final class LocalFunction implements AutoCloseable {

    private final TemplateModel.Function definition;
    private final Map<String, String> environment;
    private final Object handler;
    private final Method method;
    private final Logger log;

    private LocalFunction(TemplateModel.Function definition, Map<String, String> environment, Object handler, Method method) {
        this.definition = definition;
        this.environment = environment;
        this.handler = handler;
        this.method = method;
        this.log = LoggerFactory.getLogger("function." + definition.logicalId());
    }

    /**
     * @param environment the complete settings of the function (process environment, template variables,
     *                    endpoints, overrides)
     * @param singletons  extra beans for the handler's application context
     */
    static LocalFunction create(TemplateModel.Function definition, Map<String, String> environment, Object... singletons) {
        Class<?> type;
        try {
            type = Class.forName(definition.handlerClass(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("function " + definition.logicalId() + ": handler class "
                    + definition.handlerClass() + " is not on the classpath", e);
        }
        Method method = handlerMethod(type, definition);
        Object handler;
        try {
            Constructor<?> constructor = type.getConstructor(ApplicationContextBuilder.class);
            ApplicationContextBuilder context = Contexts.with(Settings.of(environment), singletons);
            handler = constructor.newInstance(context);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("function " + definition.logicalId() + ": " + type.getName()
                    + " needs a public (io.micronaut.context.ApplicationContextBuilder) constructor so that the local"
                    + " cloud can hand it its settings", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("function " + definition.logicalId() + ": " + type.getName()
                    + " failed to initialize: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("function " + definition.logicalId() + ": cannot instantiate " + type.getName(), e);
        }
        return new LocalFunction(definition, Map.copyOf(environment), handler, method);
    }

    /** {@code name(input, Context)} or {@code name(input)}, the way the Lambda runtime picks it. */
    private static Method handlerMethod(Class<?> type, TemplateModel.Function definition) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(definition.handlerMethod()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 1
                        || (m.getParameterCount() == 2 && m.getParameterTypes()[1].isAssignableFrom(Context.class)))
                // Prefer the two-argument form and the real method over a compiler bridge.
                .min(Comparator.comparingInt((Method m) -> -m.getParameterCount()).thenComparing(Method::isBridge))
                .orElseThrow(() -> new IllegalStateException("function " + definition.logicalId() + ": "
                        + type.getName() + " has no public method " + definition.handlerMethod() + "(input, Context)"));
    }

    /**
     * Invokes the handler. A handler exception is rethrown as is (unchecked) or wrapped.
     */
    public Object invoke(Object event) {
        Context context = new InvocationContext(TemplateModel.STACK_NAME + "-" + definition.logicalId(),
                definition.timeoutSeconds(), definition.memorySize(), log);
        try {
            return method.getParameterCount() == 2 ? method.invoke(handler, event, context) : method.invoke(handler, event);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    public TemplateModel.Function definition() {
        return definition;
    }

    public String logicalId() {
        return definition.logicalId();
    }

    /** The settings the handler was created with. */
    public Map<String, String> environment() {
        return environment;
    }

    public Object handler() {
        return handler;
    }

    @Override
    public void close() {
        if (handler instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.debug("closing the handler: {}", e.toString());
            }
        }
    }
}
