package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateModelTest {

    /** What the local cloud would give: names by logical id, URLs and ARNs as ElasticMQ makes them. */
    private static final TemplateModel.LocalResources LOCAL = new TemplateModel.LocalResources() {
        @Override
        public String tableName(String logicalId) {
            return logicalId;
        }

        @Override
        public String queueUrl(String logicalId) {
            return "http://localhost:9324/000000000000/" + logicalId;
        }

        @Override
        public String queueArn(String logicalId) {
            return "arn:aws:sqs:us-east-1:000000000000:" + logicalId;
        }
    };

    @Test
    void shortFormTagsBecomeLongFormMaps() {
        Map<String, Object> template = CloudFormationYaml.load("""
                a: !Ref Thing
                b: !GetAtt Queue.Arn
                c: !GetAtt [Queue, QueueUrl]
                d: !Sub "${AWS::StackName}-x"
                e: !Sub ["${A}", {A: !Ref Thing}]
                f: !If [Cond, !Ref X, !Ref AWS::NoValue]
                g: !Join [",", [!Ref A, !GetAtt B.Arn]]
                h: !Select [0, !Split [",", "a,b"]]
                i: !Equals [!Ref P, "v"]
                j: !Not [!Condition C]
                k: !GetAtt Cluster.Endpoint.Address
                """);
        assertEquals(Map.of("Ref", "Thing"), template.get("a"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Queue", "Arn")), template.get("b"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Queue", "QueueUrl")), template.get("c"));
        assertEquals(Map.of("Fn::Sub", "${AWS::StackName}-x"), template.get("d"));
        assertEquals(Map.of("Fn::Sub", List.of("${A}", Map.of("A", Map.of("Ref", "Thing")))), template.get("e"));
        assertEquals(Map.of("Fn::If", List.of("Cond", Map.of("Ref", "X"), Map.of("Ref", "AWS::NoValue"))), template.get("f"));
        assertEquals(Map.of("Fn::Join", List.of(",", List.of(Map.of("Ref", "A"), Map.of("Fn::GetAtt", List.of("B", "Arn"))))),
                template.get("g"));
        assertEquals(Map.of("Fn::Select", List.of(0, Map.of("Fn::Split", List.of(",", "a,b")))), template.get("h"));
        assertEquals(Map.of("Fn::Equals", List.of(Map.of("Ref", "P"), "v")), template.get("i"));
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Condition", "C"))), template.get("j"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Cluster", "Endpoint.Address")), template.get("k"));
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThrows(RuntimeException.class, () -> CloudFormationYaml.load("a: 1\na: 2\n"));
    }

    @Test
    void projectTemplateTables() {
        TemplateModel model = TemplateModel.load(TestTemplates.project());
        assertEquals(List.of("CustomersTable", "ConversationLogTable", "WebhookTokensTable"),
                model.tables().stream().map(TemplateModel.Table::logicalId).toList());

        TemplateModel.Table customers = model.table("CustomersTable");
        assertEquals("CustomersTable", customers.tableName());
        assertEquals(List.of(new TemplateModel.KeyElement("identity", "HASH")), customers.keySchema());
        assertNull(customers.streamViewType());

        TemplateModel.Table log = model.table("ConversationLogTable");
        assertEquals(List.of(new TemplateModel.KeyElement("customerId", "HASH"), new TemplateModel.KeyElement("sk", "RANGE")),
                log.keySchema());
        assertEquals(Map.of("customerId", "S", "sk", "S", "timeKey", "S"), log.attributeDefinitions());
        assertEquals(1, log.localSecondaryIndexes().size());
        TemplateModel.Index byTime = log.localSecondaryIndexes().get(0);
        assertEquals("byTime", byTime.name());
        assertEquals("ALL", byTime.projectionType());
        assertEquals(new TemplateModel.KeyElement("timeKey", "RANGE"), byTime.keySchema().get(1));
        assertTrue(log.globalSecondaryIndexes().isEmpty());
        assertEquals("NEW_AND_OLD_IMAGES", log.streamViewType());
        assertNull(log.ttlAttribute());
    }

    @Test
    void projectTemplateQueues() {
        TemplateModel model = TemplateModel.load(TestTemplates.project());
        TemplateModel.Queue events = model.queue("EventsQueue");
        assertEquals("switchboard-events.fifo", events.queueName());
        assertTrue(events.fifo());
        assertEquals("true", events.attributes().get("FifoQueue"));
        assertEquals("false", events.attributes().get("ContentBasedDeduplication"));
        assertEquals("60", events.attributes().get("VisibilityTimeout"));
        assertEquals("EventsDeadLetterQueue", events.deadLetterQueue());
        assertEquals(5, events.maxReceiveCount());

        TemplateModel.Queue deadLetters = model.queue("EventsDeadLetterQueue");
        assertEquals("switchboard-events-dlq.fifo", deadLetters.queueName());
        assertNull(deadLetters.deadLetterQueue());

        TemplateModel.Queue failures = model.queue("FanoutFailuresQueue");
        assertEquals("switchboard-fanout-failures", failures.queueName());
        assertFalse(failures.fifo());
        assertFalse(failures.attributes().containsKey("FifoQueue"));
    }

    @Test
    void projectTemplateFunctions() {
        TemplateModel model = TemplateModel.load(TestTemplates.project());
        TemplateModel.Function whatsApp = model.function("WhatsAppFunction");
        assertEquals("io.switchboard.whatsapp.WhatsAppWebhookHandler", whatsApp.handlerClass());
        assertEquals("handleRequest", whatsApp.handlerMethod());
        assertEquals(List.of(new TemplateModel.HttpRoute("Verify", "GET", "/webhooks/whatsapp"),
                new TemplateModel.HttpRoute("Receive", "POST", "/webhooks/whatsapp")), whatsApp.httpRoutes());
        assertEquals("POST /webhooks/whatsapp", whatsApp.httpRoutes().get(1).routeKey());
        assertTrue(whatsApp.streamEvents().isEmpty());
        assertEquals(15, whatsApp.timeoutSeconds());
        assertEquals(1024, whatsApp.memorySize());
        // Globals.Function's variables merged with the function's own.
        assertEquals(Map.of("Ref", "WhatsAppSecret"), whatsApp.environment().get("SWITCHBOARD_SECRET_ID"));
        assertEquals(Map.of("Ref", "CustomersTable"), whatsApp.environment().get("CUSTOMERS_TABLE"));

        TemplateModel.Function fanout = model.function("FanoutFunction");
        assertEquals("io.switchboard.fanout.FanoutHandler", fanout.handlerClass());
        assertTrue(fanout.httpRoutes().isEmpty());
        assertEquals(List.of(new TemplateModel.StreamEvent("LogStream", "ConversationLogTable", 100, "TRIM_HORIZON",
                100, "FanoutFailuresQueue")), fanout.streamEvents());
    }

    @Test
    void projectTemplateEnvironmentResolvesToLocalResources() {
        TemplateModel model = TemplateModel.load(TestTemplates.project());
        Map<String, String> whatsApp = model.resolveEnvironment(model.function("WhatsAppFunction"), LOCAL);
        assertEquals("CustomersTable", whatsApp.get("CUSTOMERS_TABLE"));
        assertEquals("ConversationLogTable", whatsApp.get("CONVERSATION_LOG_TABLE"));
        assertEquals("1440", whatsApp.get("CONVERSATION_IDLE_MINUTES"));
        assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1", whatsApp.get("JAVA_TOOL_OPTIONS"));
        // No Secrets Manager locally: the secret id is left out, secrets come from the environment.
        assertFalse(whatsApp.containsKey("SWITCHBOARD_SECRET_ID"));

        Map<String, String> fanout = model.resolveEnvironment(model.function("FanoutFunction"), LOCAL);
        assertEquals("arn:aws:sqs:us-east-1:000000000000:EventsQueue", fanout.get("SUBSCRIBER_QUEUE_ARNS"));
        assertEquals("http://localhost:9324/000000000000/FanoutFailuresQueue", fanout.get("FANOUT_FAILURES_QUEUE_URL"));
    }

    @Test
    void subscriberQueueArnsParameter_feedsTheFanoutSettingAfterTheEventsQueue() {
        // given the parameter as sam deploy --parameter-overrides would pass it
        TemplateModel model = TemplateModel.load(TestTemplates.project(), Map.of("SubscriberQueueArns",
                "arn:aws:sqs:us-east-1:000000000000:helpdesk-a.fifo,arn:aws:sqs:us-east-1:000000000000:helpdesk-b"));
        // when the fan-out's environment is resolved
        Map<String, String> fanout = model.resolveEnvironment(model.function("FanoutFunction"), LOCAL);
        // then every queue is listed, the stack's own first
        assertEquals("arn:aws:sqs:us-east-1:000000000000:EventsQueue,arn:aws:sqs:us-east-1:000000000000:helpdesk-a.fifo,"
                + "arn:aws:sqs:us-east-1:000000000000:helpdesk-b", fanout.get("SUBSCRIBER_QUEUE_ARNS"));
    }

    @Test
    void unknownParameterOverride_isRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> TemplateModel.load(TestTemplates.project(), Map.of("NoSuchParameter", "x")));
    }

    @Test
    void projectTemplateSecrets() {
        TemplateModel model = TemplateModel.load(TestTemplates.project());
        TemplateModel.Secret whatsApp = new TemplateModel.Secret("WhatsAppSecret", List.of("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"));
        assertTrue(model.secrets().contains(whatsApp), model.secrets().toString());
        assertEquals(List.of(whatsApp), model.secretsOf(model.function("WhatsAppFunction")));
        assertEquals(List.of(new TemplateModel.Secret("TelephonySecret", List.of("TWILIO_AUTH_TOKEN"))),
                model.secretsOf(model.function("TelephonyFunction")));
        assertTrue(model.secretsOf(model.function("FanoutFunction")).isEmpty());
    }

    @Test
    void buckets_areNamedAsCloudFormationWould_andTheirReferencesResolve() {
        TemplateModel model = TemplateModel.parse("""
                Resources:
                  MediaBucket:
                    Type: AWS::S3::Bucket
                  NamedBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: !Sub "${AWS::StackName}-exports-${AWS::AccountId}"
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y::handleRequest
                      Environment:
                        Variables:
                          MEDIA_BUCKET: !Ref MediaBucket
                          MEDIA_BUCKET_ARN: !GetAtt MediaBucket.Arn
                          MEDIA_OBJECTS: !Sub "${MediaBucket.Arn}/*"
                          MEDIA_DOMAIN: !GetAtt MediaBucket.DomainName
                          MEDIA_REGIONAL_DOMAIN: !GetAtt [MediaBucket, RegionalDomainName]
                          MEDIA_DUAL_STACK_DOMAIN: !GetAtt MediaBucket.DualStackDomainName
                          EXPORTS: !Sub "s3://${NamedBucket}/"
                          WEBSITE: !GetAtt MediaBucket.WebsiteURL
                """);
        assertEquals(List.of(new TemplateModel.Bucket("MediaBucket", "switchboard-mediabucket"),
                new TemplateModel.Bucket("NamedBucket", "switchboard-exports-000000000000")), model.buckets());
        Map<String, String> env = model.resolveEnvironment(model.function("Fn"), LOCAL);
        assertEquals("switchboard-mediabucket", env.get("MEDIA_BUCKET"));
        assertEquals("arn:aws:s3:::switchboard-mediabucket", env.get("MEDIA_BUCKET_ARN"));
        assertEquals("arn:aws:s3:::switchboard-mediabucket/*", env.get("MEDIA_OBJECTS"));
        assertEquals("switchboard-mediabucket.s3.amazonaws.com", env.get("MEDIA_DOMAIN"));
        assertEquals("switchboard-mediabucket.s3.us-east-1.amazonaws.com", env.get("MEDIA_REGIONAL_DOMAIN"));
        assertEquals("switchboard-mediabucket.s3.dualstack.us-east-1.amazonaws.com", env.get("MEDIA_DUAL_STACK_DOMAIN"));
        assertEquals("s3://switchboard-exports-000000000000/", env.get("EXPORTS"));
        assertFalse(env.containsKey("WEBSITE"), "no website locally: " + env.get("WEBSITE"));
        assertThrows(IllegalArgumentException.class, () -> model.bucket("NoSuchBucket"));
    }

    @Test
    void projectTemplateBucket() {
        TemplateModel model = TemplateModel.load(TestTemplates.project());
        assertEquals(List.of(new TemplateModel.Bucket("MediaBucket", "switchboard-mediabucket")), model.buckets());
    }

    @Test
    void testStackEnvironmentCoversTheIntrinsics() {
        TemplateModel model = TemplateModel.load(TestTemplates.testStack());
        TemplateModel.Function echo = model.function("EchoFunction");
        assertEquals(256, echo.memorySize());
        assertEquals(10, echo.timeoutSeconds());
        Map<String, String> env = model.resolveEnvironment(echo, LOCAL);
        assertEquals("ItemsTable", env.get("ITEMS_TABLE"));
        assertEquals("overridden-by-function", env.get("GREETING"));
        assertEquals("http://localhost:9324/000000000000/WorkQueue", env.get("WORK_QUEUE_URL"));
        assertEquals("http://localhost:9324/000000000000/WorkQueue", env.get("WORK_QUEUE_URL_ATT"));
        assertEquals("arn:aws:sqs:us-east-1:000000000000:WorkQueue", env.get("WORK_QUEUE_ARN"));
        assertEquals("switchboard-work.fifo", env.get("WORK_QUEUE_NAME"));
        assertEquals("http://localhost:9324/000000000000/WorkQueue,http://localhost:9324/000000000000/PlainQueue",
                env.get("ALL_QUEUES"));
        assertEquals("http://localhost:9324/000000000000/PlainQueue", env.get("SECOND_QUEUE"));
        assertEquals("was-hello", env.get("CONDITIONAL"));
        assertEquals("switchboard-hello-switchboard-work.fifo-${Literal}", env.get("SUBSTITUTED"));
        assertEquals("ItemsTable/hello", env.get("SUB_WITH_VARIABLES"));
        assertEquals("plain", env.get("LITERAL"));
        assertEquals("42", env.get("NUMBER"));
        // A table ARN names the local table; left out: the secret (quietly), and what has no local value (with a warning).
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/ItemsTable", env.get("TABLE_ARN"));
        for (String absent : List.of("SWITCHBOARD_SECRET_ID", "NEEDS_DEFAULT", "IMPORTED")) {
            assertFalse(env.containsKey(absent), absent);
        }
    }

    @Test
    void testStackResources() {
        TemplateModel model = TemplateModel.load(TestTemplates.testStack());
        TemplateModel.Table items = model.table("ItemsTable");
        assertEquals("expiresAt", items.ttlAttribute());
        TemplateModel.Index byGroup = items.globalSecondaryIndexes().get(0);
        assertEquals("INCLUDE", byGroup.projectionType());
        assertEquals(List.of("label"), byGroup.nonKeyAttributes());
        assertEquals("switchboard-outbox", model.table("OutboxTable").tableName());
        assertEquals("PlainQueue", model.queue("PlainQueue").queueName());
        assertEquals("5", model.queue("PlainQueue").attributes().get("VisibilityTimeout"));
        assertEquals("true", model.queue("WorkQueue").attributes().get("ContentBasedDeduplication"));

        List<TemplateModel.HttpRoute> routes = model.function("EchoFunction").httpRoutes();
        assertTrue(routes.contains(new TemplateModel.HttpRoute("EchoPost", "POST", "/echo")));
        assertTrue(routes.contains(new TemplateModel.HttpRoute("Item", "ANY", "/items/{id}")));
        assertEquals("ANY /items/{id}", routes.stream().filter(r -> r.eventId().equals("Item")).findFirst().orElseThrow().routeKey());
        assertEquals(List.of(new TemplateModel.StreamEvent("OutboxStream", "OutboxTable", 5, "TRIM_HORIZON")),
                model.function("ForwardFunction").streamEvents());
        assertEquals(List.of("TEST_APP_SECRET", "TEST_VERIFY_TOKEN"), model.secrets().get(0).keys());
    }
}
