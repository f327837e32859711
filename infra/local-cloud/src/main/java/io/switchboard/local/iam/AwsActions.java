package io.switchboard.local.iam;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;

/**
 * What IAM authorizes for one SDK call: the actions and the resource ARNs, as the services document them in the
 * <a href="https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html">
 * Service Authorization Reference</a>. The points where the action is not simply {@code <service>:<Operation>}:
 * <ul>
 *   <li>DynamoDB transactions are authorized item by item, with each item's own action (PutItem, UpdateItem,
 *       DeleteItem, ConditionCheckItem; GetItem for TransactGetItems); batches name every table they touch;
 *       a Query or Scan of an index is authorized on {@code table/<name>/index/<index>}.</li>
 *   <li>SQS batch calls are authorized as their single forms (SendMessageBatch needs sqs:SendMessage); the
 *       resource is the queue's ARN, derived from its URL.</li>
 *   <li>S3 object operations are authorized on {@code arn:aws:s3:::<bucket>/<key>}, bucket operations on
 *       {@code arn:aws:s3:::<bucket>} (S3 ARNs name no region or account). A multipart upload (create, each part,
 *       complete) and CopyObject's target need s3:PutObject, aborting one s3:AbortMultipartUpload; HeadObject needs
 *       s3:GetObject; ListObjects(V2) and HeadBucket need s3:ListBucket on the bucket; DeleteObjects needs
 *       s3:DeleteObject on every key it names.
 *       <a href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html">Policy
 *       actions for S3 operations</a></li>
 * </ul>
 */
public final class AwsActions {

    /** One action on one resource. */
    public record Access(String action, String resource) {
    }

    private final String region;
    private final String accountId;

    public AwsActions(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
    }

    /**
     * @param service   the SDK's service name (DynamoDb, Sqs, S3...)
     * @param operation the operation's name (GetItem, SendMessageBatch...)
     */
    public List<Access> of(String service, String operation, SdkRequest request) {
        String prefix = prefix(service);
        return switch (prefix) {
            case "dynamodb" -> dynamoDb(operation, request);
            case "sqs" -> sqs(operation, request);
            case "s3" -> s3(operation, request);
            default -> List.of(new Access(prefix + ":" + operation, "*"));
        };
    }

    /** The IAM service prefix of an SDK service name. */
    static String prefix(String service) {
        String lower = service.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "sesv2" -> "ses";
            default -> lower;
        };
    }

    private List<Access> dynamoDb(String operation, SdkRequest request) {
        List<Access> accesses = new ArrayList<>();
        if (request instanceof TransactWriteItemsRequest transaction) {
            for (TransactWriteItem item : transaction.transactItems()) {
                if (item.put() != null) {
                    accesses.add(new Access("dynamodb:PutItem", table(item.put().tableName())));
                }
                if (item.update() != null) {
                    accesses.add(new Access("dynamodb:UpdateItem", table(item.update().tableName())));
                }
                if (item.delete() != null) {
                    accesses.add(new Access("dynamodb:DeleteItem", table(item.delete().tableName())));
                }
                if (item.conditionCheck() != null) {
                    accesses.add(new Access("dynamodb:ConditionCheckItem", table(item.conditionCheck().tableName())));
                }
            }
            return accesses;
        }
        if (request instanceof TransactGetItemsRequest transaction) {
            for (TransactGetItem item : transaction.transactItems()) {
                accesses.add(new Access("dynamodb:GetItem", table(item.get().tableName())));
            }
            return accesses;
        }
        if (request instanceof BatchGetItemRequest batch) {
            batch.requestItems().keySet().forEach(name -> accesses.add(new Access("dynamodb:BatchGetItem", table(name))));
            return accesses;
        }
        if (request instanceof BatchWriteItemRequest batch) {
            batch.requestItems().keySet().forEach(name -> accesses.add(new Access("dynamodb:BatchWriteItem", table(name))));
            return accesses;
        }
        Optional<String> tableName = field(request, "TableName");
        Optional<String> indexName = field(request, "IndexName");
        String resource = tableName.map(name -> table(name) + indexName.map(index -> "/index/" + index).orElse(""))
                .orElse("*");
        return List.of(new Access("dynamodb:" + operation, resource));
    }

    private String table(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn
                : "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + nameOrArn;
    }

    private List<Access> sqs(String operation, SdkRequest request) {
        String action = switch (operation) {
            case "SendMessageBatch" -> "SendMessage";
            case "DeleteMessageBatch" -> "DeleteMessage";
            case "ChangeMessageVisibilityBatch" -> "ChangeMessageVisibility";
            default -> operation;
        };
        String resource = field(request, "QueueUrl").map(this::queueArn)
                .or(() -> field(request, "QueueName").map(name -> "arn:aws:sqs:" + region + ":"
                        + field(request, "QueueOwnerAWSAccountId").orElse(accountId) + ":" + name))
                .orElse("*");
        return List.of(new Access("sqs:" + action, resource));
    }

    /** {@code https://sqs.<region>.amazonaws.com/<account>/<name>} (or a local endpoint's) to the queue's ARN. */
    String queueArn(String queueUrl) {
        String[] path = URI.create(queueUrl).getPath().replaceAll("^/+", "").split("/");
        if (path.length < 2) {
            return "arn:aws:sqs:" + region + ":" + accountId + ":" + path[path.length - 1];
        }
        return "arn:aws:sqs:" + region + ":" + path[path.length - 2] + ":" + path[path.length - 1];
    }

    private List<Access> s3(String operation, SdkRequest request) {
        Optional<String> bucket = field(request, "Bucket");
        Optional<String> key = field(request, "Key");
        String bucketArn = bucket.map(name -> "arn:aws:s3:::" + name).orElse("*");
        String objectArn = bucket.isPresent() ? bucketArn + "/" + key.orElse("") : "*";
        return switch (operation) {
            case "PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "CopyObject" ->
                    List.of(new Access("s3:PutObject", objectArn));
            case "AbortMultipartUpload" -> List.of(new Access("s3:AbortMultipartUpload", objectArn));
            case "GetObject", "HeadObject" -> List.of(new Access("s3:GetObject", objectArn));
            case "DeleteObject" -> List.of(new Access("s3:DeleteObject", objectArn));
            case "DeleteObjects" -> {
                // Authorized key by key: s3:DeleteObject on each object named (a denied key fails the whole call
                // here, where S3 would report it among the batch's errors).
                List<Access> accesses = new ArrayList<>();
                if (request instanceof DeleteObjectsRequest batch && batch.delete() != null) {
                    batch.delete().objects().forEach(object -> accesses.add(new Access("s3:DeleteObject",
                            bucketArn + "/" + object.key())));
                }
                yield accesses.isEmpty() ? List.of(new Access("s3:DeleteObject", bucketArn + "/*")) : accesses;
            }
            case "ListObjects", "ListObjectsV2", "HeadBucket" -> List.of(new Access("s3:ListBucket", bucketArn));
            case "ListMultipartUploads" -> List.of(new Access("s3:ListBucketMultipartUploads", bucketArn));
            case "ListParts" -> List.of(new Access("s3:ListMultipartUploadParts", objectArn));
            default -> List.of(new Access("s3:" + operation, key.isPresent() ? objectArn : bucketArn));
        };
    }

    private static Optional<String> field(SdkRequest request, String name) {
        try {
            return request.getValueForField(name, String.class);
        } catch (ClassCastException notAString) {
            return Optional.empty();
        }
    }
}
