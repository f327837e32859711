package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The embedded S3 of the local cloud: the template's bucket, the SDK's calls through the guard in front of S3Proxy,
 * presigned URLs as a browser or a helpdesk follows them, multipart uploads, and where the objects live.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedS3Test {

    private static final String EVIL_HOST = "evil.example";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LocalCloud cloud;
    private String bucket;
    private S3Presigner presigner;

    @BeforeAll
    void start() {
        cloud = LocalCloud.start(new LocalCloud.Options());
        bucket = cloud.bucketName("MediaBucket");
        presigner = S3Presigner.builder()
                .endpointOverride(URI.create(cloud.s3Endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    @AfterAll
    void stop() {
        if (presigner != null) {
            presigner.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void theTemplatesBucket_isCreated_andTheFunctionsAreToldWhereS3Is() {
        assertEquals("switchboard-mediabucket", bucket);
        assertTrue(cloud.s3().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
        assertEquals(cloud.s3Endpoint(), cloud.function("WhatsAppFunction").environment().get("AWS_ENDPOINT_URL_S3"));
        assertTrue(cloud.s3Endpoint().startsWith("http://localhost:"), cloud.s3Endpoint());
    }

    @Test
    void givenTheSdksClient_whenAnObjectIsPutAndGot_thenTheBytesAndTheirTypeComeBack() {
        String key = "customer-1/entry-1/0";
        byte[] photo = randomBytes(300_000);
        cloud.s3().putObject(b -> b.bucket(bucket).key(key).contentType("image/jpeg"), RequestBody.fromBytes(photo));
        var got = cloud.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key));
        assertArrayEquals(photo, got.asByteArray());
        assertEquals("image/jpeg", got.response().contentType());
        assertEquals(List.of(key), cloud.s3().listObjectsV2(b -> b.bucket(bucket).prefix("customer-1/")).contents()
                .stream().map(o -> o.key()).toList());
        cloud.s3().deleteObject(b -> b.bucket(bucket).key(key));
        assertThrows(NoSuchKeyException.class, () -> cloud.s3().headObject(b -> b.bucket(bucket).key(key)));
    }

    @Test
    void givenAPresignedGet_whenFetchedWithPlainHttp_thenTheBytesComeWithTheDispositionItAskedFor() throws Exception {
        String key = "customer-2/entry-7/1";
        byte[] voiceNote = randomBytes(70_000);
        cloud.s3().putObject(b -> b.bucket(bucket).key(key).contentType("audio/ogg"), RequestBody.fromBytes(voiceNote));
        URL url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5)).getObjectRequest(g -> g
                .bucket(bucket).key(key).responseContentDisposition("attachment; filename=\"voice-note.ogg\""))).url();
        assertTrue(url.toString().startsWith(cloud.s3Endpoint() + "/" + bucket + "/" + key + "?"), url.toString());

        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(url.toURI()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
        assertArrayEquals(voiceNote, answer.body());
        assertEquals("attachment; filename=\"voice-note.ogg\"", answer.headers().firstValue("Content-Disposition").orElse(null));
        assertEquals("audio/ogg", answer.headers().firstValue("Content-Type").orElse(null));

        // The same URL without its signature: S3 serves nothing anonymously.
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(cloud.s3Endpoint() + "/" + bucket
                + "/" + key)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        assertTrue(unsigned.body().contains("<Code>AccessDenied</Code>"), unsigned.body());
    }

    @Test
    void givenAForgedOrExpiredPresignedUrl_whenFetched_thenItIsRefused() throws Exception {
        String key = "customer-3/entry-1/0";
        cloud.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("a document"));
        String valid = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
        assertEquals(200, get(valid).statusCode());

        // Another key under the same signature, a changed signature, another key pair's signature.
        HttpResponse<String> otherKey = get(valid.replace("/" + key + "?", "/customer-3/entry-1/1?"));
        assertEquals(403, otherKey.statusCode(), otherKey.body());
        assertTrue(otherKey.body().contains("<Code>SignatureDoesNotMatch</Code>"), otherKey.body());
        int at = valid.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        String flipped = valid.substring(0, at) + (valid.charAt(at) == '0' ? '1' : '0') + valid.substring(at + 1);
        assertEquals(403, get(flipped).statusCode());
        assertEquals(403, get(presignedAt(key, Clock.systemUTC(), "local", "not-the-secret")).statusCode());

        // Signed correctly an hour ago for one minute: expired, as S3 answers it.
        assertEquals(200, get(presignedAt(key, Clock.systemUTC(), "local", "local")).statusCode(), "control");
        HttpResponse<String> expired = get(presignedAt(key,
                Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC), "local", "local"));
        assertEquals(403, expired.statusCode(), expired.body());
        assertTrue(expired.body().contains("<Code>AccessDenied</Code>"), expired.body());
    }

    @Test
    void givenA20MegabyteMultipartUpload_whenCompleted_thenTheObjectRoundTrips() {
        String key = "customer-4/entry-2/0";
        int partSize = 5 * 1024 * 1024;
        byte[] video = randomBytes(4 * partSize);
        String uploadId = cloud.s3().createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("video/mp4")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int part = 1; part <= 4; part++) {
            int number = part;
            byte[] bytes = java.util.Arrays.copyOfRange(video, (part - 1) * partSize, part * partSize);
            String etag = cloud.s3().uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(bytes)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        cloud.s3().completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        var got = cloud.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key));
        assertEquals(video.length, got.response().contentLength());
        assertArrayEquals(video, got.asByteArray());

        // An upload given up leaves nothing behind.
        String abandoned = cloud.s3().createMultipartUpload(b -> b.bucket(bucket).key("customer-4/entry-3/0")).uploadId();
        cloud.s3().uploadPart(b -> b.bucket(bucket).key("customer-4/entry-3/0").uploadId(abandoned).partNumber(1),
                RequestBody.fromBytes(randomBytes(1024)));
        cloud.s3().abortMultipartUpload(b -> b.bucket(bucket).key("customer-4/entry-3/0").uploadId(abandoned));
        assertThrows(NoSuchKeyException.class, () -> cloud.s3().headObject(b -> b.bucket(bucket).key("customer-4/entry-3/0")));
    }

    @Test
    void givenAForeignHostOrAnotherSitesOrigin_whenS3IsAsked_thenTheGuardRefusesItAndNothingIsStored() throws Exception {
        int port = URI.create(cloud.s3Endpoint()).getPort();
        String key = "customer-5/entry-1/0";
        cloud.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("private"));
        for (String host : List.of(EVIL_HOST, EVIL_HOST + ":" + port, "localhost.evil.example", "localhost:evil.example")) {
            Answer answer = request(port, "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertEquals(421, answer.status(), answer.text());
            assertTrue(answer.text().contains("urn:switchboard:problem:foreign-host"), answer.text());
        }
        // A form or fetch of another site that would write an object.
        String put = "PUT /" + bucket + "/customer-5/entry-1/9 HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nOrigin: https://evil.example\r\nContent-Length: 5\r\n\r\nhello";
        Answer refused = request(port, put);
        assertEquals(403, refused.status(), refused.text());
        assertTrue(refused.text().contains("urn:switchboard:problem:cross-origin"), refused.text());
        assertThrows(NoSuchKeyException.class, () -> cloud.s3().headObject(b -> b.bucket(bucket).key("customer-5/entry-1/9")));
        // Not a request for a path of this server, or two Hosts: refused before S3Proxy.
        assertEquals(400, request(port, "GET http://evil.example/ HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n").status());
        assertEquals(400, request(port, "GET / HTTP/1.1\r\nHost: localhost:" + port + "\r\nHost: evil.example\r\n\r\n").status());
        // The loopback names pass (to S3's own answer: this request is not signed).
        for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port)) {
            Answer answer = request(port, "GET /" + bucket + "/" + key + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertEquals(403, answer.status(), answer.text());
            assertTrue(answer.text().contains("<Code>AccessDenied</Code>"), answer.text());
        }
    }

    @Test
    void givenADataDirectory_whenTheLocalCloudRestarts_thenTheObjectsAreStillThere(@TempDir Path dir) throws IOException {
        Path template = bucketOnlyTemplate(dir);
        Path data = dir.resolve("data");
        String name = UUID.randomUUID().toString();
        String key = "customer-6/entry-1/" + name;
        byte[] document = randomBytes(50_000);
        try (LocalCloud first = LocalCloud.start(new LocalCloud.Options().template(template).dataDir(data))) {
            first.s3().putObject(b -> b.bucket(first.bucketName("MediaBucket")).key(key).contentType("application/pdf"),
                    RequestBody.fromBytes(document));
        }
        assertFalse(filesNamed(data, name).isEmpty(), "the object is a file under " + data);
        try (LocalCloud second = LocalCloud.start(new LocalCloud.Options().template(template).dataDir(data))) {
            var got = second.s3().getObjectAsBytes(b -> b.bucket(second.bucketName("MediaBucket")).key(key));
            assertArrayEquals(document, got.asByteArray());
            assertEquals("application/pdf", got.response().contentType());
        }
    }

    @Test
    void givenNoDataDirectory_thenObjectsLiveInMemory_nothingIsWrittenToDisk_andARestartStartsEmpty(@TempDir Path dir)
            throws IOException {
        Path template = bucketOnlyTemplate(dir);
        String name = UUID.randomUUID().toString();
        String key = "customer-7/entry-1/" + name;
        try (LocalCloud first = LocalCloud.start(new LocalCloud.Options().template(template))) {
            first.s3().putObject(b -> b.bucket(first.bucketName("MediaBucket")).key(key), RequestBody.fromBytes(randomBytes(10_000)));
            assertEquals(1, first.s3().listObjectsV2(b -> b.bucket(first.bucketName("MediaBucket"))).keyCount());
            for (Path where : List.of(Path.of(System.getProperty("java.io.tmpdir")), Path.of("").toAbsolutePath(), dir)) {
                assertEquals(List.of(), filesNamed(where, name), "written under " + where);
            }
        }
        try (LocalCloud second = LocalCloud.start(new LocalCloud.Options().template(template))) {
            assertThrows(NoSuchKeyException.class, () -> second.s3().headObject(b -> b.bucket(second.bucketName("MediaBucket")).key(key)));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Path bucketOnlyTemplate(Path dir) throws IOException {
        return Files.writeString(dir.resolve("template.yaml"), """
                Resources:
                  MediaBucket:
                    Type: AWS::S3::Bucket
                """);
    }

    /** Files and directories under {@code root} whose name contains {@code part} (unreadable places skipped). */
    private static List<Path> filesNamed(Path root, String part) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attributes) {
                if (file.getFileName().toString().contains(part)) {
                    found.add(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A presigned GET signed at the clock's time, valid for one minute from then. */
    private String presignedAt(String key, Clock clock, String accessKey, String secretKey) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET)
                .uri(URI.create(cloud.s3Endpoint() + "/" + bucket + "/" + key)).build();
        return AwsV4HttpSigner.create().sign(r -> r
                .request(request)
                .identity(AwsBasicCredentials.create(accessKey, secretKey))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(1))
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request().getUri().toString();
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private record Answer(int status, Map<String, String> headers, String text) {
    }

    /** Written on a plain socket: the JDK's HTTP client does not let a caller set Host. */
    private static Answer request(int port, String raw) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            Stream.of(lines).skip(1).takeWhile(line -> !line.isEmpty()).forEach(line -> headers.put(
                    line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT), line.substring(line.indexOf(':') + 1).strip()));
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, text);
        }
    }
}
