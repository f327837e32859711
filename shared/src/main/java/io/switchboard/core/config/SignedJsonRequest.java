package io.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.GeneratedPartitionMetadataProvider;
import software.amazon.awssdk.regions.Region;

/**
 * One SigV4-signed JSON POST to an AWS service over the functions' SDK HTTP client, for a service a function calls
 * one operation of (Secrets Manager's GetSecretValue, SES v2's SendEmail): the generated SDK client of such a service
 * loads every operation's classes, most of a megabyte of the jar for one call. Signing is the SDK's own SigV4 signer:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
 *
 * <p>The answer's error type is read as the AWS JSON protocols (JSON 1.1 and REST-JSON) carry it: the
 * {@code X-Amzn-ErrorType} header, else the body's {@code __type}, else its {@code code}; a header value may be
 * followed by {@code :<more>} and a body value may be namespaced ({@code aws.example#Name}), the type is the name.
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization and
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization
 */
public final class SignedJsonRequest {

    /** What the service answered: the HTTP status, its error type (null where none is named) and the JSON body. */
    public record Answer(int status, String errorType, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The error type, else {@code HTTP<status>}: a proxy's or load balancer's error names none. */
        public String errorCode() {
            return errorType != null ? errorType : "HTTP" + status;
        }

        /** The error's message ({@code message}, or {@code Message} as some services spell it), or "". */
        public String message() {
            return body.path("message").asText(body.path("Message").asText(""));
        }
    }

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final String signingName;
    private final URI endpoint;

    /** @param endpoint the service endpoint (scheme, host, port and any base path) */
    public SignedJsonRequest(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, String signingName,
                             URI endpoint) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.signingName = signingName;
        this.endpoint = endpoint;
    }

    /**
     * Region, credentials and endpoint as {@link AwsClientFactory} gives every SDK client: the endpoint is
     * {@code AWS_ENDPOINT_URL_<serviceEnvName>}, else {@code AWS_ENDPOINT_URL}, else the region's public endpoint
     * ({@link #publicEndpoint}).
     */
    public static SignedJsonRequest forService(Settings settings, String serviceEnvName, String endpointPrefix,
                                               String signingName, SdkHttpClient http) {
        Region region = AwsClientFactory.region(settings);
        URI endpoint = AwsClientFactory.endpoint(settings, serviceEnvName).map(URI::create)
                .orElseGet(() -> publicEndpoint(endpointPrefix, region));
        return new SignedJsonRequest(http, AwsClientFactory.credentials(settings), region, signingName, endpoint);
    }

    /**
     * {@code https://<prefix>.<region>.<domain>}: amazonaws.com, or the region's partition's domain (amazonaws.com.cn
     * in China), e.g. https://docs.aws.amazon.com/general/latest/gr/asm.html and
     * https://docs.aws.amazon.com/general/latest/gr/ses.html. The domain comes from the SDK's partition table, not
     * from {@code RegionMetadata}, which loads the SDK's service metadata: the function jars leave that out.
     */
    public static URI publicEndpoint(String endpointPrefix, Region region) {
        String domain = new GeneratedPartitionMetadataProvider().partitionMetadata(region).dnsSuffix();
        return URI.create("https://" + endpointPrefix + "." + region.id() + "." + domain);
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * POSTs {@code body} to {@code path} (after the endpoint's own path), signed, with these headers besides the
     * signature's; answers whatever the service answered.
     *
     * @throws IOException when no answer came (not connected, timed out, the connection dropped)
     */
    public Answer post(String path, String contentType, Map<String, String> headers, JsonNode body) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(base + path)
                .putHeader("Content-Type", contentType)
                .putHeader("Content-Length", String.valueOf(bytes.length));
        headers.forEach(request::putHeader);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null))
                .build()).call();
        JsonNode answer = read(response);
        return new Answer(response.httpResponse().statusCode(), errorType(response, answer), answer);
    }

    private static String errorType(HttpExecuteResponse response, JsonNode answer) {
        String header = response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse("");
        if (!header.isBlank()) {
            int colon = header.indexOf(':');
            return (colon < 0 ? header : header.substring(0, colon)).trim();
        }
        String type = answer.path("__type").asText(answer.path("code").asText(""));
        return type.isBlank() ? null : type.substring(type.lastIndexOf('#') + 1);
    }

    private static JsonNode read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        try (InputStream in = response.responseBody().get()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? Json.MAPPER.createObjectNode()
                    : Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            // A proxy's or load balancer's error page: the status alone says what happened.
            return Json.MAPPER.createObjectNode();
        }
    }
}
