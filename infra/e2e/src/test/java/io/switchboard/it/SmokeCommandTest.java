package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.json.Json;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.TemplateModel;
import io.switchboard.local.console.SampleWebhooks;
import io.switchboard.local.smoke.SmokeCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The smoke command of docs/deploy.md against the local cloud standing in for a deployed stack: the stack's outputs
 * point at the local gateway and queue, and a small stand-in speaks CloudFormation's DescribeStacks (AWS query
 * protocol) and Secrets Manager's GetSecretValue (AWS JSON 1.1, X-Amz-Target) with the local cloud's secrets. Every
 * sample is accepted and announced, run after run; a secret not configured yet is a skipped sample; a wrong secret is
 * a refused sample and a failed run; and the events stay on the queue for the helpdesk either way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmokeCommandTest {

    private static final String STACK = "switchboard-smoke";
    private static final String REGION = "us-east-1";
    private static final Pattern MARKER = Pattern.compile("end in (smoke[0-9a-f]{10})");

    private PipelineCloud cloud;
    private AwsStandIn aws;
    private final Path root = Repository.root();
    /** The samples of the events folder (the test-only web chat's, from its descriptor, are the console's only). */
    private final List<SampleWebhooks.Sample> samples = SampleWebhooks.list(root.resolve("events")).stream()
            .filter(sample -> SampleWebhooks.isIn(sample, root.resolve("events"))).toList();
    /** Secret ARN to its JSON keys and values, as the stack's secrets would hold them. */
    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();

    @BeforeAll
    void start() throws IOException {
        cloud = PipelineCloud.start(new LocalCloud.Options());
        LocalCloud local = cloud.local();
        String base = local.baseUrl();
        outputs.put("WhatsAppWebhookUrl", base + "/webhooks/whatsapp");
        outputs.put("MessengerWebhookUrl", base + "/webhooks/messenger");
        outputs.put("InstagramWebhookUrl", base + "/webhooks/instagram");
        outputs.put("TwilioVoiceWebhookUrl", base + "/webhooks/twilio/voice");
        outputs.put("TwilioSmsWebhookUrl", base + "/webhooks/twilio/sms");
        outputs.put("EmailWebhookBaseUrl", base + "/webhooks/email");
        outputs.put("EventsQueueUrl", local.queueUrl("EventsQueue"));
        outputs.put("CustomerApiBaseUrl", base);
        // Each secret of the template under the output that names its ARN, holding what the local functions read.
        TemplateModel model = local.template();
        for (TemplateModel.Secret secret : model.secrets()) {
            String arn = "arn:aws:secretsmanager:" + REGION + ":000000000000:secret:" + secret.logicalId() + "-Ab12Cd";
            Map<String, String> values = new LinkedHashMap<>();
            for (String key : secret.keys()) {
                values.put(key, local.functions().stream().map(f -> f.environment().get(key))
                        .filter(v -> v != null && !v.isEmpty()).findFirst().orElse(""));
            }
            secrets.put(arn, values);
            model.outputsReferencing(secret.logicalId()).forEach(output -> outputs.put(output, arn));
        }
        aws = AwsStandIn.start(STACK, outputs, Map.of("TwilioPublicBaseUrl", "", "LogLevel", "INFO"), secrets);
    }

    @AfterAll
    void stop() {
        if (aws != null) {
            aws.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private Map<String, Map<String, String>> saved;

    /** Each run starts from a queue its helpdesk has read (what a run leaves is checked by that run). */
    @BeforeEach
    void helpdeskHasReadTheQueue() {
        helpdeskReads();
    }

    @BeforeEach
    void saveSecrets() {
        saved = new LinkedHashMap<>();
        secrets.forEach((arn, values) -> saved.put(arn, new LinkedHashMap<>(values)));
    }

    @AfterEach
    void restoreSecrets() {
        secrets.putAll(saved);
    }

    @Test
    @Order(1)
    void aStackWhoseSecretsAndUrlsAreRight_acceptsAndAnnouncesEverySample_andLeavesTheEventsOnTheQueue() {
        Run run = smoke("--stack", STACK, "--region", REGION, "--cloudformation-endpoint-url", aws.url(),
                "--secretsmanager-endpoint-url", aws.url(), "--sqs-endpoint-url", cloud.local().sqsEndpoint(),
                "--template", root.resolve("template.yaml").toString(), "--wait", "120");

        assertEquals(0, run.exit, run.toString());
        assertTrue(aws.calls().contains("DescribeStacks " + STACK), aws.calls().toString());
        assertEveryLine(run, Map.of());
        long posted = samples.stream().filter(s -> s.method().equals("POST")).count();
        long handshakes = samples.size() - posted;
        assertTrue(run.out.contains(samples.size() + " samples: " + posted + " accepted and announced, " + handshakes
                + " answered without an event, 0 skipped, 0 failed"), run.out);

        // Nothing was taken: a helpdesk reading the queue now gets every event of the run, none dead-lettered.
        List<Message> events = helpdeskReads();
        long ofThisRun = events.stream().filter(m -> m.body().contains(run.marker())).count();
        assertTrue(ofThisRun >= posted, ofThisRun + " events of the run on the queue for " + posted + " samples");
        assertEquals(0, deadLetters());
    }

    @Test
    @Order(2)
    void aSecondRun_fromAnOutputsFile_isStoredAndAnnouncedAgain_andSkipsWhatIsNotConfiguredYet(@TempDir Path dir)
            throws IOException {
        // As at deploy time: the template creates INSTAGRAM_VERIFY_TOKEN empty (docs/deploy.md).
        secretHolding("INSTAGRAM_VERIFY_TOKEN").put("INSTAGRAM_VERIFY_TOKEN", "");
        // What `aws cloudformation describe-stacks --query 'Stacks[0].Outputs'` prints.
        ArrayNode printed = Json.MAPPER.createArrayNode();
        outputs.forEach((key, value) -> printed.addObject().put("OutputKey", key).put("OutputValue", value)
                .put("Description", "..."));
        Path file = dir.resolve("outputs.json");
        Files.writeString(file, printed.toPrettyString());
        int callsBefore = aws.calls().size();

        Run run = smoke("--outputs", file.toString(), "--region", REGION, "--secretsmanager-endpoint-url", aws.url(),
                "--sqs-endpoint-url", cloud.local().sqsEndpoint(), "--template", root.resolve("template.yaml").toString(),
                "--wait", "120");

        assertEquals(0, run.exit, run.toString());
        assertFalse(aws.calls().subList(callsBefore, aws.calls().size()).stream().anyMatch(c -> c.startsWith("DescribeStacks")));
        assertEveryLine(run, Map.of("instagram-verify", "skipped: INSTAGRAM_VERIFY_TOKEN is not set"));
        assertTrue(run.out.contains(" 1 skipped, 0 failed"), run.out);
        assertTrue(helpdeskReads().stream().filter(m -> m.body().contains(run.marker())).count()
                >= samples.stream().filter(s -> s.method().equals("POST")).count());
    }

    @Test
    @Order(3)
    void aWrongSecret_isARefusedSample_andAFailedRun_andTheOtherSamplesEventsStayOnTheQueue() {
        secretHolding("WHATSAPP_APP_SECRET").put("WHATSAPP_APP_SECRET", "not-the-app-secret");

        Run run = smoke("--stack", STACK, "--region", REGION, "--cloudformation-endpoint-url", aws.url(),
                "--secretsmanager-endpoint-url", aws.url(), "--sqs-endpoint-url", cloud.local().sqsEndpoint(),
                "--template", root.resolve("template.yaml").toString(), "--wait", "120");

        assertEquals(1, run.exit, run.toString());
        String line = run.line("whatsapp-text-message");
        assertTrue(line.contains("POST 401") && line.contains("FAILED: refused"), line);
        assertTrue(run.line("whatsapp-verify").contains("answered"), run.out);
        assertTrue(run.line("twilio-sms-inbound").contains("accepted, announced: switchboard.message.received"), run.out);
        assertTrue(run.out.contains(" 0 skipped, 1 failed"), run.out);
        assertFalse(run.out.contains("Exception"), run.out);

        List<Message> events = helpdeskReads();
        long ofThisRun = events.stream().filter(m -> m.body().contains(run.marker())).count();
        long accepted = samples.stream().filter(s -> s.method().equals("POST")).count() - 1;
        assertTrue(ofThisRun >= accepted, ofThisRun + " events of the run on the queue for " + accepted + " samples");
        assertEquals(0, deadLetters());
    }

    @Test
    @Order(4)
    void aStackThatDoesNotExist_isOneLine_andSendsNothing() {
        int callsBefore = aws.calls().size();

        Run run = smoke("--stack", "no-such-stack", "--region", REGION, "--cloudformation-endpoint-url", aws.url(),
                "--secretsmanager-endpoint-url", aws.url(), "--sqs-endpoint-url", cloud.local().sqsEndpoint(),
                "--template", root.resolve("template.yaml").toString());

        assertEquals(1, run.exit, run.toString());
        assertEquals("smoke: stack no-such-stack does not exist in us-east-1 (sam deploy's stack name; --region for "
                + "another region)", run.err.strip());
        assertEquals("", run.out);
        assertEquals(List.of("DescribeStacks no-such-stack"), aws.calls().subList(callsBefore, aws.calls().size()));
    }

    @Test
    @Order(5)
    void aWebhookUrlNobodyAnswers_isAFailedSample_notAStackTrace(@TempDir Path dir) throws IOException {
        ArrayNode printed = Json.MAPPER.createArrayNode();
        outputs.forEach((key, value) -> printed.addObject().put("OutputKey", key)
                .put("OutputValue", key.equals("WhatsAppWebhookUrl") ? "http://127.0.0.1:9/webhooks/whatsapp" : value));
        Path file = dir.resolve("outputs.json");
        Files.writeString(file, printed.toPrettyString());

        Run run = smoke("--outputs", file.toString(), "--only", "whatsapp", "--region", REGION,
                "--secretsmanager-endpoint-url", aws.url(), "--sqs-endpoint-url", cloud.local().sqsEndpoint(),
                "--template", root.resolve("template.yaml").toString());

        assertEquals(1, run.exit, run.toString());
        assertTrue(run.line("whatsapp-text-message").contains("FAILED: no answer from http://127.0.0.1:9"), run.out);
        assertTrue(run.out.contains("2 samples: 0 accepted and announced, 0 answered without an event, 0 skipped, 2 failed"),
                run.out);
        assertFalse((run.out + run.err).contains("\tat "), run.toString());
    }

    // ------------------------------------------------------------------ helpers

    /** Each sample has its line: announced (a POST) or answered (a handshake), unless {@code expected} says otherwise. */
    private void assertEveryLine(Run run, Map<String, String> expected) {
        for (SampleWebhooks.Sample sample : samples) {
            String line = run.line(sample.name());
            String wanted = expected.getOrDefault(sample.name(), sample.method().equals("POST")
                    ? "accepted, announced: switchboard." : "answered (a handshake: no event)");
            assertTrue(line.contains(wanted), sample.name() + " should say " + wanted + ":\n" + run.out);
            assertTrue(line.startsWith("  " + sample.channel() + " "), line);
        }
    }

    private Map<String, String> secretHolding(String key) {
        return secrets.values().stream().filter(values -> values.containsKey(key)).findFirst().orElseThrow();
    }

    /** A helpdesk's pass over the queue: everything on it, each message deleted once read. */
    private List<Message> helpdeskReads() {
        String queueUrl = cloud.local().queueUrl("EventsQueue");
        List<Message> read = new ArrayList<>();
        while (true) {
            List<Message> messages = cloud.local().sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(2).messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                    .messages();
            if (messages.isEmpty()) {
                return read;
            }
            for (Message message : messages) {
                read.add(message);
                cloud.local().sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    private long deadLetters() {
        return Long.parseLong(cloud.local().sqs().getQueueAttributes(r -> r.queueUrl(cloud.local().queueUrl("EventsDeadLetterQueue"))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private static Run smoke(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SmokeCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int exit, String out, String err) {
        String line(String sample) {
            return out.lines().filter(l -> l.contains(" " + sample + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no line for " + sample + ":\n" + out + err));
        }

        String marker() {
            Matcher matcher = MARKER.matcher(out);
            assertTrue(matcher.find(), out);
            return matcher.group(1);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + err;
        }
    }

    /**
     * The two AWS calls the smoke command makes besides SQS, as the services answer them: CloudFormation's
     * DescribeStacks in the AWS query protocol (form in, XML out; a missing stack is a ValidationError,
     * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html) and Secrets Manager's
     * GetSecretValue in AWS JSON 1.1 (X-Amz-Target; an unknown secret is a ResourceNotFoundException,
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
     */
    static final class AwsStandIn implements AutoCloseable {

        private final HttpServer server;
        private final String stackName;
        private final Map<String, String> outputs;
        private final Map<String, String> parameters;
        private final Map<String, Map<String, String>> secrets;
        private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        private AwsStandIn(HttpServer server, String stackName, Map<String, String> outputs,
                           Map<String, String> parameters, Map<String, Map<String, String>> secrets) {
            this.server = server;
            this.stackName = stackName;
            this.outputs = outputs;
            this.parameters = parameters;
            this.secrets = secrets;
        }

        static AwsStandIn start(String stackName, Map<String, String> outputs, Map<String, String> parameters,
                                Map<String, Map<String, String>> secrets) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            AwsStandIn standIn = new AwsStandIn(server, stackName, outputs, parameters, secrets);
            server.createContext("/", standIn::handle);
            server.start();
            return standIn;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<String> calls() {
            return List.copyOf(calls);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                if ("secretsmanager.GetSecretValue".equals(target)) {
                    getSecretValue(exchange, Json.MAPPER.readTree(body).path("SecretId").asText());
                    return;
                }
                Map<String, String> form = new LinkedHashMap<>();
                UrlEncodedForm.parse(body).forEach(pair -> form.put(pair.getKey(), pair.getValue()));
                if ("DescribeStacks".equals(form.get("Action"))) {
                    describeStacks(exchange, form.get("StackName"));
                    return;
                }
                respond(exchange, 400, "text/plain", "not an operation of this stand-in");
            }
        }

        private void getSecretValue(HttpExchange exchange, String secretId) throws IOException {
            calls.add("GetSecretValue " + secretId);
            Map<String, String> values = secrets.get(secretId);
            ObjectNode answer = Json.MAPPER.createObjectNode();
            if (values == null) {
                answer.put("__type", "ResourceNotFoundException").put("message", "Secrets Manager can't find the specified secret.");
                respond(exchange, 400, "application/x-amz-json-1.1", answer.toString());
                return;
            }
            answer.put("ARN", secretId).put("Name", secretId.substring(secretId.lastIndexOf(':') + 1))
                    .put("SecretString", Json.MAPPER.writeValueAsString(values)).put("VersionId", "v1")
                    .put("CreatedDate", 1.7647008E9);
            answer.putArray("VersionStages").add("AWSCURRENT");
            respond(exchange, 200, "application/x-amz-json-1.1", answer.toString());
        }

        private void describeStacks(HttpExchange exchange, String name) throws IOException {
            calls.add("DescribeStacks " + name);
            String ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
            if (!stackName.equals(name)) {
                respond(exchange, 400, "text/xml", "<ErrorResponse xmlns=\"" + ns + "\"><Error><Type>Sender</Type>"
                        + "<Code>ValidationError</Code><Message>Stack with id " + xml(name) + " does not exist</Message>"
                        + "</Error><RequestId>b9b4b068-0000-0000-0000-000000000001</RequestId></ErrorResponse>");
                return;
            }
            StringBuilder xml = new StringBuilder("<DescribeStacksResponse xmlns=\"" + ns + "\"><DescribeStacksResult>"
                    + "<Stacks><member><StackName>" + xml(name) + "</StackName><StackId>arn:aws:cloudformation:us-east-1:"
                    + "000000000000:stack/" + xml(name) + "/00000000-0000-0000-0000-000000000000</StackId>"
                    + "<CreationTime>2026-12-01T09:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>"
                    + "<Parameters>");
            parameters.forEach((key, value) -> xml.append("<member><ParameterKey>").append(xml(key))
                    .append("</ParameterKey><ParameterValue>").append(xml(value)).append("</ParameterValue></member>"));
            xml.append("</Parameters><Outputs>");
            outputs.forEach((key, value) -> xml.append("<member><OutputKey>").append(xml(key))
                    .append("</OutputKey><OutputValue>").append(xml(value)).append("</OutputValue></member>"));
            xml.append("</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>"
                    + "b9b4b068-0000-0000-0000-000000000002</RequestId></ResponseMetadata></DescribeStacksResponse>");
            respond(exchange, 200, "text/xml", xml.toString());
        }

        private static String xml(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }

        private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
