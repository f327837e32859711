package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The local cloud's edges against a web page the developer happens to visit, on the embedded cloud with the project's
 * template: a foreign Host (DNS rebinding) and a foreign Origin (cross-site forgery) are refused on every port it
 * serves, every server listens on the loopback interface only, the console's state needs the token and holds none,
 * the gateway's own errors are problem documents that name no file, and a replay goes to subscriber queues only.
 * Requests are written on a plain socket: the JDK's HTTP client does not let a caller set Host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalCloudEdgesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVIL_HOST = "evil.example";
    private static final String SAMPLE = "whatsapp-text-message";

    private LocalCloud cloud;
    private String token;

    @BeforeAll
    void start() {
        Map<String, String> settings = new HashMap<>(Main.settings(Map.of(), Map.of(), new LinkedHashSet<>()));
        token = settings.get("SWITCHBOARD_API_TOKEN");
        cloud = LocalCloud.start(new LocalCloud.Options().env(settings));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    // ------------------------------------------------------------------ Host

    @Test
    void givenAForeignHost_whenAnyPortOfTheLocalCloudIsAsked_thenItAnswers421WithAProblemAndDoesNothing() throws Exception {
        int webhooks = cloud.recorder().webhooks().size();
        int sent = cloud.standIns().requests().size();
        int gateway = port(cloud.baseUrl());
        for (String host : List.of(EVIL_HOST, EVIL_HOST + ":" + gateway, "localhost.evil.example", "127.0.0.2",
                "localhost:evil.example", "localhost:3000@" + EVIL_HOST)) {
            Map<String, String> headers = Map.of("Host", host, "Authorization", "Bearer " + token);
            for (String path : List.of("/console", "/console/state", "/health", "/v1/customers?phone=%2B14155550100")) {
                assertProblem(request(gateway, "GET", path, headers, null), 421, "foreign-host");
            }
            assertProblem(request(gateway, "POST", "/webhooks/whatsapp", withJson(headers), "{}"), 421, "foreign-host");
            assertProblem(request(port(cloud.standIns().baseUrl()), "POST", "/v21.0/106540352242922/messages",
                    withJson(headers), "{\"messaging_product\":\"whatsapp\"}"), 421, "foreign-host");
            assertProblem(request(port(cloud.sqsEndpoint()), "POST", "/", sqsForm(host, null),
                    sendCommandForm()), 421, "foreign-host");
            assertProblem(request(port(cloud.s3Endpoint()), "GET", "/" + cloud.bucketName("MediaBucket"),
                    Map.of("Host", host), null), 421, "foreign-host");
            Answer dynamoDb = request(port(cloud.dynamoDbEndpoint()), "POST", "/", dynamoDb(host), "{}");
            if (host.startsWith("localhost:")) {
                // No host:port at all: DynamoDB Local's Jetty refuses it itself, before the guard sees it.
                assertEquals(400, dynamoDb.status(), dynamoDb.body());
            } else {
                assertProblem(dynamoDb, 421, "foreign-host");
            }
        }
        assertEquals(webhooks, cloud.recorder().webhooks().size(), "a refused request reached a function");
        assertEquals(sent, cloud.standIns().requests().size(), "a refused request reached a stand-in");
    }

    @Test
    void givenNoOriginAndALoopbackHost_whenElasticMqIsPostedAQueryProtocolForm_thenItGoesThroughItsGuard() throws Exception {
        int sqs = port(cloud.sqsEndpoint());
        Answer answer = request(sqs, "POST", "/", sqsForm("localhost:" + sqs, null),
                "Action=GetQueueUrl&QueueName=switchboard-events.fifo");
        assertEquals(200, answer.status(), answer.body());
        assertTrue(answer.body().contains(cloud.queueUrl("EventsQueue")), answer.body());
    }

    @Test
    void givenALoopbackHostWithOrWithoutAPort_whenTheGatewayIsAsked_thenItAnswers() throws Exception {
        int gateway = port(cloud.baseUrl());
        for (String host : List.of("localhost", "localhost:" + gateway, "LOCALHOST:" + gateway, "127.0.0.1",
                "127.0.0.1:" + gateway, "[::1]", "[::1]:" + gateway)) {
            Answer health = request(gateway, "GET", "/health", Map.of("Host", host), null);
            assertEquals(200, health.status(), host + ": " + health.body());
        }
        // and DynamoDB Local, behind the same check, still serves the SDK (Host: localhost:PORT)
        assertFalse(cloud.dynamoDb().listTables().tableNames().isEmpty());
    }

    // ------------------------------------------------------------------ Origin

    @Test
    void givenAnotherOriginOrNull_whenItPostsAnywhereStateChanges_thenItIsRefused403AndNothingIsSent() throws Exception {
        int webhooks = cloud.recorder().webhooks().size();
        int sent = cloud.standIns().requests().size();
        int gateway = port(cloud.baseUrl());
        for (String origin : List.of("https://evil.example", "null", "http://localhost:" + (gateway + 1),
                "http://localhost." + ":" + gateway)) {
            Map<String, String> headers = Map.of("Host", "localhost:" + gateway, "Origin", origin,
                    "Authorization", "Bearer " + token);
            assertProblem(request(gateway, "POST", "/console/samples/" + SAMPLE, headers, ""), 403, "cross-origin");
            assertProblem(request(gateway, "POST", "/webhooks/whatsapp", withJson(headers), "{}"), 403, "cross-origin");
            assertProblem(request(gateway, "POST", "/v1/customers/x/messages", withJson(headers), "{}"), 403,
                    "cross-origin");
            int standIns = port(cloud.standIns().baseUrl());
            assertProblem(request(standIns, "POST", "/v21.0/106540352242922/messages",
                    withJson(Map.of("Host", "127.0.0.1:" + standIns, "Origin", origin)),
                    "{\"messaging_product\":\"whatsapp\"}"), 403, "cross-origin");
            int dynamoDb = port(cloud.dynamoDbEndpoint());
            Map<String, String> amz = new LinkedHashMap<>(dynamoDb("localhost:" + dynamoDb));
            amz.put("Origin", origin);
            assertProblem(request(dynamoDb, "POST", "/", amz, "{}"), 403, "cross-origin");
            // A form another site posts to ElasticMQ: a send command on the commands queue.
            int sqs = port(cloud.sqsEndpoint());
            assertProblem(request(sqs, "POST", "/", sqsForm("localhost:" + sqs, origin), sendCommandForm()), 403,
                    "cross-origin");
            // A form or fetch of another site that would store an object.
            int s3 = port(cloud.s3Endpoint());
            assertProblem(request(s3, "PUT", "/" + cloud.bucketName("MediaBucket") + "/c/e/0",
                    Map.of("Host", "localhost:" + s3, "Origin", origin, "Content-Type", "text/plain"), "hello"), 403,
                    "cross-origin");
        }
        assertEquals(0, cloud.s3().listObjectsV2(b -> b.bucket(cloud.bucketName("MediaBucket"))).keyCount());
        assertEquals("0", visibleMessages("CommandsQueue"));
        assertEquals(webhooks, cloud.recorder().webhooks().size(), "a refused request reached a function");
        assertEquals(sent, cloud.standIns().requests().size(), "a refused request reached a stand-in");
    }

    @Test
    void givenTheConsolesOwnOrigin_whenItSendsASample_thenTheSampleGoesThrough() throws Exception {
        int gateway = port(cloud.baseUrl());
        for (String origin : List.of("http://localhost:" + gateway, "http://127.0.0.1:" + gateway)) {
            Answer answer = request(gateway, "POST", "/console/samples/" + SAMPLE, Map.of("Host", "localhost:" + gateway,
                    "Origin", origin, "Authorization", "Bearer " + token), "");
            assertEquals(200, answer.status(), answer.body());
            assertEquals(200, JSON.readTree(answer.body()).path("status").asInt(), answer.body());
        }
    }

    // ------------------------------------------------------------------ the console's token

    @Test
    void givenNoOrAWrongToken_whenTheConsoleStateOrASampleIsAsked_then401AndNoState() throws Exception {
        int gateway = port(cloud.baseUrl());
        for (Map<String, String> headers : List.of(Map.of("Host", "localhost:" + gateway),
                Map.of("Host", "localhost:" + gateway, "Authorization", "Bearer " + token + "x"))) {
            Answer state = request(gateway, "GET", "/console/state", headers, null);
            assertProblem(state, 401, "unauthorized");
            assertTrue(state.headers().getOrDefault("www-authenticate", "").startsWith("Bearer"), state.headers().toString());
            assertProblem(request(gateway, "POST", "/console/samples/" + SAMPLE, headers, ""), 401, "unauthorized");
        }
    }

    @Test
    void givenTheToken_whenTheConsoleStateIsAsked_thenItAnswersWithoutTheToken() throws Exception {
        int gateway = port(cloud.baseUrl());
        Answer state = request(gateway, "GET", "/console/state", Map.of("Host", "localhost:" + gateway,
                "Authorization", "Bearer " + token), null);
        assertEquals(200, state.status(), state.body());
        JsonNode json = JSON.readTree(state.body());
        assertEquals("/v1", json.path("api").path("base").asText());
        assertFalse(state.body().contains(token), "the state hands out the API token");
    }

    @Test
    void givenALoopbackHost_whenTheConsolePageIsAsked_thenItCarriesTheTokenAndMayNotBeFramed() throws Exception {
        int gateway = port(cloud.baseUrl());
        Answer page = request(gateway, "GET", "/console", Map.of("Host", "localhost:" + gateway), null);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<meta name=\"switchboard-token\" content=\"" + token + "\">"), page.body());
        assertEquals("frame-ancestors 'none'", page.headers().get("content-security-policy"));
        assertEquals("same-origin", page.headers().get("cross-origin-resource-policy"));
    }

    // ------------------------------------------------------------------ loopback only

    @Test
    void everyServerOfTheLocalCloudListensOnTheLoopbackInterfaceOnly() throws Exception {
        Map<String, List<InetSocketAddress>> bound = cloud.boundAddresses();
        assertEquals(List.of("gateway", "provider stand-ins", "DynamoDB Local", "ElasticMQ", "S3"), List.copyOf(bound.keySet()));
        List<Integer> ports = new ArrayList<>();
        bound.forEach((server, addresses) -> {
            assertFalse(addresses.isEmpty(), server + " listens nowhere");
            for (InetSocketAddress address : addresses) {
                assertTrue(address.getAddress().isLoopbackAddress(), server + " listens on " + address);
                ports.add(address.getPort());
            }
        });
        // Where this machine has another interface, its address does not reach them (this machine only).
        for (InetAddress own : ownNonLoopbackAddresses()) {
            for (int port : ports) {
                assertThrows(ConnectException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(own, port), 10_000);
                    }
                }, "port " + port + " answers on " + own);
            }
        }
    }

    // ------------------------------------------------------------------ error shapes

    @Test
    void givenAPathNoRouteHas_thenTheGatewayAnswers404AsAProblem() throws Exception {
        int gateway = port(cloud.baseUrl());
        assertProblem(request(gateway, "GET", "/nowhere", Map.of("Host", "localhost:" + gateway), null), 404, "not-found");
        assertProblem(request(gateway, "GET", "/console/nowhere", Map.of("Host", "localhost:" + gateway), null), 404,
                "not-found");
    }

    @Test
    void givenAPathServedForOtherMethods_thenTheGatewayAnswers405WithAllow() throws Exception {
        int gateway = port(cloud.baseUrl());
        Map<String, String> host = Map.of("Host", "localhost:" + gateway);
        Answer webhook = request(gateway, "PUT", "/webhooks/whatsapp", withJson(host), "{}");
        assertProblem(webhook, 405, "method-not-allowed");
        assertEquals("GET, POST", webhook.headers().get("allow"));
        Answer state = request(gateway, "POST", "/console/state", host, "");
        assertProblem(state, 405, "method-not-allowed");
        assertEquals("GET, HEAD", state.headers().get("allow"));
        Answer sample = request(gateway, "GET", "/console/samples/" + SAMPLE, host, null);
        assertProblem(sample, 405, "method-not-allowed");
        assertEquals("POST", sample.headers().get("allow"));
        Answer health = request(gateway, "DELETE", "/health", host, null);
        assertProblem(health, 405, "method-not-allowed");
        assertEquals("GET, HEAD", health.headers().get("allow"));
    }

    @Test
    void givenASampleThatDoesNotExist_thenTheAnswerIsA404ProblemThatNamesNoFile() throws Exception {
        int gateway = port(cloud.baseUrl());
        Answer answer = request(gateway, "POST", "/console/samples/no-such-sample", Map.of("Host", "localhost:" + gateway,
                "Authorization", "Bearer " + token), "");
        assertProblem(answer, 404, "not-found");
        String projectDirectory = TestTemplates.project().toAbsolutePath().getParent().toString();
        assertFalse(answer.body().contains(projectDirectory), answer.body());
        assertFalse(answer.body().contains(System.getProperty("user.dir")), answer.body());
    }

    // ------------------------------------------------------------------ replay

    @Test
    void givenAQueueThatIsNoSubscriber_whenReplayed_thenTheCommandRefusesItInOneLineAndSendsNothing() {
        String events = cloud.queueUrl("EventsQueue");
        List<String> refused = List.of(cloud.queueUrl("CommandsQueue"), cloud.queueUrl("FanoutFailuresQueue"),
                events.replace("/" + TemplateModel.ACCOUNT_ID + "/", "/123456789012/"),
                "https://sqs.us-east-1.amazonaws.com/123456789012/switchboard-events.fifo");
        for (String queueUrl : refused) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = ReplayCommand.run(new String[] {"--queue-url", queueUrl, "--customer", "c-1",
                    "--dynamodb-endpoint", cloud.dynamoDbEndpoint(), "--sqs-endpoint", cloud.sqsEndpoint(),
                    "--template", TestTemplates.project().toString()}, new PrintStream(out, true), new PrintStream(err, true));
            String error = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, exit, queueUrl + ": " + error);
            assertEquals(1, error.strip().lines().count(), error);
            assertTrue(error.startsWith("replay: " + queueUrl + " is not a subscriber queue"), error);
            assertTrue(error.contains("arn:aws:sqs:us-east-1:000000000000:switchboard-events.fifo"), error);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void givenTheEventsQueue_whenReplayedForAnUnknownCustomer_thenItGetsPastTheQueueCheck() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ReplayCommand.run(new String[] {"--queue-url", cloud.queueUrl("EventsQueue"), "--customer",
                "no-such-customer", "--dynamodb-endpoint", cloud.dynamoDbEndpoint(), "--sqs-endpoint", cloud.sqsEndpoint(),
                "--template", TestTemplates.project().toString()}, new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true));
        String error = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, error);
        assertTrue(error.startsWith("replay: no customer no-such-customer"), error);
    }

    // ------------------------------------------------------------------ helpers

    /** An HTTP/1.1 answer: status, headers (lower-case names) and body. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    private static void assertProblem(Answer answer, int status, String code) throws IOException {
        assertEquals(status, answer.status(), answer.body());
        assertEquals(LocalProblem.CONTENT_TYPE, answer.headers().get("content-type"), answer.headers().toString());
        JsonNode problem = JSON.readTree(answer.body());
        assertEquals("urn:switchboard:problem:" + code, problem.path("type").asText(), answer.body());
        assertEquals(status, problem.path("status").asInt(), answer.body());
    }

    private static Map<String, String> withJson(Map<String, String> headers) {
        Map<String, String> json = new LinkedHashMap<>(headers);
        json.put("Content-Type", "application/json");
        return json;
    }

    /** A DynamoDB ListTables call as the SDK frames it (unsigned: the Host check comes first). */
    private static Map<String, String> dynamoDb(String host) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host);
        headers.put("Content-Type", "application/x-amz-json-1.0");
        headers.put("X-Amz-Target", "DynamoDB_20120810.ListTables");
        return headers;
    }

    /** What a browser sends for a plain HTML form: no preflight, and ElasticMQ takes it (SQS's query protocol). */
    private static Map<String, String> sqsForm(String host, String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host);
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        if (origin != null) {
            headers.put("Origin", origin);
        }
        return headers;
    }

    private String sendCommandForm() {
        return "Action=SendMessage&QueueUrl=" + java.net.URLEncoder.encode(cloud.queueUrl("CommandsQueue"),
                StandardCharsets.UTF_8) + "&MessageBody=%7B%7D&MessageGroupId=g&MessageDeduplicationId=" + System.nanoTime();
    }

    private String visibleMessages(String queueId) {
        return cloud.sqs().getQueueAttributes(b -> b.queueUrl(cloud.queueUrl(queueId))
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum() + "";
    }

    private static int port(String baseUrl) {
        return java.net.URI.create(baseUrl).getPort();
    }

    /** One request on its own connection to 127.0.0.1:port, exactly these headers, read to the end. */
    private static Answer request(int port, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        assertNotEquals(-1, end, "no HTTP answer: " + text);
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            // Sizes count bytes; these bodies are ASCII.
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static List<InetAddress> ownNonLoopbackAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (network.isUp() && !network.isLoopback()) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        addresses.add(address);
                    }
                }
            }
        }
        return addresses;
    }
}
