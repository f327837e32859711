package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.bench.ColdStartProbe;
import io.switchboard.local.LocalCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The path Lambda takes and the other tests do not: a fresh JVM with only the deployable jar, the handler
 * built by its no-arg constructor from environment variables, one signed webhook stored in DynamoDB.
 */
class LambdaEntryPointTest {

    @Test
    void deployableJar_withNoArgConstructorAndEnvironment_handlesASignedWebhook() throws Exception {
        Path jar = Repository.root().resolve("functions/whatsapp/target/switchboard-whatsapp.jar");
        assertTrue(Files.exists(jar), "the package phase builds " + jar);
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().streamPoller(false))) {
            // given the environment template.yaml gives the function (endpoint instead of AWS credentials)
            Map<String, String> env = Map.of(
                    "AWS_ENDPOINT_URL_DYNAMODB", cloud.dynamoDbEndpoint(),
                    "AWS_REGION", "us-east-1",
                    "CUSTOMERS_TABLE", cloud.tableName("CustomersTable"),
                    "CONVERSATION_LOG_TABLE", cloud.tableName("ConversationLogTable"),
                    "WHATSAPP_APP_SECRET", "bench-app-secret",
                    "WHATSAPP_VERIFY_TOKEN", "unused");

            // when a fresh JVM constructs the handler as Lambda does and handles one webhook
            ColdStartProbe.Run run = ColdStartProbe.runFreshJvm(jar, env, "whatsapp", "14155550177");

            // then it answers 200 (the probe's last line) and the customer exists
            assertEquals(0, run.exitCode(), run.output());
            List<String> lines = run.output().lines().toList();
            assertTrue(lines.get(lines.size() - 1).startsWith("200 "), run.output());
            // and its log lines are JSON from the shaded jar's own log4j2 configuration: its merged plugin cache holds
            // the JSON template layout and Powertools' resolver (the request id field)
            assertTrue(lines.size() > 2, run.output());
            // the first says the function is initializing (no invocation yet, so no request id: JSON null)
            var first = io.switchboard.core.json.Json.MAPPER.readTree(lines.get(0));
            assertEquals("WhatsAppWebhookHandler: initializing", first.path("message").asText(), lines.get(0));
            assertTrue(first.path("function_request_id").isNull(), lines.get(0));
            // and every line of the invocation carries its request id
            for (String line : lines.subList(1, lines.size() - 1)) {
                var json = io.switchboard.core.json.Json.MAPPER.readTree(line);
                assertTrue(json.path("function_request_id").isTextual(), line);
            }
            assertTrue(cloud.dynamoDb().getItem(b -> b.tableName(cloud.tableName("CustomersTable"))
                    .key(Map.of("identity", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                            .fromS("phone:+14155550177")))).hasItem());
        }
    }
}
