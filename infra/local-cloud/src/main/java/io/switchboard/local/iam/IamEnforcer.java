package io.switchboard.local.iam;

import io.switchboard.local.iam.AwsActions.Access;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Checks each SDK call of one function against that function's policy in template.yaml before it is sent, and
 * refuses what AWS would refuse, the way AWS refuses it: an AccessDenied service error (not retried), with the
 * message IAM writes, and a log line naming the function, the action and the resource. A permission missing from
 * the template then fails here, locally and in every end-to-end test, instead of on the first deploy.
 */
public final class IamEnforcer implements ExecutionInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger("iam");

    private final FunctionPolicy policy;
    private final AwsActions actions;
    private final IamDenials denials;
    private final String roleArn;

    public IamEnforcer(FunctionPolicy policy, AwsActions actions, IamDenials denials, String accountId) {
        this.policy = policy;
        this.actions = actions;
        this.denials = denials;
        this.roleArn = "arn:aws:sts::" + accountId + ":assumed-role/" + policy.functionLogicalId() + "Role/"
                + policy.functionLogicalId();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (service == null || operation == null) {
            return;
        }
        for (Access access : actions.of(service, operation, context.request())) {
            if (!policy.allows(access.action(), access.resource())) {
                denials.record(new IamDenials.Denial(policy.functionLogicalId(), access.action(), access.resource()));
                LOG.warn("AccessDenied: function {} may not {} on {} (no statement of its Policies in template.yaml"
                        + " allows it)", policy.functionLogicalId(), access.action(), access.resource());
                throw accessDenied(service, access);
            }
        }
    }

    /**
     * The error AWS answers: DynamoDB and SQS {@code AccessDeniedException} (HTTP 400), S3 {@code AccessDenied}
     * (403); the message as IAM words it for an identity-based policy that allows nothing of the kind.
     */
    private AwsServiceException accessDenied(String service, Access access) {
        String message = "User: " + roleArn + " is not authorized to perform: " + access.action() + " on resource: "
                + access.resource() + " because no identity-based policy allows the " + access.action() + " action";
        String prefix = AwsActions.prefix(service);
        int status = prefix.equals("s3") ? 403 : 400;
        AwsErrorDetails details = AwsErrorDetails.builder()
                .errorCode(prefix.equals("s3") ? "AccessDenied" : "AccessDeniedException")
                .errorMessage(message)
                .serviceName(service)
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                .build();
        AwsServiceException.Builder builder = switch (prefix) {
            case "dynamodb" -> DynamoDbException.builder();
            case "sqs" -> SqsException.builder();
            case "s3" -> S3Exception.builder();
            default -> AwsServiceException.builder();
        };
        return builder.message(message).statusCode(status).awsErrorDetails(details).build();
    }
}
