package io.switchboard.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Creates the template's tables, queues and buckets through the ordinary SDK clients (so the same code provisions
 * DynamoDB Local, ElasticMQ, S3Proxy, LocalStack or anything else that speaks the APIs). Idempotent: what exists is
 * kept as it is.
 */
final class Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(60);

    /** A queue as it exists locally. */
    record ProvisionedQueue(String logicalId, String name, String url, String arn) {
    }

    private final TemplateModel model;

    Provisioner(TemplateModel model) {
        this.model = model;
    }

    /** Creates the missing tables; returns logical id to table name. */
    Map<String, String> provisionTables(DynamoDbClient dynamoDb) {
        Map<String, String> names = new LinkedHashMap<>();
        for (TemplateModel.Table table : model.tables()) {
            createTableIfMissing(dynamoDb, table);
            names.put(table.logicalId(), table.tableName());
        }
        for (TemplateModel.Table table : model.tables()) {
            awaitActive(dynamoDb, table.tableName());
            if (table.ttlAttribute() != null) {
                enableTimeToLive(dynamoDb, table);
            }
        }
        return names;
    }

    private void createTableIfMissing(DynamoDbClient dynamoDb, TemplateModel.Table table) {
        try {
            dynamoDb.describeTable(b -> b.tableName(table.tableName()));
            LOG.debug("table {} exists", table.tableName());
            return;
        } catch (ResourceNotFoundException absent) {
            // create it below
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(table.tableName())
                // Whatever the template bills, locally there is no capacity to plan.
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(keySchema(table.keySchema()))
                .attributeDefinitions(table.attributeDefinitions().entrySet().stream()
                        .map(e -> AttributeDefinition.builder().attributeName(e.getKey()).attributeType(e.getValue()).build())
                        .toList());
        if (!table.localSecondaryIndexes().isEmpty()) {
            request.localSecondaryIndexes(table.localSecondaryIndexes().stream()
                    .map(index -> LocalSecondaryIndex.builder().indexName(index.name())
                            .keySchema(keySchema(index.keySchema())).projection(projection(index)).build())
                    .toList());
        }
        if (!table.globalSecondaryIndexes().isEmpty()) {
            request.globalSecondaryIndexes(table.globalSecondaryIndexes().stream()
                    .map(index -> GlobalSecondaryIndex.builder().indexName(index.name())
                            .keySchema(keySchema(index.keySchema())).projection(projection(index)).build())
                    .toList());
        }
        if (table.streamViewType() != null) {
            request.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true).streamViewType(table.streamViewType()).build());
        }
        try {
            dynamoDb.createTable(request.build());
            LOG.info("created table {}", table.tableName());
        } catch (ResourceInUseException raced) {
            LOG.debug("table {} was created concurrently", table.tableName());
        }
    }

    private static void awaitActive(DynamoDbClient dynamoDb, String tableName) {
        long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
        while (true) {
            TableDescription description = dynamoDb.describeTable(b -> b.tableName(tableName)).table();
            if (description.tableStatus() == TableStatus.ACTIVE) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + tableName + " is still " + description.tableStatusAsString());
            }
            pause(Duration.ofMillis(100));
        }
    }

    private static void enableTimeToLive(DynamoDbClient dynamoDb, TemplateModel.Table table) {
        var current = dynamoDb.describeTimeToLive(b -> b.tableName(table.tableName())).timeToLiveDescription();
        if (current != null && table.ttlAttribute().equals(current.attributeName())) {
            return;
        }
        dynamoDb.updateTimeToLive(b -> b.tableName(table.tableName())
                .timeToLiveSpecification(s -> s.enabled(true).attributeName(table.ttlAttribute())));
    }

    private static List<KeySchemaElement> keySchema(List<TemplateModel.KeyElement> keys) {
        return keys.stream()
                .map(key -> KeySchemaElement.builder().attributeName(key.attributeName()).keyType(key.keyType()).build())
                .toList();
    }

    private static Projection projection(TemplateModel.Index index) {
        Projection.Builder projection = Projection.builder().projectionType(index.projectionType());
        if (!index.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(index.nonKeyAttributes());
        }
        return projection.build();
    }

    /**
     * Creates the missing queues, dead-letter queues before the queues that redrive to them; returns them by
     * logical id. Existing queues are kept (their attributes are not changed).
     */
    Map<String, ProvisionedQueue> provisionQueues(SqsClient sqs) {
        Map<String, ProvisionedQueue> provisioned = new LinkedHashMap<>();
        for (TemplateModel.Queue queue : creationOrder()) {
            provisioned.put(queue.logicalId(), provisionQueue(sqs, queue, provisioned));
        }
        return provisioned;
    }

    private ProvisionedQueue provisionQueue(SqsClient sqs, TemplateModel.Queue queue, Map<String, ProvisionedQueue> done) {
        String url;
        try {
            url = sqs.getQueueUrl(b -> b.queueName(queue.queueName())).queueUrl();
            LOG.debug("queue {} exists", queue.queueName());
        } catch (QueueDoesNotExistException absent) {
            Map<String, String> attributes = new HashMap<>(queue.attributes());
            if (queue.deadLetterQueue() != null) {
                ProvisionedQueue deadLetters = done.get(queue.deadLetterQueue());
                if (deadLetters == null) {
                    throw new IllegalStateException("queue " + queue.logicalId() + " redrives to "
                            + queue.deadLetterQueue() + ", which is not a queue of the template");
                }
                attributes.put("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + deadLetters.arn()
                        + "\",\"maxReceiveCount\":" + queue.maxReceiveCount() + "}");
            }
            url = sqs.createQueue(b -> b.queueName(queue.queueName()).attributesWithStrings(attributes)).queueUrl();
            LOG.info("created queue {}", queue.queueName());
        }
        String queueUrl = url;
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return new ProvisionedQueue(queue.logicalId(), queue.queueName(), queueUrl, arn);
    }

    /** Dead-letter queues first. */
    private List<TemplateModel.Queue> creationOrder() {
        List<TemplateModel.Queue> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (TemplateModel.Queue queue : model.queues()) {
            place(queue, ordered, placed, new HashSet<>());
        }
        return ordered;
    }

    private void place(TemplateModel.Queue queue, List<TemplateModel.Queue> ordered, Set<String> placed, Set<String> visiting) {
        if (placed.contains(queue.logicalId())) {
            return;
        }
        if (!visiting.add(queue.logicalId())) {
            throw new IllegalStateException("queues redrive to each other in a cycle: " + visiting);
        }
        if (queue.deadLetterQueue() != null) {
            place(model.queue(queue.deadLetterQueue()), ordered, placed, visiting);
        }
        ordered.add(queue);
        placed.add(queue.logicalId());
    }

    /**
     * Creates the missing buckets; returns logical id to bucket name. An existing bucket (a data directory's, after a
     * restart) is kept with its objects. Only the bucket itself: S3Proxy has no encryption, public access block or
     * lifecycle settings to apply (locally every request must be signed, and nothing is public).
     */
    Map<String, String> provisionBuckets(S3Client s3) {
        Map<String, String> names = new LinkedHashMap<>();
        for (TemplateModel.Bucket bucket : model.buckets()) {
            try {
                s3.headBucket(b -> b.bucket(bucket.bucketName()));
                LOG.debug("bucket {} exists", bucket.bucketName());
            } catch (S3Exception absent) {
                if (absent.statusCode() != 404) {
                    throw absent;
                }
                try {
                    s3.createBucket(b -> b.bucket(bucket.bucketName()));
                    LOG.info("created bucket {}", bucket.bucketName());
                } catch (BucketAlreadyOwnedByYouException raced) {
                    LOG.debug("bucket {} was created concurrently", bucket.bucketName());
                }
            }
            names.put(bucket.logicalId(), bucket.bucketName());
        }
        return names;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
