package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.local.iam.IamDenials;
import io.switchboard.local.testing.NoIamDenials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A function's S3 calls are held to its template policy like its DynamoDB and SQS calls: one that may only read the
 * bucket is refused s3:PutObject with S3's AccessDenied (403) before anything is sent, one with SAM's S3WritePolicy
 * stores the object. The bucket reaches the functions by !Ref, as their settings.
 */
@NoIamDenials.ExpectsIamDenials
class S3IamEnforcementTest {

    private static final String TEMPLATE = """
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
              MediaBucket:
                Type: AWS::S3::Bucket
              ReaderFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.switchboard.local.testing.MediaWriterHandler::handleRequest
                  Environment:
                    Variables:
                      MEDIA_BUCKET: !Ref MediaBucket
                  Policies:
                    - Version: "2012-10-17"
                      Statement:
                        - Sid: ReadMedia
                          Effect: Allow
                          Action: s3:GetObject
                          Resource: !Sub "${MediaBucket.Arn}/*"
                  Events:
                    Store:
                      Type: HttpApi
                      Properties:
                        ApiId: !Ref Api
                        Path: /reader
                        Method: POST
              WriterFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.switchboard.local.testing.MediaWriterHandler::handleRequest
                  Environment:
                    Variables:
                      MEDIA_BUCKET: !Ref MediaBucket
                  Policies:
                    - S3WritePolicy:
                        BucketName: !Ref MediaBucket
                  Events:
                    Store:
                      Type: HttpApi
                      Properties:
                        ApiId: !Ref Api
                        Path: /writer
                        Method: POST
            """;

    @Test
    void givenAFunctionWithoutPutObject_whenItStoresMedia_thenS3AccessDeniedIsAnsweredAndTheDenialNamed(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path template = Files.writeString(dir.resolve("template.yaml"), TEMPLATE);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().template(template))) {
            String bucket = cloud.bucketName("MediaBucket");
            assertEquals(bucket, cloud.function("ReaderFunction").environment().get("MEDIA_BUCKET"));

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl()
                    + "/reader?key=customer-1/entry-1/0")).POST(HttpRequest.BodyPublishers.ofString("photo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals("AccessDenied", refused.body());
            assertEquals(List.of(new IamDenials.Denial("ReaderFunction", "s3:PutObject",
                    "arn:aws:s3:::" + bucket + "/customer-1/entry-1/0")), cloud.iamDenials().all());
            assertThrows(NoSuchKeyException.class, () -> cloud.s3().headObject(b -> b.bucket(bucket).key("customer-1/entry-1/0")));

            HttpResponse<String> stored = http.send(HttpRequest.newBuilder(URI.create(cloud.baseUrl()
                    + "/writer?key=customer-1/entry-1/0")).POST(HttpRequest.BodyPublishers.ofString("photo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, stored.statusCode(), stored.body());
            assertEquals("photo", cloud.s3().getObjectAsBytes(b -> b.bucket(bucket).key("customer-1/entry-1/0")).asUtf8String());
            assertEquals(1, cloud.iamDenials().all().size(), cloud.iamDenials().all().toString());
        }
    }
}
