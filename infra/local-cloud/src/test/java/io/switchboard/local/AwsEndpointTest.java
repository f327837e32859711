package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.local.testing.Recorder;
import io.switchboard.local.testing.StreamScript;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code --aws-endpoint}: no embedded services, everything at one AWS-compatible URL (LocalStack's shape). The
 * "LocalStack" here is a small router in front of a DynamoDB Local and an ElasticMQ started by the test.
 */
class AwsEndpointTest {

    private EmbeddedDynamoDb dynamo;
    private EmbeddedSqs sqs;
    private HttpServer router;

    @BeforeEach
    void startSingleEndpoint() throws IOException {
        dynamo = new EmbeddedDynamoDb(0, null).start();
        sqs = new EmbeddedSqs(0).start();
        HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        router = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        router.setExecutor(Executors.newFixedThreadPool(8));
        router.createContext("/", exchange -> route(exchange, forward));
        router.start();
    }

    /** By the JSON protocol's X-Amz-Target: DynamoDB and DynamoDB Streams to one server, SQS to the other. */
    private void route(HttpExchange exchange, HttpClient forward) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String backend = target.startsWith("AmazonSQS") ? sqs.endpoint() : dynamo.endpoint();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            Set<String> restricted = Set.of("host", "connection", "content-length", "expect", "upgrade");
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!restricted.contains(name.toLowerCase())) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response = forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!restricted.contains(name.toLowerCase()) && !name.equalsIgnoreCase("transfer-encoding") && !name.startsWith(":")) {
                    values.forEach(value -> exchange.getResponseHeaders().add(name, value));
                }
            });
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        router.stop(0);
        sqs.close();
        dynamo.close();
    }

    @Test
    void provisionsAndRunsAgainstTheGivenEndpoint() throws Exception {
        String endpoint = "http://localhost:" + router.getAddress().getPort();
        StreamScript script = new StreamScript();
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().template(TestTemplates.testStack())
                .awsEndpoint(endpoint).singletons(List.of(script, new Recorder())))) {
            assertEquals(endpoint, cloud.dynamoDbEndpoint());
            assertEquals(endpoint, cloud.sqsEndpoint());
            assertEquals(endpoint, cloud.s3Endpoint());
            assertFalse(cloud.boundAddresses().containsKey("S3"), "no embedded S3");
            // The queue URL is whatever the service answers (ElasticMQ's own address here, LocalStack's there).
            assertEquals(sqs.endpoint() + "/000000000000/PlainQueue", cloud.queueUrl("PlainQueue"));

            Map<String, String> env = cloud.function("EchoFunction").environment();
            assertEquals(endpoint, env.get("AWS_ENDPOINT_URL"));
            assertFalse(env.containsKey("AWS_ENDPOINT_URL_DYNAMODB"));
            assertFalse(env.containsKey("AWS_ENDPOINT_URL_SQS"));
            assertFalse(env.containsKey("AWS_ENDPOINT_URL_S3"));

            HttpResponse<String> setting = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(cloud.baseUrl() + "/settings?name=AWS_ENDPOINT_URL")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(endpoint, setting.body());

            cloud.dynamoDb().putItem(b -> b.tableName("ItemsTable").item(Map.of("id", AttributeValue.fromS("remote-1"))));
            assertTrue(cloud.awaitStreamsIdle(Duration.ofSeconds(120)));
            assertEquals(List.of(List.of("remote-1")), script.batches("remote-"));

            assertThrows(UnsupportedOperationException.class, cloud::stopSqs);
        }
    }
}
