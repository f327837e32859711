package io.switchboard.it;

import io.switchboard.local.LocalCloud;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The same pipeline contract against LocalStack (DynamoDB, DynamoDB Streams, SQS; S3 for the template's bucket) through
 * Testcontainers.
 * Where no Docker engine runs, JUnit reports these tests as skipped ("disabledWithoutDocker"), never passed.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackWhatsAppPipelineTest extends WhatsAppPipelineContract {

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.SQS, LocalStackContainer.Service.S3);

    @Override
    protected PipelineCloud startCloud() {
        return PipelineCloud.start(new LocalCloud.Options().awsEndpoint(LOCALSTACK.getEndpoint().toString()));
    }
}
