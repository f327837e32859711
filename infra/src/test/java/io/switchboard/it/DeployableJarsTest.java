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

    private static List<String> entries(String function) throws IOException {
        Path jar = Repository.root().resolve("functions/" + function + "/target/switchboard-" + function + ".jar");
        assertTrue(Files.exists(jar), "the package phase builds " + jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }
}
