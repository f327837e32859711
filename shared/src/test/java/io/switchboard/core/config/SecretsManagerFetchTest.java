package io.switchboard.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;

/**
 * The signed GetSecretValue call, against a stand-in that records what it was sent and answers as the API
 * reference shows (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
 */
class SecretsManagerFetchTest {

    private HttpServer server;
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:111122223333:secret:switchboard\","
            + "\"Name\":\"switchboard\",\"SecretString\":\"{\\\"WHATSAPP_APP_SECRET\\\":\\\"from-aws\\\"}\"}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            var headers = exchange.getRequestHeaders();
            received.add(Map.of(
                    "method", exchange.getRequestMethod(),
                    "path", exchange.getRequestURI().getPath(),
                    "target", String.valueOf(headers.getFirst("X-Amz-Target")),
                    "contentType", String.valueOf(headers.getFirst("Content-Type")),
                    "authorization", String.valueOf(headers.getFirst("Authorization")),
                    "token", String.valueOf(headers.getFirst("X-Amz-Security-Token")),
                    "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void theFunctionsSecret_isReadWithOneSignedGetSecretValue() throws IOException {
        Settings settings = Settings.of(Map.of(
                Settings.SECRET_ID, "switchboard/whatsapp",
                "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", endpoint(),
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
        Secrets secrets = new AwsClientFactory().secrets(settings, Clock.systemUTC());

        assertEquals("from-aws", secrets.require("WHATSAPP_APP_SECRET"));
        assertEquals("from-aws", secrets.require("WHATSAPP_APP_SECRET"));
        assertEquals(1, received.size(), "the secret is cached after one call");
        Map<String, String> request = received.get(0);
        assertEquals("POST", request.get("method"));
        assertEquals("/", request.get("path"));
        assertEquals("secretsmanager.GetSecretValue", request.get("target"));
        assertEquals("application/x-amz-json-1.1", request.get("contentType"));
        JsonNode body = Json.MAPPER.readTree(request.get("body"));
        assertEquals("switchboard/whatsapp", body.path("SecretId").asText());
        assertEquals(1, body.size(), "SecretId only: the current version");
        String authorization = request.get("authorization");
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), authorization);
        assertTrue(authorization.contains("/eu-west-1/secretsmanager/aws4_request"), authorization);
        assertTrue(authorization.contains("SignedHeaders=") && authorization.contains("x-amz-target"), authorization);
        assertTrue(authorization.matches(".*Signature=[0-9a-f]{64}$"), authorization);
    }

    @Test
    void aRefusal_isAnAwsServiceException_withTheServicesErrorCode() {
        status = 400;
        answer = "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}";
        var fetch = new SecretsManagerFetch(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create(),
                () -> software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create("AKID", "secret", "session-token"),
                Region.US_EAST_1, URI.create(endpoint()));

        AwsServiceException refused = assertThrows(AwsServiceException.class, () -> fetch.apply("missing"));
        assertEquals("ResourceNotFoundException", refused.awsErrorDetails().errorCode());
        assertEquals(400, refused.statusCode());
        assertEquals("session-token", received.get(0).get("token"), "temporary credentials send their session token");
    }

    @Test
    void withoutAnEndpointSetting_theRegionsPublicEndpointIsUsed() {
        assertEquals(URI.create("https://secretsmanager.us-east-1.amazonaws.com"), SecretsManagerFetch.publicEndpoint(Region.US_EAST_1));
        assertEquals(URI.create("https://secretsmanager.cn-north-1.amazonaws.com.cn"),
                SecretsManagerFetch.publicEndpoint(Region.CN_NORTH_1));
    }
}
