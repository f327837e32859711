package io.switchboard.core.media;

import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Presigned S3 GET URLs (Signature Version 4 in the query string), so that a function hands out a short-lived link
 * to an object without the S3 SDK client in its jar: the signing is a few HMACs.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 *
 * <p>The URL carries X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders=host, the
 * session token when the credentials have one (Lambda's do), and any {@code response-*} overrides, all signed; the
 * payload is UNSIGNED-PAYLOAD. Whoever follows it acts as the signer: the signer needs s3:GetObject on the object.
 */
public final class S3Presigner {

    /** SigV4's upper bound of X-Amz-Expires: seven days. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final String SERVICE = "s3";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final AwsCredentialsProvider credentials;
    private final String region;
    private final S3Address address;

    /**
     * @param endpoint  the S3 endpoint without a bucket: {@code https://s3.<region>.amazonaws.com}, or a local one
     * @param pathStyle true: {@code <endpoint>/<bucket>/<key>}; false: {@code https://<bucket>.<endpoint host>/<key>}
     */
    public S3Presigner(AwsCredentialsProvider credentials, String region, URI endpoint, boolean pathStyle) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.address = new S3Address(endpoint, pathStyle);
    }

    private S3Presigner(AwsCredentialsProvider credentials, String region, S3Address address) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.address = address;
    }

    /**
     * With the region and credentials every SDK client of the functions gets ({@link AwsClientFactory}). An endpoint
     * override ({@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}: the local cloud, LocalStack) is addressed
     * path-style, since a bucket's virtual host does not resolve there; on AWS the URL is virtual-hosted
     * ({@code https://<bucket>.s3.<region>.amazonaws.com/<key>}), the style S3 recommends.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
     */
    public static S3Presigner forFunctions(Settings settings) {
        return new S3Presigner(AwsClientFactory.credentials(settings), AwsClientFactory.region(settings).id(),
                S3Address.forFunctions(settings));
    }

    /**
     * A URL that GETs {@code key} of {@code bucket} until {@code lifetime} after {@code now}.
     *
     * @param responseOverrides query overrides of the answer's headers, e.g. {@code response-content-disposition}
     */
    public URI presignGet(String bucket, String key, Instant now, Duration lifetime, Map<String, String> responseOverrides) {
        if (lifetime.getSeconds() < 1 || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("a presigned URL lives 1 second to 7 days, not " + lifetime);
        }
        AwsCredentials identity = credentials.resolveCredentials();
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";

        String host = address.host(bucket);
        String path = address.path(bucket, key);

        // Sorted by name (all names here are ASCII, so encoded and unencoded orders agree).
        Map<String, String> query = new TreeMap<>(responseOverrides);
        query.put("X-Amz-Algorithm", ALGORITHM);
        query.put("X-Amz-Credential", identity.accessKeyId() + "/" + scope);
        query.put("X-Amz-Date", amzDate);
        query.put("X-Amz-Expires", Long.toString(lifetime.getSeconds()));
        query.put("X-Amz-SignedHeaders", "host");
        if (identity instanceof AwsSessionCredentials session) {
            query.put("X-Amz-Security-Token", session.sessionToken());
        }
        StringBuilder canonicalQuery = new StringBuilder();
        query.forEach((name, value) -> {
            if (canonicalQuery.length() > 0) {
                canonicalQuery.append('&');
            }
            canonicalQuery.append(S3Address.encode(name)).append('=').append(S3Address.encode(value));
        });

        String canonicalRequest = "GET\n" + path + "\n" + canonicalQuery + "\n"
                + "host:" + host + "\n\n"
                + "host\n"
                + "UNSIGNED-PAYLOAD";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + HEX.formatHex(sha256(canonicalRequest));
        byte[] key4 = hmac(("AWS4" + identity.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        byte[] signingKey = hmac(hmac(hmac(key4, region), SERVICE), "aws4_request");
        String signature = HEX.formatHex(hmac(signingKey, stringToSign));

        return URI.create(address.endpoint().getScheme() + "://" + host + path + "?" + canonicalQuery
                + "&X-Amz-Signature=" + signature);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always present", e);
        }
    }
}
