package io.switchboard.local;

import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local cloud's S3: the embedded server (or the {@code --aws-endpoint}), the cloud's own client, and the
 * template's buckets once {@link #start} created them.
 */
final class LocalS3 implements AutoCloseable {

    /** The setting a function's S3 client finds the local S3 in (the SDK's own name, as for DynamoDB and SQS). */
    static final String ENDPOINT_SETTING = Settings.AWS_ENDPOINT_URL + "_S3";

    private final EmbeddedS3 embedded;
    private final String endpoint;
    private final AwsBasicCredentials credentials;
    private volatile S3Client client;
    private volatile Map<String, String> buckets = Map.of();

    /**
     * @param awsEndpoint null for the embedded S3
     * @param dataDir     the local cloud's data directory (objects go to its s3/), null for in memory
     * @param functionEnv the settings the functions get: the embedded S3 accepts the keys their clients sign with
     */
    LocalS3(int port, String awsEndpoint, Path dataDir, Map<String, String> functionEnv) {
        // AwsClientFactory's choice for a local endpoint: the configured key pair, else "local" / "local".
        this.credentials = AwsBasicCredentials.create(nonEmpty(functionEnv.get("AWS_ACCESS_KEY_ID"), "local"),
                nonEmpty(functionEnv.get("AWS_SECRET_ACCESS_KEY"), "local"));
        if (awsEndpoint == null) {
            this.embedded = new EmbeddedS3(port, dataDir == null ? null : dataDir.resolve("s3"),
                    credentials.accessKeyId(), credentials.secretAccessKey());
            this.endpoint = embedded.endpoint();
        } else {
            this.embedded = null;
            this.endpoint = awsEndpoint;
        }
    }

    private static String nonEmpty(String value, String otherwise) {
        return value == null || value.isEmpty() ? otherwise : value;
    }

    /** Starts the embedded S3 (if it is the one) and creates the template's buckets; returns them by logical id. */
    Map<String, String> start(Provisioner provisioner, Settings clientSettings) {
        if (embedded != null) {
            embedded.start();
        }
        client = client(clientSettings);
        buckets = provisioner.provisionBuckets(client);
        return buckets;
    }

    /**
     * Path-style (http://localhost:PORT/bucket/key): a bucket's virtual host (bucket.localhost) neither resolves
     * everywhere nor passes the local cloud's Host check. Checksums only where an operation requires one: S3Proxy
     * does not read the trailing checksums the SDK sends by default since 2.30 (aws-chunked with a trailer).
     */
    private S3Client client(Settings settings) {
        return AwsClientFactory.configure(S3Client.builder(), "S3", settings, List.of())
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    String endpoint() {
        return endpoint;
    }

    boolean embedded() {
        return embedded != null;
    }

    S3Client client() {
        return client;
    }

    String bucketName(String logicalId) {
        String name = buckets.get(logicalId);
        if (name == null) {
            throw new IllegalArgumentException("the template has no bucket " + logicalId);
        }
        return name;
    }

    Map<String, String> bucketNames() {
        return buckets;
    }

    /** Empty with --aws-endpoint. */
    List<InetSocketAddress> boundAddresses() {
        return embedded == null ? List.of() : embedded.boundAddresses();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (embedded != null) {
            embedded.stop();
        }
    }
}
