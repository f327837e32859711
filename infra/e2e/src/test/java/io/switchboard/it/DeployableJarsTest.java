package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What goes into each function's deployable jar: one HTTP client, no SQS in a webhook function, and all a code path loads. */
class DeployableJarsTest {

    /** The outbound function's factory of the email sender (the one switch that makes it a bean). */
    private static final String EMAIL_SENDING = "io/switchboard/email/SesEmailSender.class";

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
        // Email goes out through one signed SES v2 call (SesEmailSender), not the SES v2 SDK client; only the outbound
        // function makes the sender a bean.
        for (String function : List.of("whatsapp", "messenger", "telephony", "email", "fanout", "outbound", "api")) {
            assertTrue(entries(function).stream().noneMatch(e -> e.startsWith("software/amazon/awssdk/services/sesv2/")),
                    function + " carries the SES v2 client");
        }
        assertTrue(entries("outbound").contains("io/switchboard/email/SesEmailSender.class"));
        assertTrue(entries("outbound").contains(EMAIL_SENDING));
        assertTrue(!entries("email").contains(EMAIL_SENDING));
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

    /**
     * The generated shade filters (infra/jar-trim/shade-filters.pom.xml, written by infra/jar-trim/regenerate.sh; see
     * docs/jars.md) are applied: each jar stays within Lambda's cold-start budget of 12,000,000 bytes, leaves out the
     * marshallers of DynamoDB operations no function calls, and keeps those of the operations the functions call.
     */
    @Test
    void everyFunctionJar_withTheGeneratedFilters_isAtMost12MillionBytes_andKeepsOnlyTheCalledOperations() throws IOException {
        for (String function : List.of("whatsapp", "messenger", "telephony", "email", "fanout", "outbound", "api")) {
            long size = Files.size(jar(function));
            assertTrue(size <= 12_000_000L, function + " jar is " + size + " bytes");
            List<String> entries = entries(function);
            String transform = "software/amazon/awssdk/services/dynamodb/transform/";
            for (String called : List.of("GetItem", "PutItem", "UpdateItem", "Query", "BatchGetItem", "TransactWriteItems")) {
                assertTrue(entries.contains(transform + called + "RequestMarshaller.class"), function + " lacks " + called);
            }
            for (String uncalled : List.of("CreateTable", "DeleteTable", "ExecuteStatement", "RestoreTableFromBackup")) {
                assertTrue(!entries.contains(transform + uncalled + "RequestMarshaller.class"), function + " carries " + uncalled);
            }
        }
    }

