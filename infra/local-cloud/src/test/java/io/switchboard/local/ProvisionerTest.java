package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The project's template.yaml and the test stack provisioned on the embedded services. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisionerTest {

    private EmbeddedDynamoDb dynamo;
    private EmbeddedSqs sqsServer;
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;

    @BeforeAll
    void start() {
        dynamo = new EmbeddedDynamoDb(0, null).start();
        sqsServer = new EmbeddedSqs(0).start();
        Settings settings = Settings.of(Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint(), "AWS_ENDPOINT_URL_SQS", sqsServer.endpoint()));
        dynamoDb = AwsClientFactory.configure(DynamoDbClient.builder(), "DYNAMODB", settings, List.of()).build();
        sqs = AwsClientFactory.configure(SqsClient.builder(), "SQS", settings, List.of()).build();
    }

    @AfterAll
    void stop() {
        dynamoDb.close();
        sqs.close();
        sqsServer.close();
        dynamo.close();
    }

    @Test
    void projectTablesAreCreatedFromTheTemplate() {
        Provisioner provisioner = new Provisioner(TemplateModel.load(TestTemplates.project()));
        Map<String, String> names = provisioner.provisionTables(dynamoDb);
        assertEquals(Map.of("CustomersTable", "CustomersTable", "ConversationLogTable", "ConversationLogTable",
                "WebhookTokensTable", "WebhookTokensTable"), names);
        // Mailgun tokens expire with DynamoDB's TTL
        assertEquals("expiresAt", dynamoDb.describeTimeToLive(b -> b.tableName("WebhookTokensTable"))
                .timeToLiveDescription().attributeName());

        TableDescription log = dynamoDb.describeTable(b -> b.tableName("ConversationLogTable")).table();
        assertEquals(BillingMode.PAY_PER_REQUEST, log.billingModeSummary().billingMode());
        assertEquals("byTime", log.localSecondaryIndexes().get(0).indexName());
        assertEquals("timeKey", log.localSecondaryIndexes().get(0).keySchema().get(1).attributeName());
        assertTrue(log.streamSpecification().streamEnabled());
        assertEquals(StreamViewType.NEW_AND_OLD_IMAGES, log.streamSpecification().streamViewType());
        assertNotNull(log.latestStreamArn());

        // Idempotent: a second run keeps the tables and their data.
        dynamoDb.putItem(b -> b.tableName("CustomersTable").item(Map.of("identity", AttributeValue.fromS("phone:+15550001"))));
        provisioner.provisionTables(dynamoDb);
        assertTrue(dynamoDb.getItem(b -> b.tableName("CustomersTable")
                .key(Map.of("identity", AttributeValue.fromS("phone:+15550001")))).hasItem());
    }

    @Test
    void projectQueuesAreCreatedWithTheirDeadLetterQueues() {
        Provisioner provisioner = new Provisioner(TemplateModel.load(TestTemplates.project()));
        Map<String, Provisioner.ProvisionedQueue> queues = provisioner.provisionQueues(sqs);
        // Dead-letter queues first.
        assertEquals(List.of("CommandsDeadLetterQueue", "CommandsQueue", "EventsDeadLetterQueue", "EventsQueue",
                "FanoutFailuresQueue"), List.copyOf(queues.keySet()));
        String eventsUrl = queues.get("EventsQueue").url();
        assertEquals(sqsServer.endpoint() + "/000000000000/switchboard-events.fifo", eventsUrl);
        assertEquals("arn:aws:sqs:us-east-1:000000000000:switchboard-events-dlq.fifo", queues.get("EventsDeadLetterQueue").arn());

        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(eventsUrl)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        assertEquals("true", attributes.get(QueueAttributeName.FIFO_QUEUE));
        assertEquals("false", attributes.get(QueueAttributeName.CONTENT_BASED_DEDUPLICATION));
        assertEquals("60", attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT));
        String redrive = attributes.get(QueueAttributeName.REDRIVE_POLICY);
        assertTrue(redrive.contains("arn:aws:sqs:us-east-1:000000000000:switchboard-events-dlq.fifo"), redrive);
        assertTrue(redrive.contains("5"), redrive);

        // Idempotent: same URLs, messages kept.
        sqs.sendMessage(b -> b.queueUrl(eventsUrl).messageBody("{}").messageGroupId("g").messageDeduplicationId("d1"));
        assertEquals(queues, provisioner.provisionQueues(sqs));
        assertEquals(1, sqs.receiveMessage(b -> b.queueUrl(eventsUrl)).messages().size());
    }

    @Test
    void testStackTablesHaveIndexesAndTimeToLive() {
        Provisioner provisioner = new Provisioner(TemplateModel.load(TestTemplates.testStack()));
        assertEquals("switchboard-outbox", provisioner.provisionTables(dynamoDb).get("OutboxTable"));
        TableDescription items = dynamoDb.describeTable(b -> b.tableName("ItemsTable")).table();
        assertEquals("byGroup", items.globalSecondaryIndexes().get(0).indexName());
        assertEquals(List.of("label"), items.globalSecondaryIndexes().get(0).projection().nonKeyAttributes());
        var ttl = dynamoDb.describeTimeToLive(b -> b.tableName("ItemsTable")).timeToLiveDescription();
        assertEquals("expiresAt", ttl.attributeName());
        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        provisioner.provisionTables(dynamoDb); // TTL already on: nothing to do, no error
    }

    @Test
    void queuesAreCreatedAgainAfterAnSqsRestart() {
        Provisioner provisioner = new Provisioner(TemplateModel.load(TestTemplates.testStack()));
        Map<String, Provisioner.ProvisionedQueue> before = provisioner.provisionQueues(sqs);
        sqsServer.stop();
        assertThrows(SdkClientException.class, () -> sqs.listQueues());
        sqsServer.start();
        Map<String, Provisioner.ProvisionedQueue> after = provisioner.provisionQueues(sqs);
        assertEquals(before, after);
        String url = after.get("PlainQueue").url();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("after restart"));
        assertEquals("after restart", sqs.receiveMessage(b -> b.queueUrl(url)).messages().get(0).body());
    }

    @Test
    void projectBucketIsCreatedOnce_andKeepsItsObjects() {
        try (EmbeddedS3 s3Server = new EmbeddedS3(0, null, "local", "local").start();
             S3Client s3 = AwsClientFactory.configure(S3Client.builder(), "S3",
                     Settings.of(Map.of("AWS_ENDPOINT_URL_S3", s3Server.endpoint())), List.of())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .forcePathStyle(true).build()) {
            Provisioner provisioner = new Provisioner(TemplateModel.load(TestTemplates.project()));
            assertEquals(Map.of("MediaBucket", "switchboard-mediabucket"), provisioner.provisionBuckets(s3));
            assertEquals(List.of("switchboard-mediabucket"), s3.listBuckets().buckets().stream().map(Bucket::name).toList());
            s3.putObject(b -> b.bucket("switchboard-mediabucket").key("c/e/0"), RequestBody.fromString("kept"));
            assertEquals(Map.of("MediaBucket", "switchboard-mediabucket"), provisioner.provisionBuckets(s3));
            assertEquals("kept", s3.getObjectAsBytes(b -> b.bucket("switchboard-mediabucket").key("c/e/0")).asUtf8String());
        }
    }

    @Test
    void dynamoDbRestartsOnTheSamePort() {
        Provisioner provisioner = new Provisioner(TemplateModel.load(TestTemplates.testStack()));
        provisioner.provisionTables(dynamoDb);
        dynamo.stop();
        assertThrows(SdkClientException.class, () -> dynamoDb.listTables());
        dynamo.start();
        // In memory: the tables went with the process state; provisioning brings them back.
        provisioner.provisionTables(dynamoDb);
        assertTrue(dynamoDb.listTables().tableNames().contains("ItemsTable"));
        // The project's tables are gone until provisioned again; keep the other tests independent of order.
        new Provisioner(TemplateModel.load(TestTemplates.project())).provisionTables(dynamoDb);
    }
}
