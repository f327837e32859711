package io.switchboard.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.local.TemplateModel;
import io.switchboard.local.testing.NoIamDenials;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
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
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
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
    void givenS3Calls_whenMapped_thenObjectCallsNameTheObjectAndBucketCallsTheBucket() {
        String bucket = "arn:aws:s3:::media";
        String object = bucket + "/c1/e1/0";
        Map<String, SdkRequest> calls = new LinkedHashMap<>();
        calls.put("GetObject", GetObjectRequest.builder().bucket("media").key("c1/e1/0").build());
        calls.put("HeadObject", HeadObjectRequest.builder().bucket("media").key("c1/e1/0").build());
        calls.put("PutObject", PutObjectRequest.builder().bucket("media").key("c1/e1/0").build());
        calls.put("CreateMultipartUpload", CreateMultipartUploadRequest.builder().bucket("media").key("c1/e1/0").build());
        calls.put("UploadPart", UploadPartRequest.builder().bucket("media").key("c1/e1/0").uploadId("u").partNumber(1).build());
        calls.put("CompleteMultipartUpload", CompleteMultipartUploadRequest.builder().bucket("media").key("c1/e1/0").uploadId("u").build());
        calls.put("AbortMultipartUpload", AbortMultipartUploadRequest.builder().bucket("media").key("c1/e1/0").uploadId("u").build());
        calls.put("DeleteObject", DeleteObjectRequest.builder().bucket("media").key("c1/e1/0").build());
        calls.put("ListObjectsV2", ListObjectsV2Request.builder().bucket("media").prefix("c1/").build());
        Map<String, List<AwsActions.Access>> expected = new LinkedHashMap<>();
        expected.put("GetObject", List.of(new AwsActions.Access("s3:GetObject", object)));
        expected.put("HeadObject", List.of(new AwsActions.Access("s3:GetObject", object)));
        expected.put("PutObject", List.of(new AwsActions.Access("s3:PutObject", object)));
        expected.put("CreateMultipartUpload", List.of(new AwsActions.Access("s3:PutObject", object)));
        expected.put("UploadPart", List.of(new AwsActions.Access("s3:PutObject", object)));
        expected.put("CompleteMultipartUpload", List.of(new AwsActions.Access("s3:PutObject", object)));
        expected.put("AbortMultipartUpload", List.of(new AwsActions.Access("s3:AbortMultipartUpload", object)));
        expected.put("DeleteObject", List.of(new AwsActions.Access("s3:DeleteObject", object)));
        expected.put("ListObjectsV2", List.of(new AwsActions.Access("s3:ListBucket", bucket)));
        calls.forEach((operation, request) -> assertEquals(expected.get(operation), actions.of("S3", operation, request), operation));

        var batch = DeleteObjectsRequest.builder().bucket("media").delete(d -> d.objects(
                ObjectIdentifier.builder().key("c1/e1/0").build(), ObjectIdentifier.builder().key("c1/e1/1").build())).build();
        assertEquals(List.of(new AwsActions.Access("s3:DeleteObject", object), new AwsActions.Access("s3:DeleteObject",
                bucket + "/c1/e1/1")), actions.of("S3", "DeleteObjects", batch));
    }

    @Test
    void givenSamS3PolicyTemplates_whenExpanded_thenTheyAllowWhatSamsDefinitionsAllowOnTheBucketAndItsObjects() {
        TemplateModel model = TemplateModel.parse("""
                Resources:
                  Media:
                    Type: AWS::S3::Bucket
                  Reader:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y::handleRequest
                      Policies:
                        - S3ReadPolicy: {BucketName: !Ref Media}
                  Writer:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y::handleRequest
                      Policies:
                        - S3WritePolicy: {BucketName: !Ref Media}
                  Crud:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y::handleRequest
                      Policies:
                        - S3CrudPolicy: {BucketName: !Ref Media}
                """);
        String bucket = "arn:aws:s3:::switchboard-media";
        String object = bucket + "/c1/e1/0";
        FunctionPolicy reader = new FunctionPolicy("Reader", model.policyStatements(model.function("Reader"), resources()));
        assertTrue(reader.allows("s3:GetObject", object));
        assertTrue(reader.allows("s3:ListBucket", bucket));
        assertFalse(reader.allows("s3:PutObject", object));
        assertFalse(reader.allows("s3:DeleteObject", object));
        assertFalse(reader.allows("s3:GetObject", "arn:aws:s3:::another-bucket/c1/e1/0"));
        FunctionPolicy writer = new FunctionPolicy("Writer", model.policyStatements(model.function("Writer"), resources()));
        assertTrue(writer.allows("s3:PutObject", object));
        assertFalse(writer.allows("s3:GetObject", object));
        assertFalse(writer.allows("s3:DeleteObject", object));
        assertFalse(writer.allows("s3:AbortMultipartUpload", object), "not in SAM's S3WritePolicy");
        FunctionPolicy crud = new FunctionPolicy("Crud", model.policyStatements(model.function("Crud"), resources()));
        for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject")) {
            assertTrue(crud.allows(action, object), action);
        }
        assertTrue(crud.allows("s3:ListBucket", bucket));
        assertFalse(crud.allows("s3:AbortMultipartUpload", object), "not in SAM's S3CrudPolicy");
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
        // The media bucket: the API presigns downloads, which S3 honours only while the signer may read the object,
        // so it alone holds s3:GetObject on the objects, and nothing else of the bucket; no function writes or
        // deletes media yet.
        String object = "arn:aws:s3:::switchboard-mediabucket/c1/e1/0";
        for (TemplateModel.Function function : model.functions()) {
            FunctionPolicy policy = new FunctionPolicy(function.logicalId(), model.policyStatements(function, local));
            assertEquals(function.logicalId().equals("ApiFunction"), policy.allows("s3:GetObject", object), function.logicalId());
            for (String action : List.of("s3:PutObject", "s3:DeleteObject")) {
                assertFalse(policy.allows(action, object), function.logicalId() + " " + action);
            }
            assertFalse(policy.allows("s3:ListBucket", "arn:aws:s3:::switchboard-mediabucket"), function.logicalId());
        }
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
