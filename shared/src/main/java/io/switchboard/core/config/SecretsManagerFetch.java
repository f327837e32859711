package io.switchboard.core.config;

import io.switchboard.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Secrets Manager's GetSecretValue as one SigV4-signed POST ({@link SignedJsonRequest}) over the functions' SDK HTTP
 * client, instead of the Secrets Manager SDK client: a function reads one secret every few minutes, and that client's
 * model classes were half a megabyte of every function's jar. The request and answer follow the API reference (JSON
 * 1.1 protocol, {@code X-Amz-Target: secretsmanager.GetSecretValue}, {@code {"SecretId": ...}} in,
 * {@code SecretString} out; errors carry their code in {@code __type}):
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html and
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html (signing name
 * {@code secretsmanager}).
 */
final class SecretsManagerFetch implements Function<String, String> {

    static final String SIGNING_NAME = "secretsmanager";

    private final SignedJsonRequest request;

    /** @param endpoint the service endpoint, or null for the region's public one */
    SecretsManagerFetch(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, URI endpoint) {
        this.request = new SignedJsonRequest(http, credentials, region, SIGNING_NAME,
                endpoint != null ? endpoint : publicEndpoint(region));
    }

    /** https://docs.aws.amazon.com/general/latest/gr/asm.html: secretsmanager.REGION.amazonaws.com (.com.cn in China). */
    static URI publicEndpoint(Region region) {
        return SignedJsonRequest.publicEndpoint(SIGNING_NAME, region);
    }

    /** The secret's string, or an {@link AwsServiceException} with the service's error code. */
    @Override
    public String apply(String secretId) {
        SignedJsonRequest.Answer answer;
        try {
            answer = request.post("/", "application/x-amz-json-1.1",
                    Map.of("X-Amz-Target", "secretsmanager.GetSecretValue"),
                    Json.MAPPER.createObjectNode().put("SecretId", secretId));
        } catch (IOException e) {
            throw new UncheckedIOException("GetSecretValue did not answer", e);
        }
        if (answer.ok() && answer.body().path("SecretString").isTextual()) {
            return answer.body().path("SecretString").asText();
        }
        throw AwsServiceException.builder()
                .statusCode(answer.status())
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("SecretsManager")
                        .errorCode(answer.ok() ? "NoSecretString" : answer.errorCode()).build())
                .build();
    }
}