    /**
     * The shade filters take out what no code path of a function loads (unused SDK operations' model classes, the
     * SDK's service metadata, Micronaut beans no function injects, mail protocol providers). Each jar, alone on a
     * fresh JVM's class path, must still link its SDK clients, send every operation the functions call up to the
     * wire (public AWS endpoints, resolved without the service metadata), unmarshal the priming's canned DynamoDB
     * answers and build its handler through the no-arg constructor Lambda calls.
     */
    @Test
    void everyFunctionJar_alone_linksItsClients_sendsItsOperations_andBuildsItsHandler() throws Exception {
        Map<String, String> handlers = new LinkedHashMap<>();
        handlers.put("whatsapp", "io.switchboard.whatsapp.WhatsAppWebhookHandler");
        handlers.put("messenger", "io.switchboard.messenger.MessengerWebhookHandler");
        handlers.put("telephony", "io.switchboard.telephony.TwilioWebhookHandler");
        handlers.put("email", "io.switchboard.email.EmailWebhookHandler");
        handlers.put("fanout", "io.switchboard.fanout.FanoutHandler");
        handlers.put("outbound", "io.switchboard.outbound.OutboundHandler");
        handlers.put("api", "io.switchboard.api.CustomerApiHandler");
        Path probe = probeClasses();
        for (Map.Entry<String, String> function : handlers.entrySet()) {
            List<String> entries = entries(function.getKey());
            assertTrue(entries.stream().noneMatch(e -> e.startsWith("software/amazon/awssdk/regions/servicemetadata/")),
                    function.getKey() + " carries the service metadata");
            assertTrue(entries.stream().noneMatch(e -> e.startsWith("software/amazon/awssdk/services/secretsmanager/")),
                    function.getKey() + " carries the Secrets Manager client");
            Path jar = jar(function.getKey());
            String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(javaBinary, "-cp", jar + java.io.File.pathSeparator + probe,
                    JarLinkProbe.class.getName(), jar.toString(), function.getValue()).redirectErrorStream(true);
            // Nothing from this machine's environment: no endpoint overrides, no credentials but made-up ones in the
            // variables Lambda sets for a function's role (read by the email sender's signed call).
            builder.environment().clear();
            builder.environment().put("AWS_REGION", "us-east-1");
            builder.environment().put("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE");
            builder.environment().put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
            builder.environment().put("AWS_SESSION_TOKEN", "probe-session-token");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int exit = process.waitFor();
            String tail = output.substring(Math.max(0, output.length() - 3000));
            assertEquals(0, exit, function.getKey() + ": " + tail);
            assertTrue(output.contains("built " + function.getValue()), function.getKey() + ": " + tail);
            // The shade filters leave log4j plugins named in the plugin cache out of the jar: log4j must skip them
            // silently (status level warn), since a status line would break the JSON-only log stream.
            List<String> statusLines = output.lines().filter(line -> line.contains("StatusLogger")
                    || line.matches("^\\S+ \\S+ (FATAL|ERROR|WARN) .*")).toList();
            assertTrue(statusLines.isEmpty(), function.getKey() + " printed log4j status lines: " + statusLines);
            boolean dynamoDb = entries.contains("software/amazon/awssdk/services/dynamodb/DynamoDbClient.class");
            boolean sqs = entries.contains("software/amazon/awssdk/services/sqs/SqsClient.class");
            boolean ses = entries.contains(EMAIL_SENDING);
            assertTrue(dynamoDb, function.getKey() + " has the DynamoDB client");
            for (String operation : List.of("GetItem", "PutItem", "UpdateItem", "Query", "BatchGetItem", "TransactWriteItems")) {
                assertTrue(output.contains("sent " + operation + " to https://dynamodb.us-east-1.amazonaws.com/"),
                        function.getKey() + " " + operation + ": " + tail);
            }
            assertTrue(output.contains("primed DynamoDB"), function.getKey() + ": " + tail);
            // The public endpoints of the signed calls come from the SDK's partition table, which the jar keeps.
            assertTrue(output.contains("endpoint https://secretsmanager.us-east-1.amazonaws.com\n")
                    && output.contains("endpoint https://secretsmanager.cn-north-1.amazonaws.com.cn\n"), function.getKey() + ": " + tail);
            if (sqs) {
                for (String operation : List.of("GetQueueUrl", "SendMessage", "SendMessageBatch")) {
                    assertTrue(output.contains("sent " + operation + " to https://sqs.us-east-1.amazonaws.com/"),
                            function.getKey() + " " + operation + ": " + tail);
                }
            }
            if (ses) {
                assertTrue(output.contains("sent SendEmail to https://email.us-east-1.amazonaws.com/v2/email/outbound-emails"
                        + " signed with the session token (Transient)"), function.getKey() + ": " + tail);
                assertTrue(output.contains("senders [MessengerSender, SesEmailSender, TwilioSmsSender, WhatsAppSender]"),
                        function.getKey() + ": " + tail);
            } else {
                assertTrue(output.lines().filter(line -> line.startsWith("senders ")).noneMatch(line -> line.contains("SesEmailSender")),
                        function.getKey() + ": " + tail);
            }
            assertTrue(output.contains("senders ["), function.getKey() + ": " + tail);
        }
    }

