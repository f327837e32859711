package io.switchboard.core.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolver;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverContext;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverFactory;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverConfig;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverFactory;
import org.apache.logging.log4j.layout.template.json.util.JsonWriter;

/**
 * The JSON layout's {@code "$resolver": "redacted"}: a log event's message ({@code "field": "message"}) or its
 * exception with stack trace ({@code "field": "exception"}, left out when there is none) with phone numbers and
 * email addresses replaced by {@code [redacted]}. A resolver of our own rather than the layout's pattern resolver
 * with {@code %replace}: that one builds a PatternLayout, whose parser loads every pattern converter class of log4j
 * (a cold-start cost of its own).
 * https://logging.apache.org/log4j/2.x/manual/json-template-layout.html#extending
 */
@Plugin(name = "RedactingResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class RedactingResolverFactory implements EventResolverFactory {

    /**
     * Email addresses, and phone numbers as providers send them: E.164 with or without '+', 7 to 15 digits, a token
     * of their own. Longer digit runs (stream sequence numbers) and ids with letters stay readable.
     */
    static final Pattern PERSONAL_DATA = Pattern.compile(
            "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+|(?<![\\w.:/-])\\+?\\d{7,15}(?![\\w.-])");

    private static final RedactingResolverFactory INSTANCE = new RedactingResolverFactory();

    private RedactingResolverFactory() {
    }

    @PluginFactory
    public static RedactingResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return "redacted";
    }

    @Override
    public EventResolver create(EventResolverContext context, TemplateResolverConfig config) {
        return "exception".equals(config.getString("field")) ? new ExceptionResolver() : MessageResolver.INSTANCE;
    }

    /** The text with every phone number and email address replaced. */
    public static String redact(String text) {
        return text == null ? null : PERSONAL_DATA.matcher(text).replaceAll("[redacted]");
    }

    private enum MessageResolver implements EventResolver {
        INSTANCE;

        @Override
        public void resolve(LogEvent event, JsonWriter writer) {
            writer.writeString(redact(event.getMessage().getFormattedMessage()));
        }
    }

    private static final class ExceptionResolver implements EventResolver {
        @Override
        public boolean isResolvable(LogEvent event) {
            return event.getThrown() != null;
        }

        @Override
        public void resolve(LogEvent event, JsonWriter writer) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            writer.writeString(redact(trace.toString()));
        }
    }
}
