package io.switchboard.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

class S3ObjectWriterTest {

    private static final Clock DATE = Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC);
    private static final StaticCredentialsProvider EXAMPLE_KEY = StaticCredentialsProvider.create(AwsBasicCredentials.create(
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    /**
     * AWS's PUT Object example (a key with "$", encoded once in the signature):
     * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html#example-signature-calculations
     */
    @Test
    void awsDocumentedPutExample_givesItsSignature() {
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            S3ObjectWriter writer = new S3ObjectWriter(http, EXAMPLE_KEY, "us-east-1",
                    URI.create("https://s3.amazonaws.com"), false, DATE);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Date", "Fri, 24 May 2013 00:00:00 GMT");
            headers.put("x-amz-storage-class", "REDUCED_REDUNDANCY");

            SignedRequest signed = writer.sign("examplebucket", "test$file.text",
                    "Welcome to Amazon S3.".getBytes(StandardCharsets.UTF_8), headers);

            assertEquals("https://examplebucket.s3.amazonaws.com/test%24file.text", signed.request().getUri().toString());
            assertEquals("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
                    signed.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow());
            assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                            + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                            + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
                    signed.request().firstMatchingHeader("Authorization").orElseThrow().replace(", ", ","));
        }
    }

    @Test
    void put_sendsTheBytesPathStyle_andAnErrorStatusIsAnIOException() throws IOException {
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicReference<Integer> answer = new AtomicReference<>(200);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.set(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        server.start();
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            S3ObjectWriter writer = new S3ObjectWriter(http, EXAMPLE_KEY, "us-east-1",
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort()), true, Clock.systemUTC());

            writer.put("media", "c-1/e-1/0", "bytes".getBytes(StandardCharsets.UTF_8), "image/png");
            assertEquals("PUT /media/c-1/e-1/0 image/png bytes", seen.get());

            answer.set(503);
            assertThrows(IOException.class,
                    () -> writer.put("media", "c-1/e-1/1", new byte[] {1}, "application/octet-stream"));
        } finally {
            server.stop(0);
        }
    }
}