    /**
     * The shade filters leave out log4j plugins that the merged plugin cache still names (and commons-lang3 and
     * jsr310 classes the metrics never use). A real cold start of the WhatsApp jar, handling one signed webhook
     * against the embedded cloud, with stdout and stderr together (log4j's status logger writes to stderr), must
     * print JSON log lines only (no status line), must not load the left-out plugins, and its EMF metrics still load.
     */
    @Test
    void whatsAppJar_coldStartWithAWebhook_printsOnlyJson_andLoadsNoLeftOutPlugin() throws Exception {
        Path jar = jar("whatsapp");
        try (io.switchboard.local.LocalCloud cloud = io.switchboard.local.LocalCloud.start(
                new io.switchboard.local.LocalCloud.Options().streamPoller(false))) {
            Path dir = Files.createTempDirectory("cold-start-classes");
            // ColdStartProbe's own classes (as its probeClasses() copies them): the probe, its handlers and context.
            for (String type : List.of("io.switchboard.bench.ColdStartProbe", "io.switchboard.bench.ColdStartProbe$EmptyHandler",
                    "io.switchboard.bench.ColdStartProbe$Run", "io.switchboard.bench.PlainWebhookHandler",
                    "io.switchboard.bench.SignedWebhooks", "io.switchboard.local.InvocationContext")) {
                for (String suffix : List.of("", "$1", "$2", "$3", "$4")) {
                    String resource = type.replace('.', '/') + suffix + ".class";
                    try (java.io.InputStream in = DeployableJarsTest.class.getClassLoader().getResourceAsStream(resource)) {
                        if (in != null) {
                            Path target = dir.resolve(resource);
                            Files.createDirectories(target.getParent());
                            Files.copy(in, target);
                        }
                    }
                }
            }
            Path classLog = Files.createTempFile("cold-start", ".classes");
            String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(javaBinary, "-Xlog:class+load=info:file=" + classLog,
                    "-cp", jar + java.io.File.pathSeparator + dir, io.switchboard.bench.ColdStartProbe.class.getName(),
                    "whatsapp", "14155550178", "wamid.jarstest.1").redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(Map.of("AWS_ENDPOINT_URL_DYNAMODB", cloud.dynamoDbEndpoint(),
                    "AWS_REGION", "us-east-1", "CUSTOMERS_TABLE", cloud.tableName("CustomersTable"),
                    "CONVERSATION_LOG_TABLE", cloud.tableName("ConversationLogTable"),
                    "WHATSAPP_APP_SECRET", "bench-app-secret", "WHATSAPP_VERIFY_TOKEN", "unused"));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), output);
            List<String> lines = output.trim().lines().toList();
            assertTrue(lines.get(lines.size() - 1).startsWith("200 "), output);
            assertTrue(lines.size() > 1, "the webhook logged nothing: " + output);
            for (String line : lines.subList(0, lines.size() - 1)) {
                // every line but the probe's own last one is a JSON log line (a status line would not parse)
                assertTrue(io.switchboard.core.json.Json.MAPPER.readTree(line).path("level").isTextual(), line);
            }
            List<String> loaded = Files.readAllLines(classLog);
            for (String leftOut : List.of("org.apache.logging.log4j.core.appender.rolling.RollingFileManager",
                    "org.apache.logging.log4j.core.appender.RollingFileAppender", "org.apache.logging.log4j.core.layout.JsonLayout",
                    "org.apache.logging.log4j.core.filter.ThresholdFilter", "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule")) {
                assertTrue(loaded.stream().noneMatch(line -> line.contains(" " + leftOut + " ")), leftOut + " was loaded");
            }
            assertTrue(loaded.stream().anyMatch(line -> line.contains(" org.apache.logging.log4j.layout.template.json.JsonTemplateLayout ")));
            assertTrue(loaded.stream().anyMatch(line -> line.contains(" software.amazon.cloudwatchlogs.emf.logger.MetricsLogger ")),
                    "the EMF metrics logger is loaded");
        }
    }

    /**
     * The error answers and results that functions' code branches on must unmarshal with what the shade filters keep
     * (the exception classes are named only by the SDK's error mapping; the closure filters keep what class files
     * name): each jar alone, against the embedded cloud, gets a ConditionalCheckFailedException from a conditional
     * PutItem, a TransactionCanceledException with its cancellation reasons from TransactWriteItems, an SQS
     * SendMessageBatch answer with one entry sent and one refused (a FIFO queue needs a message group), writes EMF
     * metrics through Telemetry, and, where the jar sends email (outbound), has its email sender build a MIME reply
     * with Jakarta Mail and send it, as one signed SES v2 SendEmail, to the SES stand-in, which answers a MessageId.
     */
    @Test
    void everyFunctionJar_alone_unmarshalsErrors_writesMetrics_andSendsEmail() throws Exception {
        Path probe = probeClasses();
        try (io.switchboard.local.LocalCloud cloud = io.switchboard.local.LocalCloud.start(
                new io.switchboard.local.LocalCloud.Options().streamPoller(false).providerStandIns(true))) {
            for (String function : List.of("whatsapp", "messenger", "telephony", "email", "fanout", "outbound", "api")) {
                List<String> entries = entries(function);
                Path jar = jar(function);
                String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                ProcessBuilder builder = new ProcessBuilder(javaBinary, "-cp", jar + java.io.File.pathSeparator + probe,
                        JarLinkProbe.class.getName(), jar.toString(), "-").redirectErrorStream(true);
                builder.environment().clear();
                builder.environment().putAll(Map.of("AWS_REGION", "us-east-1",
                        "AWS_ENDPOINT_URL_DYNAMODB", cloud.dynamoDbEndpoint(), "AWS_ENDPOINT_URL_SQS", cloud.sqsEndpoint(),
                        "AWS_ENDPOINT_URL_SESV2", cloud.standIns().baseUrl(),
                        "CONVERSATION_LOG_TABLE", cloud.tableName("ConversationLogTable"),
                        "PROBE_QUEUE_URL", cloud.queueUrl("EventsQueue")));
                Process process = builder.start();
                String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                String tail = output.substring(Math.max(0, output.length() - 3000));
                assertEquals(0, process.waitFor(), function + ": " + tail);
                assertTrue(output.contains("unmarshalled ConditionalCheckFailedException 400"), function + ": " + tail);
                assertTrue(output.contains("unmarshalled TransactionCanceledException [ConditionalCheckFailed, None]"),
                        function + ": " + tail);
                if (entries.contains("software/amazon/awssdk/services/sqs/SqsClient.class")) {
                    assertTrue(output.contains("SendMessageBatch successful [good] failed [bad:true]"), function + ": " + tail);
                }
                if (entries.contains(EMAIL_SENDING)) {
                    assertTrue(output.lines().anyMatch(line -> line.matches("SES sent 0100\\p{XDigit}+-.+")), function + ": " + tail);
                    assertEquals(1, cloud.standIns().standIn("ses").requests().size(), function);
                    String sent = new String(io.switchboard.email.SesStandIn.rawMessage(cloud.standIns().standIn("ses").requests().get(0).json()),
                            java.nio.charset.StandardCharsets.UTF_8);
                    assertTrue(sent.contains("In-Reply-To: <probe@example.com>") && sent.contains("Subject: =?UTF-8?"), sent);
                }
                List<String> emf = output.lines().filter(line -> line.startsWith("emf ")).toList();
                assertEquals(1, emf.size(), function + ": " + tail);
                var document = io.switchboard.core.json.Json.MAPPER.readTree(emf.get(0).substring(4));
                assertEquals("ProbeCount", document.path("_aws").path("CloudWatchMetrics").path(0).path("Metrics").path(0)
                        .path("Name").asText(), emf.get(0));
                assertEquals(2.0, document.path("ProbeCount").asDouble(), emf.get(0));
                assertEquals("jar-probe", document.path("function").asText(), emf.get(0));
            }
        }
    }

    /** A directory holding only the probe's classes, so the fresh JVM sees nothing but the jar besides. */
    private static Path probeClasses() throws IOException {
        Path dir = Files.createTempDirectory("jar-link-probe");
        for (String name : List.of("JarLinkProbe", "JarLinkProbe$StopBeforeSending", "JarLinkProbe$StoppedException",
                "JarLinkProbe$DynamoDb", "JarLinkProbe$Sqs", "JarLinkProbe$Ses", "JarLinkProbe$Cloud", "JarLinkProbe$CloudSes",
                "JarLinkProbe$StopBeforeSendingHttp", "JarLinkProbe$StopBeforeSendingHttp$Stopped")) {
            String resource = "io/switchboard/it/" + name + ".class";
            try (java.io.InputStream in = DeployableJarsTest.class.getClassLoader().getResourceAsStream(resource)) {
                assertTrue(in != null, resource);
                Path target = dir.resolve(resource);
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
            }
        }
        return dir;
    }

    private static Path jar(String function) {
        return Repository.root().resolve("functions/" + function + "/target/switchboard-" + function + ".jar");
    }

    private static List<String> entries(String function) throws IOException {
        Path jar = Repository.root().resolve("functions/" + function + "/target/switchboard-" + function + ".jar");
        assertTrue(Files.exists(jar), "the package phase builds " + jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }
}
