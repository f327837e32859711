package io.switchboard.core.media;

import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Writes an object to S3 with one SigV4-signed PUT (PutObject), so that a function keeps bytes without the S3 SDK
 * client in its jar. Signing is the SDK's own SigV4 signer (already in every function's jar, see
 * {@link io.switchboard.core.config.SignedJsonRequest}) set up the way S3 wants it: the payload's SHA-256 signed and
 * sent as {@code x-amz-content-sha256}, the path neither normalized nor encoded twice.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 *
 * <p>A PUT to the same key replaces the object: a retried webhook writes its attachments again under the same keys.
 * The signer needs s3:PutObject on the object.
 */
public final class S3ObjectWriter {

    private static final HexFormat HEX = HexFormat.of();

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final S3Address address;
    private final Clock clock;

    /**
     * @param endpoint  the S3 endpoint without a bucket (see {@link S3Presigner})
     * @param pathStyle true: {@code <endpoint>/<bucket>/<key>}; false: virtual-hosted
     */
    public S3ObjectWriter(SdkHttpClient http, AwsCredentialsProvider credentials, String region, java.net.URI endpoint,
                          boolean pathStyle, Clock clock) {
        this(http, credentials, region, new S3Address(endpoint, pathStyle), clock);
    }

    private S3ObjectWriter(SdkHttpClient http, AwsCredentialsProvider credentials, String region, S3Address address,
                           Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.address = address;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** With the functions' region, credentials and S3 endpoint (as {@link S3Presigner#forFunctions}). */
    public static S3ObjectWriter forFunctions(Settings settings, SdkHttpClient http) {
        return new S3ObjectWriter(http, AwsClientFactory.credentials(settings), AwsClientFactory.region(settings).id(),
                S3Address.forFunctions(settings), Clock.systemUTC());
    }

    /**
     * PUTs {@code bytes} as {@code key} of {@code bucket}, served later with {@code contentType}.
     *
     * @throws IOException when S3 did not store it: no answer, or an answer other than 2xx (the caller's provider
     *                     retries the webhook; a later PUT to the same key replaces whatever was written)
     */
    public void put(String bucket, String key, byte[] bytes, String contentType) throws IOException {
        SignedRequest signed = sign(bucket, key, bytes,
                Map.of("Content-Type", contentType, "Content-Length", String.valueOf(bytes.length)));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null))
                .build()).call();
        int status = response.httpResponse().statusCode();
        if (response.responseBody().isPresent()) {
            try (InputStream body = response.responseBody().get()) {
                body.readAllBytes();
            }
        }
        if (status / 100 != 2) {
            // S3's error code is in the body; the status is enough to decide (the key names no person).
            throw new IOException("S3 PutObject answered " + status);
        }
    }

    /** The signed PUT with these headers besides the signature's (package-private for the signature's test). */
    SignedRequest sign(String bucket, String key, byte[] bytes, Map<String, String> headers) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .uri(address.uri(bucket, key))
                // S3 refuses a signed request without it; the same hash is the canonical request's payload hash.
                .putHeader("x-amz-content-sha256", HEX.formatHex(sha256(bytes)));
        headers.forEach(request::putHeader);
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock)
                // S3 signs the path as sent: encoded once, "." and ".." kept.
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
