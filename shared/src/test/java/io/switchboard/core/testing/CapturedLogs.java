package io.switchboard.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.StringLayout;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;

/**
 * Captures what the functions log, formatted exactly as on Lambda: the layout of the configured JSON appender
 * (shared: log4j2.properties), written to a buffer instead of stdout.
 */
public final class CapturedLogs implements AutoCloseable {

    /** Phone numbers as providers send them (E.164, with or without '+') and email addresses. */
    public static final Pattern PERSONAL_DATA =
            Pattern.compile("\\+?(?<![-0-9a-fA-F])\\d{10,15}(?![0-9a-fA-F])|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    private static final String NAME = "captured-for-test";
    private final StringWriter out = new StringWriter();
    private final LoggerContext context;
    private final Appender appender;

    public CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        Appender json = configuration.getAppender("JsonAppender");
        if (json == null) {
            throw new IllegalStateException("no JsonAppender: the functions' log4j2.properties is not the configuration");
        }
        appender = WriterAppender.createAppender((StringLayout) json.getLayout(), null, out, NAME, false, true);
        appender.start();
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    /** Every line written so far. */
    public List<String> lines() {
        synchronized (out) {
            return Arrays.stream(out.toString().split("\n")).filter(line -> !line.isBlank()).toList();
        }
    }

    /** Every line, each parsed as one JSON object (fails if one is not). */
    public List<JsonNode> json() {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines()) {
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(line);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
            if (!node.isObject()) {
                throw new AssertionError("not a JSON object: " + line);
            }
            parsed.add(node);
        }
        return parsed;
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(NAME);
        context.updateLoggers();
        appender.stop();
    }
}
