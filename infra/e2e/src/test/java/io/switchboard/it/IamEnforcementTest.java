package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.local.LocalCloud;
import io.switchboard.local.TemplateModel;
import io.switchboard.local.iam.IamDenials;
import io.switchboard.local.testing.NoIamDenials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cloud enforces template.yaml's IAM policies: a function whose policy lacks an action it uses is refused
 * locally, the way AWS would refuse it on the first deploy. (That the real template allows everything every
 * end-to-end test does is checked around every test class by {@link NoIamDenials}.)
 */
@NoIamDenials.ExpectsIamDenials
class IamEnforcementTest {

    private static final String CUSTOMERS_STATEMENT =
            "Action: [dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:ConditionCheckItem]";

    @Test
    void givenAWebhookFunctionWithoutBatchGetItem_whenAMessageArrives_thenTheLookupIsDeniedAndNamed(@TempDir Path dir)
            throws IOException {
        Path project = TemplateModel.locate(Path.of("")).orElseThrow();
        String template = Files.readString(project);
        // The WhatsApp function's statement is the first of four identical ones (one per webhook function).
        int at = template.indexOf(CUSTOMERS_STATEMENT, template.indexOf("WhatsAppFunction:"));
        assertTrue(at > 0, "the WhatsApp function's customer-directory statement");
        String withoutBatchGet = template.substring(0, at)
                + CUSTOMERS_STATEMENT.replace("dynamodb:BatchGetItem, ", "")
                + template.substring(at + CUSTOMERS_STATEMENT.length());
        Path copy = dir.resolve("template.yaml");
        Files.writeString(copy, withoutBatchGet);
        try (PipelineCloud cloud = PipelineCloud.start(new LocalCloud.Options().template(copy))) {
            int before = cloud.local().iamDenials().all().size();
            var answer = cloud.postWhatsApp(WhatsAppWebhooks.text("14155550177", "Ann", "wamid.iam-denied",
                    Instant.now(), "hello"));
            assertTrue(answer.statusCode() >= 500, "a denied store call is a fault the provider retries: " + answer.statusCode());
            List<IamDenials.Denial> denied = cloud.local().iamDenials().all().subList(before, cloud.local().iamDenials().all().size());
            assertEquals(new IamDenials.Denial("WhatsAppFunction", "dynamodb:BatchGetItem",
                    "arn:aws:dynamodb:us-east-1:000000000000:table/" + cloud.local().tableName("CustomersTable")),
                    denied.get(0), "function, action and resource of the refused call");
        }
    }
}
