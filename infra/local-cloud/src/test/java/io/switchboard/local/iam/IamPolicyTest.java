package io.switchboard.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.local.TemplateModel;
import io.switchboard.local.testing.NoIamDenials;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

@NoIamDenials.ExpectsIamDenials
class IamPolicyTest {

    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/";
    private final AwsActions actions = new AwsActions("us-east-1", "000000000000");

    @Test
    void givenWildcards_whenMatching_thenActionsIgnoreCaseAndResourcesDoNot() {
        PolicyStatement statement = PolicyStatement.allow(null, List.of("sqs:SendMessage*"),
                List.of("arn:aws:sqs:us-east-1:000000000000:events-?.fifo", TABLE + "log/index/*"));
        assertTrue(statement.matches("SQS:sendmessagebatch", "arn:aws:sqs:us-east-1:000000000000:events-a.fifo"));
        assertFalse(statement.matches("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:EVENTS-a.fifo"));
        assertFalse(statement.matches("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:events-ab.fifo"));
        assertTrue(statement.matches("sqs:SendMessage", TABLE + "log/index/byTime"));
        assertFalse(statement.matches("sqs:DeleteMessage", TABLE + "log/index/byTime"));
    }

    @Test
    void givenAnAllowAndADeny_whenEvaluated_thenTheDenyWinsAndNothingElseIsAllowed() {
        FunctionPolicy policy = new FunctionPolicy("F", List.of(
                PolicyStatement.allow("All", List.of("dynamodb:*"), List.of(TABLE + "*")),
                new PolicyStatement("NoDeletes", false, List.of("dynamodb:DeleteItem"), false, List.of("*"), false)));
        assertTrue(policy.allows("dynamodb:GetItem", TABLE + "customers"));
        assertFalse(policy.allows("dynamodb:DeleteItem", TABLE + "customers"));
        assertFalse(policy.allows("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:q"));
    }

    @Test
    void givenATransaction_whenMapped_thenEachItemNeedsItsOwnActionOnItsTable() {
        var request = TransactWriteItemsRequest.builder().transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName("customers").build()).build(),
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName("log").build()).build()).build();
        assertEquals(List.of(new AwsActions.Access("dynamodb:PutItem", TABLE + "customers"),
                new AwsActions.Access("dynamodb:ConditionCheckItem", TABLE + "log")),
                actions.of("DynamoDb", "TransactWriteItems", request));
    }

    @Test
    void givenBatchesAndIndexes_whenMapped_thenEveryTableAndTheIndexResourceAreNamed() {
        var batch = BatchGetItemRequest.builder().requestItems(Map.of("customers",
                KeysAndAttributes.builder().keys(Map.of("id", AttributeValue.fromS("x"))).build())).build();
        assertEquals(List.of(new AwsActions.Access("dynamodb:BatchGetItem", TABLE + "customers")),
                actions.of("DynamoDb", "BatchGetItem", batch));
        var query = QueryRequest.builder().tableName("log").indexName("byTime").build();
        assertEquals(List.of(new AwsActions.Access("dynamodb:Query", TABLE + "log/index/byTime")),
                actions.of("DynamoDb", "Query", query));
        var send = SendMessageBatchRequest.builder().queueUrl("http://localhost:9324/000000000000/events.fifo").build();
        assertEquals(List.of(new AwsActions.Access("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:events.fifo")),
                actions.of("Sqs", "SendMessageBatch", send));
    }

    @Test
    void givenTheProjectTemplate_whenPoliciesAreResolved_thenEachFunctionGetsItsStatementsWithLocalArns() {
        TemplateModel model = TemplateModel.load(TemplateModel.locate(Path.of("")).orElseThrow());
        TemplateModel.LocalResources local = resources();
        FunctionPolicy whatsApp = new FunctionPolicy("WhatsAppFunction",
                model.policyStatements(model.function("WhatsAppFunction"), local));
        assertTrue(whatsApp.allows("dynamodb:BatchGetItem", TABLE + "local-CustomersTable"));
        assertFalse(whatsApp.allows("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:local-EventsQueue"),
                "webhook functions need no queue permission (the fan-out publishes)");
        assertTrue(whatsApp.allows("secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:000000000000:secret:WhatsAppSecret"));
        // The replay function's extra subscribers statement is behind !If HasMoreSubscribers: absent by default.
        FunctionPolicy replay = new FunctionPolicy("ReplayFunction",
                model.policyStatements(model.function("ReplayFunction"), local));
        assertTrue(replay.allows("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:local-EventsQueue"));
        assertFalse(replay.allows("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:local-CommandsQueue"));
    }

    @Test
    void givenSamPolicyTemplates_whenResolved_thenTheyExpandAsSamDoesAndUnknownOnesAreRefused() {
        TemplateModel model = TemplateModel.parse("""
                Resources:
                  Table:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      TableName: things
                      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                      KeySchema: [{AttributeName: id, KeyType: HASH}]
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y::handleRequest
                      Policies:
                        - DynamoDBReadPolicy: {TableName: !Ref Table}
                        - SQSSendMessagePolicy: {QueueName: outbox}
                  Other:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y::handleRequest
                      Policies:
                        - DynamoDBStreamReadPolicy: {TableName: t, StreamName: s}
                """);
        FunctionPolicy policy = new FunctionPolicy("Fn", model.policyStatements(model.function("Fn"), resources()));
        assertTrue(policy.allows("dynamodb:Query", TABLE + "local-Table/index/byTime"));
        assertFalse(policy.allows("dynamodb:PutItem", TABLE + "local-Table"));
        assertTrue(policy.allows("sqs:SendMessageBatch", "arn:aws:sqs:us-east-1:000000000000:outbox"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> model.policyStatements(model.function("Other"), resources()));
        assertTrue(unknown.getMessage().contains("DynamoDBStreamReadPolicy"), unknown.getMessage());
    }

    @Test
    void givenAClientWithTheEnforcer_whenACallIsNotAllowed_thenAccessDeniedIsThrownBeforeAnyRequestLeaves() {
        IamDenials denials = new IamDenials();
        FunctionPolicy policy = new FunctionPolicy("ApiFunction",
                List.of(PolicyStatement.allow(null, List.of("dynamodb:GetItem"), List.of(TABLE + "customers"))));
        // Nothing listens on port 9: had the request left, the error would be a connection failure.
        try (DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD)
                        .addExecutionInterceptor(new IamEnforcer(policy, actions, denials, "000000000000")))
                .build()) {
            DynamoDbException denied = assertThrows(DynamoDbException.class, () -> client.putItem(put -> put
                    .tableName("customers").item(Map.of("id", AttributeValue.fromS("x")))));
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
            assertEquals(400, denied.statusCode());
            assertTrue(denied.getMessage().contains("is not authorized to perform: dynamodb:PutItem on resource: "
                    + TABLE + "customers"), denied.getMessage());
            assertEquals(List.of(new IamDenials.Denial("ApiFunction", "dynamodb:PutItem", TABLE + "customers")),
                    denials.all());
        }
    }

    private static TemplateModel.LocalResources resources() {
        return new TemplateModel.LocalResources() {
            @Override
            public String tableName(String logicalId) {
                return "local-" + logicalId;
            }

            @Override
            public String queueUrl(String logicalId) {
                return "http://localhost:9324/000000000000/local-" + logicalId;
            }

            @Override
            public String queueArn(String logicalId) {
                return "arn:aws:sqs:us-east-1:000000000000:local-" + logicalId;
            }
        };
    }
}
