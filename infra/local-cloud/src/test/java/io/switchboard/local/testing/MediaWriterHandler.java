package io.switchboard.local.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.function.aws.MicronautRequestHandler;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An HTTP function that keeps a request's body in the bucket its MEDIA_BUCKET setting names, under the query's key,
 * through an S3 client built the way the functions build theirs (AwsClientFactory, the context's interceptors): the
 * local cloud's IAM enforcement sees its calls. Answers 201, or S3's status and error code.
 */
public class MediaWriterHandler extends MicronautRequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Inject
    Settings settings;

    @Inject
    List<ExecutionInterceptor> interceptors;

    private S3Client s3;

    public MediaWriterHandler() {
    }

    public MediaWriterHandler(ApplicationContextBuilder builder) {
        super(builder);
    }

    @Override
    public APIGatewayV2HTTPResponse execute(APIGatewayV2HTTPEvent event) {
        String key = event.getQueryStringParameters().get("key");
        try {
            byte[] body = event.getIsBase64Encoded() ? java.util.Base64.getDecoder().decode(event.getBody())
                    : event.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            s3().putObject(b -> b.bucket(settings.require("MEDIA_BUCKET")).key(key), RequestBody.fromBytes(body));
            return answer(201, "stored");
        } catch (S3Exception refused) {
            return answer(refused.statusCode(), refused.awsErrorDetails().errorCode());
        }
    }

    private synchronized S3Client s3() {
        if (s3 == null) {
            // Path-style: the local endpoint is one host (localhost), not a host per bucket.
            s3 = AwsClientFactory.configure(S3Client.builder(), "S3", settings, interceptors).forcePathStyle(true).build();
        }
        return s3;
    }

    private static APIGatewayV2HTTPResponse answer(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "text/plain")).withBody(body).build();
    }
}
