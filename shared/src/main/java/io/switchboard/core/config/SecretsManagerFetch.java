package io.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;

/**
 * Secrets Manager's GetSecretValue as one SigV4-signed POST over the functions' SDK HTTP client, instead of the
 * Secrets Manager SDK client: a function reads one secret every few minutes, and that client's model classes were
 * half a megabyte of every function's jar. The request and answer follow the API reference (JSON 1.1 protocol,
 * {@code X-Amz-Target: secretsmanager.GetSecretValue}, {@code {"SecretId": ...}} in, {@code SecretString} out;
 * errors carry their code in {@code __type}):
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html and
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html. Signing is the SDK's own
 * SigV4 signer (signing name {@code secretsmanager}):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
 */
final class SecretsManagerFetch implements Function<String, String> {

    static final String SIGNING_NAME = "secretsmanager";

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final URI endpoint;

    /** @param endpoint the service endpoint, or null for the region's public one */
    SecretsManagerFetch(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, URI endpoint) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint != null ? endpoint : publicEndpoint(region);
    }

    /** https://docs.aws.amazon.com/general/latest/gr/asm.html: secretsmanager.REGION.amazonaws.com (.com.cn in China). */
    static URI publicEndpoint(Region region) {
        RegionMetadata metadata = RegionMetadata.of(region);
        String domain = metadata == null ? "amazonaws.com" : metadata.domain();
        return URI.create("https://secretsmanager." + region.id() + "." + domain);
    }

    /** The secret's string, or an {@link AwsServiceException} with the service's error code. */
    @Override
    public String apply(String secretId) {
        byte[] body = Json.MAPPER.createObjectNode().put("SecretId", secretId).toString().getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath())
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "secretsmanager.GetSecretValue")
                .putHeader("Content-Length", String.valueOf(body.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            int status = response.httpResponse().statusCode();
            JsonNode answer = read(response);
            if (status / 100 == 2 && answer.path("SecretString").isTextual()) {
                return answer.path("SecretString").asText();
            }
            throw AwsServiceException.builder()
                    .statusCode(status)
                    .awsErrorDetails(AwsErrorDetails.builder().serviceName("SecretsManager")
                            .errorCode(errorCode(answer, status)).build())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("GetSecretValue did not answer", e);
        }
    }

    /** {@code __type} may be namespaced ({@code com.amazonaws...#ResourceNotFoundException}); the code is the name. */
    private static String errorCode(JsonNode answer, int status) {
        String type = answer.path("__type").asText("");
        if (type.isEmpty()) {
            return status / 100 == 2 ? "NoSecretString" : "HTTP" + status;
        }
        return type.substring(type.lastIndexOf('#') + 1);
    }

    private static JsonNode read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        try (InputStream in = response.responseBody().get()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            // A proxy's or load balancer's error page: the status alone says what happened.
            return Json.MAPPER.createObjectNode();
        }
    }
}
