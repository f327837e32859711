package io.switchboard.it;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
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
 * each operation the functions call up to the wire, where an interceptor stops it; runs the SDK priming, which
 * unmarshals canned DynamoDB answers; and builds the function's handler through its no-arg constructor, whose
 * Micronaut context starts with the bean set the jar keeps. Prints one line per step; exits non-zero on a failure.
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
        if (present("software.amazon.awssdk.services.sesv2.SesV2Client")) {
            Ses.send();
        }
        if (!"-".equals(args[1])) {
            Object handler = Class.forName(args[1]).getConstructor().newInstance();
            System.out.println("built " + handler.getClass().getName());
            if (handler instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        System.out.println("ok");
        System.exit(0);
    }

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

    /** SES v2 SendEmail with raw MIME, as the email sender calls it. */
    static final class Ses {
        static void send() {
            StopBeforeSending stop = new StopBeforeSending();
            try (var client = software.amazon.awssdk.services.sesv2.SesV2Client.builder().region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).overrideConfiguration(o -> o.addExecutionInterceptor(stop)).build()) {
                expectStopped(stop, "SendEmail", () -> client.sendEmail(b -> b.fromEmailAddress("support@example.com")
                        .destination(d -> d.toAddresses("ann@example.com"))
                        .content(c -> c.raw(r -> r.data(SdkBytes.fromUtf8String("Subject: x\r\n\r\nhello"))))));
            }
        }
    }
}
