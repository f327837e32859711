package io.switchboard.core.media;

import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import io.switchboard.core.config.SignedJsonRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where an S3 object is addressed, for the presigner and the writer alike: path-style under an endpoint override
 * (the local cloud, LocalStack: a bucket's virtual host does not resolve there), virtual-hosted on AWS, the style S3
 * recommends. https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 *
 * @param endpoint  the S3 endpoint without a bucket: {@code https://s3.<region>.amazonaws.com}, or a local one
 * @param pathStyle true: {@code <endpoint>/<bucket>/<key>}; false: {@code https://<bucket>.<endpoint host>/<key>}
 */
record S3Address(URI endpoint, boolean pathStyle) {

    S3Address {
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * The functions' S3 endpoint: the override ({@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}) path-style,
     * else the region's public endpoint virtual-hosted.
     */
    static S3Address forFunctions(Settings settings) {
        var override = AwsClientFactory.endpoint(settings, "S3").map(URI::create);
        URI endpoint = override.orElseGet(() -> SignedJsonRequest.publicEndpoint("s3", AwsClientFactory.region(settings)));
        return new S3Address(endpoint, override.isPresent());
    }

    /** The Host header's value for {@code bucket}: the host, and the port when it is not the scheme's default. */
    String host(String bucket) {
        String host = pathStyle ? endpoint.getHost() : bucket + "." + endpoint.getHost();
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || ("https".equals(endpoint.getScheme()) && port == 443)
                || ("http".equals(endpoint.getScheme()) && port == 80);
        return defaultPort ? host : host + ":" + port;
    }

    /** The encoded path of {@code key} of {@code bucket}, after the endpoint's own path. */
    String path(String bucket, String key) {
        String basePath = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        return pathStyle ? basePath + "/" + encode(bucket) + "/" + encodePath(key) : basePath + "/" + encodePath(key);
    }

    /** The object's URL, without a query. */
    URI uri(String bucket, String key) {
        return URI.create(endpoint.getScheme() + "://" + host(bucket) + path(bucket, key));
    }

    /** An object key's path: each segment encoded, the slashes kept (S3 encodes the key once, not twice). */
    static String encodePath(String key) {
        return Arrays.stream(key.split("/", -1)).map(S3Address::encode).collect(Collectors.joining("/"));
    }

    /** SigV4's URI encoding: every byte but the unreserved characters A-Z a-z 0-9 - . _ ~ as %XY, upper-case hex. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
