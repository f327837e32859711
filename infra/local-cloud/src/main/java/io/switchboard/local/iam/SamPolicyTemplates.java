package io.switchboard.local.iam;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SAM policy templates the local cloud expands, with the statements SAM writes for them
 * (<a href="https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html">
 * policy template list</a>). A template not listed here makes the local cloud refuse to start, naming it, rather
 * than guess what it allows.
 */
public final class SamPolicyTemplates {

    /**
     * @param parameter the template's one parameter (TableName, QueueName, BucketName)
     * @param actions   the actions of its one statement
     * @param resources ARN formats, {@code %s} standing for the parameter's value; partition aws
     */
    public record Template(String parameter, List<String> actions, List<String> resources) {

        public PolicyStatement expand(String templateName, String value, String region, String accountId) {
            return PolicyStatement.allow(templateName, actions, resources.stream()
                    .map(format -> format.replace("${Region}", region).replace("${AccountId}", accountId)
                            .replace("%s", value))
                    .toList());
        }
    }

    private static final String TABLE = "arn:aws:dynamodb:${Region}:${AccountId}:table/%s";
    private static final String QUEUE = "arn:aws:sqs:${Region}:${AccountId}:%s";
    private static final String BUCKET = "arn:aws:s3:::%s";

    private static final Map<String, Template> TEMPLATES = Map.of(
            "DynamoDBCrudPolicy", new Template("TableName", List.of("dynamodb:GetItem", "dynamodb:DeleteItem",
                    "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem",
                    "dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"),
                    List.of(TABLE, TABLE + "/index/*")),
            "DynamoDBReadPolicy", new Template("TableName", List.of("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
                    "dynamodb:BatchGetItem", "dynamodb:DescribeTable"), List.of(TABLE, TABLE + "/index/*")),
            "SQSPollerPolicy", new Template("QueueName", List.of("sqs:ChangeMessageVisibility",
                    "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:DeleteMessageBatch",
                    "sqs:GetQueueAttributes", "sqs:ReceiveMessage"), List.of(QUEUE)),
            "SQSSendMessagePolicy", new Template("QueueName", List.of("sqs:SendMessage*"), List.of(QUEUE)),
            "S3ReadPolicy", new Template("BucketName", List.of("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation",
                    "s3:GetObjectVersion", "s3:GetLifecycleConfiguration"), List.of(BUCKET, BUCKET + "/*")),
            "S3WritePolicy", new Template("BucketName", List.of("s3:PutObject", "s3:PutObjectAcl",
                    "s3:PutLifecycleConfiguration"), List.of(BUCKET, BUCKET + "/*")),
            "S3CrudPolicy", new Template("BucketName", List.of("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation",
                    "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration",
                    "s3:PutLifecycleConfiguration", "s3:DeleteObject"), List.of(BUCKET, BUCKET + "/*")));

    private SamPolicyTemplates() {
    }

    public static Optional<Template> named(String name) {
        return Optional.ofNullable(TEMPLATES.get(name));
    }
}
