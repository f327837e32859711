package io.switchboard.it;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Run by {@link DeployableJarsTest} in a fresh JVM whose class path is one function's deployable jar (and this
 * class): what the shade filters took out must be nothing a function's code path needs. It links every SDK client
 * the jar keeps (verifying a client loads every operation's request class), builds each with no endpoint override
 * (the endpoint rules resolve the public AWS endpoint; the service metadata classes are not in the jar) and sends
 * each operation the functions call up to the wire, where an interceptor stops it; where the jar sends email (the
 * outbound function's), signs an SES SendEmail for the public endpoint through the email sender, stopped at its HTTP
 * client; runs the SDK priming, which unmarshals canned DynamoDB answers; and builds the function's handler through
 * its no-arg constructor, whose Micronaut context starts with the bean set the jar keeps (its reply senders are
 * printed). Prints one line per step; exits non-zero on a failure.
 */
public final class JarLinkProbe {

    private JarLinkProbe() {
    }

    /** Stops every request right before it would be sent, after the endpoint is resolved and the request signed. */
    static final class StopBeforeSending implements ExecutionInterceptor {
        final List<String> uris = new ArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            uris.add(context.httpRequest().getUri().toString());
            throw new StoppedException();
        }
    }

    static final class StoppedException extends RuntimeException {
        StoppedException() {
            super("stopped before sending", null, false, false);
        }
    }

    /** args: the jar, then the handler class to build (or "-"). */
    public static void main(String[] args) throws Exception {
        List<String> clients = new ArrayList<>();
        try (JarFile jar = new JarFile(args[0])) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.matches("software/amazon/awssdk/services/[a-z0-9]+(/streams)?/Default\\w+Client\\.class")
                        && !name.contains("Async")) {
                    clients.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        }
        for (String client : clients) {
            Class.forName(client, true, JarLinkProbe.class.getClassLoader());
            System.out.println("linked " + client);
        }
        if (present("software.amazon.awssdk.services.dynamodb.DynamoDbClient")) {
            DynamoDb.send();
            io.switchboard.core.config.SdkPriming.primeDynamoDb();
            System.out.println("primed DynamoDB");
        }
        if (present("software.amazon.awssdk.services.sqs.SqsClient")) {
            Sqs.send();
        }
        // Every function reads its secret with one signed call to the region's public endpoint (SignedJsonRequest).
        for (Region region : List.of(Region.US_EAST_1, Region.CN_NORTH_1)) {
            System.out.println("endpoint " + io.switchboard.core.config.SignedJsonRequest.publicEndpoint("secretsmanager", region));
        }
        if (present(EMAIL_SENDING)) {
            Ses.send();
        }
        if (System.getenv("PROBE_QUEUE_URL") != null) {
            // Against the embedded cloud: the error answers and results a function's code handles, unmarshalled by
            // what the jar keeps; EMF metrics through Telemetry; an email built by the jar's Jakarta Mail and sent.
            Cloud.dynamoDbErrors();
            if (present("software.amazon.awssdk.services.sqs.SqsClient")) {
                Cloud.sqsPartialFailure();
            }
            if (present(EMAIL_SENDING)) {
                CloudSes.send();
            }
            Cloud.metrics();
        }
        if (!"-".equals(args[1])) {
            Object handler = Class.forName(args[1]).getConstructor().newInstance();
            System.out.println("built " + handler.getClass().getName());
            if (handler instanceof io.switchboard.core.config.LambdaFunction<?, ?> function) {
                System.out.println("senders " + function.getApplicationContext()
                        .getBeansOfType(io.switchboard.core.outbound.ReplySender.class).stream()
                        .map(sender -> sender.getClass().getSimpleName()).sorted().toList());
            }
            if (handler instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        System.out.println("ok");
        System.exit(0);
    }

    /** The outbound function's bean factory of the email sender: only a jar that sends email carries it. */
    static final String EMAIL_SENDING = "io.switchboard.email.SesEmailSender";

    private static boolean present(String className) {
        return JarLinkProbe.class.getClassLoader().getResource(className.replace('.', '/') + ".class") != null;
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    }

    static void expectStopped(StopBeforeSending stop, String operation, Runnable call) {
        try {
            call.run();
        } catch (StoppedException stopped) {
            // the point: it got as far as the wire
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof StoppedException)) {
                throw e;
            }
        }
        System.out.println("sent " + operation + " to " + stop.uris.get(stop.uris.size() - 1));
    }

    /** The DynamoDB operations the functions call (GetItem, PutItem, UpdateItem, Query, BatchGetItem, TransactWriteItems). */
    static final class DynamoDb {
        static void send() {
            StopBeforeSending stop = new StopBeforeSending();
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("k"));
            try (var client = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).overrideConfiguration(o -> o.addExecutionInterceptor(stop)).build()) {
                expectStopped(stop, "GetItem", () -> client.getItem(b -> b.tableName("t").key(key).consistentRead(true)));
                expectStopped(stop, "PutItem", () -> client.putItem(b -> b.tableName("t").item(key)));
                expectStopped(stop, "UpdateItem", () -> client.updateItem(b -> b.tableName("t").key(key)
                        .updateExpression("SET #a = :v").expressionAttributeNames(Map.of("#a", "a"))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("v")))));
                expectStopped(stop, "Query", () -> client.query(b -> b.tableName("t").keyConditionExpression("pk = :k")
                        .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("k")))));
                expectStopped(stop, "BatchGetItem", () -> client.batchGetItem(b -> b.requestItems(Map.of("t",
                        software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(key).build()))));
                expectStopped(stop, "TransactWriteItems", () -> client.transactWriteItems(b -> b.transactItems(
                        software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder()
                                .put(p -> p.tableName("t").item(key)).build())));
            }
        }
    }

    /** The SQS operations the functions call (GetQueueUrl, SendMessage, SendMessageBatch). */
    static final class Sqs {
        static void send() {
            StopBeforeSending stop = new StopBeforeSending();
            try (var client = software.amazon.awssdk.services.sqs.SqsClient.builder().region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).overrideConfiguration(o -> o.addExecutionInterceptor(stop)).build()) {
                String queue = "https://sqs.us-east-1.amazonaws.com/111122223333/q.fifo";
                expectStopped(stop, "GetQueueUrl", () -> client.getQueueUrl(b -> b.queueName("q.fifo")));
                expectStopped(stop, "SendMessage", () -> client.sendMessage(b -> b.queueUrl(queue).messageBody("{}")
                        .messageGroupId("g").messageDeduplicationId("d")));
                expectStopped(stop, "SendMessageBatch", () -> client.sendMessageBatch(b -> b.queueUrl(queue).entries(
                        e -> e.id("1").messageBody("{}").messageGroupId("g").messageDeduplicationId("d"))));
            }
        }
    }

    /**
     * Run when PROBE_QUEUE_URL is set, with AWS_ENDPOINT_URL_DYNAMODB, _SQS and _SESV2 pointing at the embedded cloud
     * and its SES stand-in (the SDK reads those variables), CONVERSATION_LOG_TABLE naming the log table and
     * PROBE_QUEUE_URL a FIFO queue.
     */
    static final class Cloud {
        static void dynamoDbErrors() {
            String table = System.getenv("CONVERSATION_LOG_TABLE");
            String id = "jar-probe-" + java.util.UUID.randomUUID();
            Map<String, AttributeValue> key = io.switchboard.core.store.LogItems.key(id, io.switchboard.core.store.LogItems.CUSTOMER_SK);
            Map<String, AttributeValue> other = io.switchboard.core.store.LogItems.key(id + "-other", io.switchboard.core.store.LogItems.CUSTOMER_SK);
            String partitionKey = io.switchboard.core.store.LogItems.CUSTOMER_ID;
            try (var client = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).build()) {
                client.putItem(b -> b.tableName(table).item(key));
                try {
                    client.putItem(b -> b.tableName(table).item(key).conditionExpression("attribute_not_exists(#k)")
                            .expressionAttributeNames(Map.of("#k", partitionKey)));
                    System.out.println("no ConditionalCheckFailedException");
                } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException expected) {
                    System.out.println("unmarshalled ConditionalCheckFailedException " + expected.statusCode());
                }
                try {
                    client.transactWriteItems(b -> b.transactItems(
                            software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(p -> p.tableName(table)
                                    .item(key).conditionExpression("attribute_not_exists(#k)")
                                    .expressionAttributeNames(Map.of("#k", partitionKey))).build(),
                            software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(p -> p.tableName(table)
                                    .item(other)).build()));
                    System.out.println("no TransactionCanceledException");
                } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException expected) {
                    System.out.println("unmarshalled TransactionCanceledException " + expected.cancellationReasons().stream()
                            .map(software.amazon.awssdk.services.dynamodb.model.CancellationReason::code).toList());
                }
            }
        }

        /** One good entry and one a FIFO queue refuses (no message group): the answer names each. */
        static void sqsPartialFailure() {
            String queue = System.getenv("PROBE_QUEUE_URL");
            try (var client = software.amazon.awssdk.services.sqs.SqsClient.builder().region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).build()) {
                var answer = client.sendMessageBatch(b -> b.queueUrl(queue).entries(
                        e -> e.id("good").messageBody("{}").messageGroupId("g").messageDeduplicationId("probe-good"),
                        e -> e.id("bad").messageBody("{}").messageDeduplicationId("probe-bad")));
                System.out.println("SendMessageBatch successful " + answer.successful().stream()
                        .map(software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry::id).toList()
                        + " failed " + answer.failed().stream()
                        .map(f -> f.id() + ":" + f.senderFault()).toList());
            }
        }

        /** One invocation's counts flushed as an EMF document, the lines printed for the test to parse. */
        static void metrics() {
            List<String> lines = new ArrayList<>();
            io.switchboard.core.ops.Telemetry.metricsSink(lines::add);
            io.switchboard.core.ops.Telemetry.invocation(null, "jar-probe", () -> {
                io.switchboard.core.ops.Telemetry.count("probe", "ProbeCount", 2);
                return null;
            });
            lines.forEach(line -> System.out.println("emf " + line));
        }
    }

    /** The environment's settings (the endpoints), as a function reads them. */
    static io.switchboard.core.config.Settings environment() {
        return name -> java.util.Optional.ofNullable(System.getenv(name));
    }

    /** A reply to an email, as the reply engine hands it to the email sender. */
    static io.switchboard.core.outbound.OutboundMessage reply() {
        var answered = io.switchboard.core.model.ConversationEntry.builder(io.switchboard.core.model.Channel.EMAIL,
                "probe@example.com").source("/email/mime").occurredAt(java.time.Instant.now()).build();
        return new io.switchboard.core.outbound.OutboundMessage("probe-command", io.switchboard.core.model.Channel.EMAIL,
                new io.switchboard.core.outbound.ReplyRoute("/email/ses", "support@example.com", "ann@example.com"),
                "Grüße", List.of(), answered, "Re: ünïcode", null, null);
    }

    /** Its own class: verifying it loads Jakarta Mail, which only the outbound jar's sender path needs. */
    static final class CloudSes {
        /** A reply built as MIME by the jar's Jakarta Mail and sent by the email sender to the SES stand-in. */
        static void send() {
            var result = new io.switchboard.email.SesEmailSender(environment()).send(reply());
            if (result instanceof io.switchboard.core.outbound.SendResult.Sent sent) {
                System.out.println("SES sent " + sent.providerMessageId());
            } else {
                System.out.println("SES did not send: " + result);
            }
        }
    }

    /** An HTTP client that records the request it is handed and fails as if nothing listened. */
    static final class StopBeforeSendingHttp implements software.amazon.awssdk.http.SdkHttpClient {
        final List<String> uris = new ArrayList<>();

        @Override
        public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(
                software.amazon.awssdk.http.HttpExecuteRequest request) {
            String authorization = request.httpRequest().firstMatchingHeader("Authorization").orElse("");
            boolean token = request.httpRequest().firstMatchingHeader("X-Amz-Security-Token").isPresent();
            uris.add(request.httpRequest().getUri() + (authorization.contains("/us-east-1/ses/aws4_request")
                    ? token ? " signed with the session token" : " signed without the session token" : " unsigned"));
            return new Stopped();
        }

        @Override
        public void close() {
        }

        static final class Stopped implements software.amazon.awssdk.http.ExecutableHttpRequest {
            @Override
            public software.amazon.awssdk.http.HttpExecuteResponse call() throws java.io.IOException {
                throw new java.net.ConnectException("stopped before sending");
            }

            @Override
            public void abort() {
            }
        }
    }

    /**
     * SES v2 SendEmail with raw MIME, through the email sender with no endpoint setting: the region's public
     * endpoint, signed with the environment's credentials (as Lambda gives a function its role's), stopped at the
     * HTTP client.
     */
    static final class Ses {
        static void send() {
            StopBeforeSendingHttp stop = new StopBeforeSendingHttp();
            var result = new io.switchboard.email.SesEmailSender(environment(), stop).send(reply());
            System.out.println("sent SendEmail to " + stop.uris.get(stop.uris.size() - 1) + " ("
                    + result.getClass().getSimpleName() + ")");
        }
    }
}
