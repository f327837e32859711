package io.switchboard.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class InitWarmUpTest {

    /** A function built as Lambda builds it: the no-arg constructor, configuration from the environment. */
    static final class EchoFunction extends LambdaFunction<String, String> {
        @Override
        protected String execute(String input) {
            return input;
        }
    }

    @Test
    void givenTheLambdaConstructor_whenInitEnds_thenTheContextsDynamoDbClientIsTheOneTheWarmUpThreadBuilt() {
        int before = InitWarmUp.HANDED_OUT.get();
        try (EchoFunction function = new EchoFunction()) {
            DynamoDbClient client = function.getApplicationContext().getBean(DynamoDbClient.class);
            assertEquals(before + 1, InitWarmUp.HANDED_OUT.get());
            // Configured as the factory configures one (region from the environment, else us-east-1).
            assertNotNull(client.serviceClientConfiguration().region());
            assertEquals("hello", function.handleRequest("hello", null));
        }
        // Taken once: a second context builds its own.
        assertNull(InitWarmUp.takeDynamoDb(AwsClientFactory.clientInputs(Settings.environment())));
    }

    @Test
    void givenSettingsOtherThanTheEnvironment_whenTheContextAsksForTheEarlyClient_thenItGetsNoneAndTheEarlyOneIsClosed() {
        InitWarmUp warmUp = InitWarmUp.start("test");
        Settings other = Settings.of(Map.of(Settings.AWS_REGION, "eu-west-3", "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:1"));
        assertNull(InitWarmUp.takeDynamoDb(AwsClientFactory.clientInputs(other)));
        warmUp.await();
        assertNull(InitWarmUp.takeDynamoDb(AwsClientFactory.clientInputs(Settings.environment())));
    }
}
