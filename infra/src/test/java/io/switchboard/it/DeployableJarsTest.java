package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What goes into each function's deployable jar: one HTTP client, and no SQS in a webhook function. */
class DeployableJarsTest {

    private static final List<String> OTHER_HTTP_CLIENTS = List.of(
            "org/apache/http/", "org/apache/hc/", "io/netty/", "software/amazon/awssdk/http/apache/",
            "software/amazon/awssdk/http/apache5/", "software/amazon/awssdk/http/nio/netty/");

    @Test
    void everyFunctionJar_carriesTheUrlConnectionClientOnly() throws IOException {
        for (String function : List.of("whatsapp", "messenger", "telephony", "email", "fanout", "outbound", "api")) {
            List<String> entries = entries(function);
            assertTrue(entries.stream().anyMatch(e -> e.startsWith("software/amazon/awssdk/http/urlconnection/")),
                    function + " has the URLConnection client");
            List<String> others = entries.stream().filter(e -> OTHER_HTTP_CLIENTS.stream().anyMatch(e::startsWith)).toList();
            assertTrue(others.isEmpty(), function + " carries another HTTP client: " + others.stream().limit(5).toList());
        }
    }

    @Test
    void webhookFunctionJars_haveNoSqsClient_theFanoutHasIt() throws IOException {
        for (String webhookFunction : List.of("whatsapp", "messenger", "telephony", "email")) {
            assertTrue(entries(webhookFunction).stream().noneMatch(e -> e.startsWith("software/amazon/awssdk/services/sqs/")),
                    webhookFunction);
        }
        assertTrue(entries("fanout").stream().anyMatch(e -> e.startsWith("software/amazon/awssdk/services/sqs/")));
        // The outbound function announces through the log's stream, not the queue; the API only sends commands.
        assertTrue(entries("outbound").stream().noneMatch(e -> e.startsWith("software/amazon/awssdk/services/sqs/")));
        assertTrue(entries("api").stream().anyMatch(e -> e.startsWith("software/amazon/awssdk/services/sqs/")));
        // Each function's own Lambda event types are in its jar (the shade filters keep only the handled ones).
        assertTrue(entries("outbound").contains("com/amazonaws/services/lambda/runtime/events/SQSEvent$SQSMessage.class"));
        assertTrue(entries("outbound").contains("com/amazonaws/services/lambda/runtime/events/SQSBatchResponse.class"));
        assertTrue(entries("outbound").stream().anyMatch(e -> e.startsWith("software/amazon/awssdk/services/sesv2/SesV2Client")));
        assertTrue(entries("api").contains("com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTPEvent.class"));
    }

    /**
     * Logging in every jar: log4j-core, its JSON template layout and Powertools' resolver each ship a plugin cache;
     * the shade transformer merges them, or the layout the functions' log4j2.properties names is not found at run time.
     * Powertools' serialization module (JMESPath, Joda-Time) serves correlation-id paths only, unused: left out.
     */
    @Test
    void everyFunctionJar_carriesTheMergedLog4jPluginCache_andNoJmesPathOrJoda() throws IOException {
        for (String function : List.of("whatsapp", "messenger", "telephony", "email", "fanout", "outbound", "api")) {
            Path jar = Repository.root().resolve("functions/" + function + "/target/switchboard-" + function + ".jar");
            try (JarFile file = new JarFile(jar.toFile())) {
                var cache = file.getEntry("META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat");
                assertTrue(cache != null, function + " has no log4j plugin cache");
                String plugins = new String(file.getInputStream(cache).readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String plugin : List.of("org.apache.logging.log4j.core.appender.ConsoleAppender",
                        "org.apache.logging.log4j.layout.template.json.JsonTemplateLayout",
                        "org.apache.logging.log4j.layout.template.json.resolver.PowertoolsResolverFactory",
                        "io.switchboard.core.ops.RedactingResolverFactory")) {
                    assertTrue(plugins.contains(plugin), function + ": the plugin cache lacks " + plugin);
                }
                assertTrue(file.getEntry("log4j2.properties") != null && file.getEntry("SwitchboardJsonLayout.json") != null, function);
            }
            List<String> unused = entries(function).stream().filter(e -> e.startsWith("org/joda/")
                    || e.startsWith("io/burt/jmespath/") || e.startsWith("software/amazon/lambda/powertools/utilities/")
                    || e.startsWith("com/fasterxml/jackson/datatype/joda/")).toList();
            assertTrue(unused.isEmpty(), function + " carries " + unused.stream().limit(5).toList());
        }
    }

    private static List<String> entries(String function) throws IOException {
        Path jar = Repository.root().resolve("functions/" + function + "/target/switchboard-" + function + ".jar");
        assertTrue(Files.exists(jar), "the package phase builds " + jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }
}
