package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.switchboard.local.testing.Recorder;
import io.switchboard.local.testing.StreamScript;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The gateway serving the test stack's HttpApi routes with API Gateway payload 2.0 events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpGatewayTest {

    private final Recorder recorder = new Recorder();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private LocalCloud cloud;

    @BeforeAll
    void start() {
        cloud = LocalCloud.start(new LocalCloud.Options()
                .template(TestTemplates.testStack())
                .env(Map.of("TEST_APP_SECRET", "s3cret"))
                .singletons(List.of(recorder, new StreamScript()))
                .streamPoller(false));
    }

    @AfterAll
    void stop() {
        cloud.close();
    }

    private HttpRequest.Builder request(String pathAndQuery, String testId) {
        return HttpRequest.newBuilder(URI.create(cloud.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(120))
                .header("X-Test-Id", testId);
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private APIGatewayV2HTTPEvent recorded(String testId) {
        return recorder.event(testId).orElseThrow(() -> new AssertionError("the handler got no event " + testId));
    }

    @Test
    void getWithQueryHeadersAndCookies() throws Exception {
        String id = UUID.randomUUID().toString();
        long before = System.currentTimeMillis();
        HttpResponse<byte[]> response = send(request("/echo?a=1&b=two%20words&a=3&flag", id)
                .header("X-Multi", "v1").header("X-Multi", "v2")
                .header("Cookie", "c1=v1; c2=v2")
                .header("User-Agent", "gateway-test/1.0")
                .GET().build());

        assertEquals(201, response.statusCode());
        assertEquals("{\"ok\":true}", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("GET /echo", response.headers().firstValue("x-route").orElseThrow());
        assertEquals(List.of("session=abc; Path=/", "theme=dark"), response.headers().allValues("set-cookie"));

        APIGatewayV2HTTPEvent event = recorded(id);
        assertEquals("2.0", event.getVersion());
        assertEquals("GET /echo", event.getRouteKey());
        assertEquals("/echo", event.getRawPath());
        assertEquals("a=1&b=two%20words&a=3&flag", event.getRawQueryString());
        assertEquals(Map.of("a", "1,3", "b", "two words", "flag", ""), event.getQueryStringParameters());
        assertEquals("v1,v2", event.getHeaders().get("x-multi"));
        assertEquals(id, event.getHeaders().get("x-test-id"));
        assertEquals("gateway-test/1.0", event.getHeaders().get("user-agent"));
        assertTrue(event.getHeaders().keySet().stream().allMatch(name -> name.equals(name.toLowerCase())));
        assertFalse(event.getHeaders().containsKey("cookie"), "cookies travel in their own list");
        assertEquals(List.of("c1=v1", "c2=v2"), event.getCookies());
        assertNull(event.getBody());
        assertFalse(event.getIsBase64Encoded());
        assertNull(event.getPathParameters());

        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertEquals("GET", context.getHttp().getMethod());
        assertEquals("/echo", context.getHttp().getPath());
        assertEquals("HTTP/1.1", context.getHttp().getProtocol());
        assertEquals("127.0.0.1", context.getHttp().getSourceIp());
        assertEquals("gateway-test/1.0", context.getHttp().getUserAgent());
        assertEquals("GET /echo", context.getRouteKey());
        assertEquals("$default", context.getStage());
        assertEquals("localhost", context.getDomainName());
        assertEquals("000000000000", context.getAccountId());
        assertFalse(context.getRequestId().isEmpty());
        assertTrue(context.getTimeEpoch() >= before && context.getTimeEpoch() <= System.currentTimeMillis());
    }

    @Test
    void jsonBodyIsPassedAsText() throws Exception {
        String id = UUID.randomUUID().toString();
        String json = "{\"text\":\"olá 👋\"}";
        HttpResponse<byte[]> response = send(request("/echo", id).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
        assertEquals(201, response.statusCode());
        APIGatewayV2HTTPEvent event = recorded(id);
        assertEquals("POST /echo", event.getRouteKey());
        assertEquals("POST", event.getRequestContext().getHttp().getMethod());
        assertEquals(json, event.getBody());
        assertFalse(event.getIsBase64Encoded());
        assertEquals("application/json", event.getHeaders().get("content-type"));
    }

    @Test
    void formBodyIsBase64EncodedAsApiGatewayDoes() throws Exception {
        String id = UUID.randomUUID().toString();
        String form = "From=" + URLEncoder.encode("whatsapp:+15550001", StandardCharsets.UTF_8) + "&Body=ol%C3%A1";
        send(request("/echo", id).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        APIGatewayV2HTTPEvent event = recorded(id);
        assertTrue(event.getIsBase64Encoded());
        assertEquals(form, new String(Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8));
    }

    @Test
    void binaryBodiesTravelBase64BothWays() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] bytes = {(byte) 0xff, 0, 1, (byte) 0x80};
        send(request("/echo", id).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
        APIGatewayV2HTTPEvent event = recorded(id);
        assertTrue(event.getIsBase64Encoded());
        assertArrayEquals(bytes, Base64.getDecoder().decode(event.getBody()));

        HttpResponse<byte[]> response = send(request("/binary", UUID.randomUUID().toString()).GET().build());
        assertEquals(200, response.statusCode());
        assertEquals("application/octet-stream", response.headers().firstValue("content-type").orElseThrow());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, response.body());
    }

    @Test
    void pathParametersAndRoutePrecedence() throws Exception {
        String id = UUID.randomUUID().toString();
        send(request("/items/42", id).DELETE().build());
        APIGatewayV2HTTPEvent item = recorded(id);
        assertEquals("ANY /items/{id}", item.getRouteKey());
        assertEquals(Map.of("id", "42"), item.getPathParameters());
        assertEquals("DELETE", item.getRequestContext().getHttp().getMethod());

        String literal = UUID.randomUUID().toString();
        send(request("/items/special", literal).GET().build());
        assertEquals("GET /items/special", recorded(literal).getRouteKey());

        String proxy = UUID.randomUUID().toString();
        send(request("/files/a/b/c.txt", proxy).GET().build());
        assertEquals(Map.of("proxy", "a/b/c.txt"), recorded(proxy).getPathParameters());
        assertEquals("GET /files/{proxy+}", recorded(proxy).getRouteKey());
    }

    @Test
    void givenAnUnknownPath_then404AsAProblem_andGivenAKnownPathWithAnotherMethod_then405WithAllow() throws Exception {
        HttpResponse<byte[]> unknown = send(request("/nowhere", "x").GET().build());
        assertEquals(404, unknown.statusCode());
        assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElse(null));
        assertTrue(new String(unknown.body(), StandardCharsets.UTF_8).contains("\"type\":\"urn:switchboard:problem:not-found\""));
        // A known path with a method no route has.
        HttpResponse<byte[]> wrongMethod = send(request("/echo", "x").PUT(HttpRequest.BodyPublishers.ofString("x")).build());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("GET, POST", wrongMethod.headers().firstValue("Allow").orElse(null));
        assertEquals("application/problem+json", wrongMethod.headers().firstValue("Content-Type").orElse(null));
    }

    @Test
    void handlerExceptionsGet502AsAProblem() throws Exception {
        HttpResponse<byte[]> response = send(request("/boom", "x").GET().build());
        assertEquals(502, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(null));
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("\"status\":502"));
    }

    @Test
    void handlersGetTheResolvedTemplateEnvironmentAndOverrides() throws Exception {
        assertEquals("s3cret", setting("TEST_APP_SECRET"));
        assertEquals("ItemsTable", setting("ITEMS_TABLE"));
        assertEquals(cloud.queueUrl("WorkQueue"), setting("WORK_QUEUE_URL"));
        assertEquals(cloud.sqsEndpoint() + "/000000000000/switchboard-work.fifo", cloud.queueUrl("WorkQueue"));
        assertEquals("arn:aws:sqs:us-east-1:000000000000:switchboard-work.fifo", setting("WORK_QUEUE_ARN"));
        assertEquals(cloud.dynamoDbEndpoint(), setting("AWS_ENDPOINT_URL_DYNAMODB"));
        assertEquals(cloud.sqsEndpoint(), setting("AWS_ENDPOINT_URL_SQS"));
        assertEquals("us-east-1", setting("AWS_REGION"));
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/" + cloud.tableName("ItemsTable"), setting("TABLE_ARN"));
        assertEquals(System.getenv().getOrDefault("SWITCHBOARD_SECRET_ID", "<unset>"), setting("SWITCHBOARD_SECRET_ID"));
    }

    private String setting(String name) throws Exception {
        HttpResponse<byte[]> response = send(request("/settings?name=" + name, "settings").GET().build());
        assertEquals(200, response.statusCode());
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void concurrentRequestsAreServedInParallel() {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "concurrent-" + i + "-" + UUID.randomUUID();
            ids.add(id);
            responses.add(http.sendAsync(request("/echo", id).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(201, responses.get(i).join().statusCode());
            assertEquals("{\"n\":" + i + "}", recorded(ids.get(i)).getBody());
        }
    }

    @Test
    void matchPathHandlesTemplates() {
        assertEquals(Map.of(), HttpGateway.matchPath("/a/b", "/a/b"));
        assertNull(HttpGateway.matchPath("/a/b", "/a/b/c"));
        assertNull(HttpGateway.matchPath("/a/{x}", "/a/"));
        assertEquals(Map.of("x", "1"), HttpGateway.matchPath("/a/{x}", "/a/1"));
        assertEquals(Map.of("rest", "1/2"), HttpGateway.matchPath("/a/{rest+}", "/a/1/2"));
        assertNull(HttpGateway.queryParameters(""));
        assertTrue(HttpGateway.isText("application/json; charset=utf-8"));
        assertTrue(HttpGateway.isText("application/cloudevents+json"));
        assertTrue(HttpGateway.isText("text/xml"));
        assertFalse(HttpGateway.isText("application/x-www-form-urlencoded"));
        assertFalse(HttpGateway.isText("multipart/form-data; boundary=x"));
        assertFalse(HttpGateway.isText(null));
    }
}
