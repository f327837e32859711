package io.switchboard.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class S3PresignerTest {

    private static final Instant DATE = Instant.parse("2013-05-24T00:00:00Z");
    private static final StaticCredentialsProvider EXAMPLE_KEY = StaticCredentialsProvider.create(AwsBasicCredentials.create(
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    /** AWS's example: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html#query-string-auth-v4-signing-example */
    @Test
    void awsDocumentedExample_givesItsSignatureAndUrl() {
        S3Presigner presigner = new S3Presigner(EXAMPLE_KEY, "us-east-1", URI.create("https://s3.amazonaws.com"), false);

        URI url = presigner.presignGet("examplebucket", "test.txt", DATE, Duration.ofSeconds(86400), Map.of());

        assertEquals("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", url.toString());
    }

    @Test
    void sessionCredentials_carryTheirToken_andOverridesAreSignedAndEncoded() {
        S3Presigner plain = new S3Presigner(EXAMPLE_KEY, "us-east-1", URI.create("https://s3.amazonaws.com"), false);
        S3Presigner session = new S3Presigner(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "token/with+plus=")),
                "us-east-1", URI.create("https://s3.amazonaws.com"), false);
        Map<String, String> overrides = Map.of("response-content-disposition", "attachment; filename=\"a b.pdf\"",
                "response-content-type", "application/pdf");

        String withToken = session.presignGet("examplebucket", "test.txt", DATE, Duration.ofMinutes(5), overrides).toString();
        String without = plain.presignGet("examplebucket", "test.txt", DATE, Duration.ofMinutes(5), overrides).toString();

        assertTrue(withToken.contains("&X-Amz-Security-Token=token%2Fwith%2Bplus%3D&"), withToken);
        // Sorted by code point: upper-case X-Amz-* before the lower-case response-* overrides.
        assertTrue(withToken.contains("&X-Amz-SignedHeaders=host&response-content-disposition="
                + "attachment%3B%20filename%3D%22a%20b.pdf%22&response-content-type=application%2Fpdf&X-Amz-Signature="), withToken);
        assertTrue(without.contains("X-Amz-Expires=300&"), without);
        assertTrue(!without.contains("Security-Token"), without);
        assertNotEquals(signature(withToken), signature(without), "the token is signed");
        assertNotEquals(signature(without), signature(plain.presignGet("examplebucket", "test.txt", DATE,
                Duration.ofMinutes(5), Map.of("response-content-type", "text/html")).toString()), "the overrides are signed");
    }

    @Test
    void anEndpointOverride_isPathStyleWithItsPort_andAwsIsVirtualHostedInTheRegion() {
        S3Presigner local = S3Presigner.forFunctions(Settings.of(Map.of("AWS_ENDPOINT_URL_S3", "http://localhost:4566",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000", "AWS_REGION", "eu-west-1")));
        URI url = local.presignGet("switchboard-mediabucket", "c1/e 2/0", DATE, Duration.ofSeconds(1), Map.of());
        assertEquals("http", url.getScheme());
        assertEquals("localhost:4566", url.getRawAuthority());
        assertEquals("/switchboard-mediabucket/c1/e%202/0", url.getRawPath());
        assertTrue(url.getRawQuery().contains("X-Amz-Credential=local%2F20130524%2Feu-west-1%2Fs3%2Faws4_request"), url.toString());

        // No S3 endpoint override (a local DynamoDB only makes the credentials static): the region's public endpoint.
        S3Presigner aws = S3Presigner.forFunctions(Settings.of(Map.of("AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")));
        assertEquals("switchboard-mediabucket.s3.eu-west-1.amazonaws.com",
                aws.presignGet("switchboard-mediabucket", "c1/e2/0", DATE, Duration.ofSeconds(1), Map.of()).getHost());
    }

    @Test
    void aLifetimeOutsideOneSecondToSevenDays_isRefused() {
        S3Presigner presigner = new S3Presigner(EXAMPLE_KEY, "us-east-1", URI.create("https://s3.amazonaws.com"), false);
        assertThrows(IllegalArgumentException.class, () -> presigner.presignGet("b", "k", DATE, Duration.ZERO, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> presigner.presignGet("b", "k", DATE, Duration.ofDays(7).plusSeconds(1), Map.of()));
    }

    private static String signature(String url) {
        return url.substring(url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
    }
}
