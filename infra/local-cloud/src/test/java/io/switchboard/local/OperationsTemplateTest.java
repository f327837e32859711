package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an operator of the deployed stack relies on, read from template.yaml: alarms, log retention, least privilege,
 * retained data, what SAM's build does with each function, and the SAM transform itself.
 */
class OperationsTemplateTest {

    private static final Path TEMPLATE = TemplateModel.locate(Path.of("")).orElseThrow();
    private static final Map<String, Object> RESOURCES = map(load().get("Resources"));

    /**
     * Statements allowed a Resource of "*", each because AWS offers nothing narrower for the action. None today: the
     * X-Ray write permission that Tracing: Active needs (xray:PutTraceSegments has no resource-level permissions) is
     * SAM's managed policy AWSXrayWriteOnlyAccess, attached by the transform, not a statement of this template; EMF
     * metrics are log lines, so no cloudwatch:PutMetricData (which would need "*") is granted.
     */
    private static final Map<String, String> STAR_RESOURCE_ALLOWED = Map.of();

    @Test
    void everyQueueThatCanHoldAMessage_hasAnAlarmOnItsQueueName() {
        List<String> queues = ofType("AWS::SQS::Queue");
        assertEquals(5, queues.size(), queues.toString());
        List<String> alarmed = new ArrayList<>();
        for (String alarm : ofType("AWS::CloudWatch::Alarm")) {
            Map<String, Object> properties = map(map(RESOURCES.get(alarm)).get("Properties"));
            if ("AWS/SQS".equals(properties.get("Namespace"))) {
                for (Object dimension : list(properties.get("Dimensions"))) {
                    Map<String, Object> d = map(dimension);
                    assertEquals("QueueName", d.get("Name"), alarm);
                    alarmed.add(getAtt(d.get("Value"), "QueueName"));
                }
                assertTrue(list(properties.get("AlarmActions")).contains(Map.of("Ref", "AlarmTopic")), alarm);
            }
        }
        for (String queue : queues) {
            assertTrue(alarmed.contains(queue), "no alarm on queue " + queue + " (alarmed: " + alarmed + ")");
        }
    }

    @Test
    void everyFunction_logsToAGroupWithRetention_inJson_andHasErrorAndThrottleAlarms() {
        List<String> functions = ofType("AWS::Serverless::Function");
        assertEquals(8, functions.size(), functions.toString());
        List<String> alarmedFunctions = new ArrayList<>();
        for (String alarm : ofType("AWS::CloudWatch::Alarm")) {
            Map<String, Object> properties = map(map(RESOURCES.get(alarm)).get("Properties"));
            if ("AWS/Lambda".equals(properties.get("Namespace"))) {
                Object function = map(list(properties.get("Dimensions")).get(0)).get("Value");
                alarmedFunctions.add(properties.get("MetricName") + " " + map(function).get("Ref"));
            }
        }
        for (String function : functions) {
            Map<String, Object> logging = map(map(map(RESOURCES.get(function)).get("Properties")).get("LoggingConfig"));
            assertEquals("JSON", logging.get("LogFormat"), function);
            assertEquals(Map.of("Ref", "LogLevel"), logging.get("ApplicationLogLevel"), function);
            String group = String.valueOf(map(logging.get("LogGroup")).get("Ref"));
            Map<String, Object> logGroup = map(RESOURCES.get(group));
            assertEquals("AWS::Logs::LogGroup", logGroup.get("Type"), function + " logs to " + group);
            assertEquals(Map.of("Ref", "LogRetentionDays"), map(logGroup.get("Properties")).get("RetentionInDays"), group);
            assertTrue(alarmedFunctions.contains("Errors " + function), "no Errors alarm on " + function);
            assertTrue(alarmedFunctions.contains("Throttles " + function), "no Throttles alarm on " + function);
        }
        Map<String, Object> globals = map(map(load().get("Globals")).get("Function"));
        assertEquals("Active", globals.get("Tracing"));
    }

    @Test
    void noPolicyStatement_grantsEveryResource_exceptWhereAwsAllowsNothingNarrower() {
        int statements = 0;
        for (String function : ofType("AWS::Serverless::Function")) {
            for (Object policy : list(map(map(RESOURCES.get(function)).get("Properties")).get("Policies"))) {
                for (Map<String, Object> statement : statements(map(policy).get("Statement"))) {
                    statements++;
                    Object resource = statement.get("Resource");
                    boolean star = "*".equals(resource) || (resource instanceof List<?> l && l.contains("*"));
                    String key = function + "/" + statement.get("Sid");
                    assertFalse(star && !STAR_RESOURCE_ALLOWED.containsKey(key), key + " grants Resource \"*\"");
                    assertNotNull(resource, key + " names no resource");
                }
            }
        }
        assertTrue(statements > 20, "read " + statements + " statements");
    }

    @Test
    void secretsQueuesTablesAndBuckets_areRetained_whenTheStackIsDeletedOrReplacesThem() {
        for (String type : List.of("AWS::SecretsManager::Secret", "AWS::SQS::Queue", "AWS::DynamoDB::Table",
                "AWS::S3::Bucket", "AWS::S3::BucketPolicy")) {
            for (String id : ofType(type)) {
                Map<String, Object> resource = map(RESOURCES.get(id));
                assertEquals("Retain", resource.get("DeletionPolicy"), id);
                assertEquals("Retain", resource.get("UpdateReplacePolicy"), id);
            }
        }
    }

    /**
     * SAM CLI builds every function whose CodeUri is not a .zip and has no SkipBuild metadata, and a .jar CodeUri makes
     * its Maven workflow fail (aws-sam-cli#4575); sam sync builds the same way. So each function skips the build and
     * names the shaded jar its module's Maven build writes (lambda.jar.name), with a handler class of that module.
     */
    @Test
    void samBuild_skipsEveryFunction_whoseCodeUriIsTheJarItsModuleBuilds() throws IOException {
        Path root = TEMPLATE.toAbsolutePath().getParent();
        Pattern codeUri = Pattern.compile("(functions/[a-z]+)/target/([a-z-]+)\\.jar");
        for (String function : ofType("AWS::Serverless::Function")) {
            Map<String, Object> resource = map(RESOURCES.get(function));
            Map<String, Object> properties = map(resource.get("Properties"));
            String uri = String.valueOf(properties.get("CodeUri"));
            boolean zip = uri.endsWith(".zip");
            assertTrue(zip || Boolean.TRUE.equals(map(resource.get("Metadata")).get("SkipBuild")),
                    function + ": sam build would run a Maven workflow on " + uri);
            Matcher matcher = codeUri.matcher(uri);
            assertTrue(matcher.matches(), function + ": " + uri);
            String pom = Files.readString(root.resolve(matcher.group(1)).resolve("pom.xml"));
            assertTrue(pom.contains("<lambda.jar.name>" + matcher.group(2) + "</lambda.jar.name>"),
                    function + ": " + matcher.group(1) + " does not build " + uri);
            String handler = String.valueOf(properties.get("Handler")).replaceFirst("::.*", "");
            assertTrue(Files.exists(root.resolve(matcher.group(1)).resolve("src/main/java")
                    .resolve(handler.replace('.', '/') + ".java")), function + ": " + handler + " is not in " + uri);
        }
    }

    @Test
    void outputs_nameEverySecretQueueTableAndBucket() {
        List<String> referenced = new ArrayList<>();
        map(load().get("Outputs")).values().forEach(output -> {
            Object value = map(output).get("Value");
            if (value instanceof Map<?, ?> ref && ref.get("Ref") != null) {
                referenced.add(String.valueOf(ref.get("Ref")));
            }
        });
        for (String type : List.of("AWS::SecretsManager::Secret", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::S3::Bucket")) {
            for (String id : ofType(type)) {
                assertTrue(referenced.contains(id), "no output names " + id);
            }
        }
    }

    /**
     * Every bucket is private and encrypted, refuses plain HTTP, and aborts the uploads nobody completed: the media it
     * holds are the customers' photos, documents and voice notes.
     */
    @Test
    void everyBucket_isEncryptedPrivateOwnerEnforcedTlsOnly_andAbortsIncompleteUploads() {
        List<String> buckets = ofType("AWS::S3::Bucket");
        assertEquals(List.of("MediaBucket"), buckets);
        for (String bucket : buckets) {
            Map<String, Object> properties = map(map(RESOURCES.get(bucket)).get("Properties"));
            Map<String, Object> encryption = map(map(list(map(properties.get("BucketEncryption"))
                    .get("ServerSideEncryptionConfiguration")).get(0)).get("ServerSideEncryptionByDefault"));
            assertEquals("AES256", encryption.get("SSEAlgorithm"), bucket);
            assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                    "RestrictPublicBuckets", true), properties.get("PublicAccessBlockConfiguration"), bucket);
            assertEquals(List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced")),
                    map(properties.get("OwnershipControls")).get("Rules"), bucket);
            assertTrue(list(map(properties.get("LifecycleConfiguration")).get("Rules")).stream().anyMatch(rule ->
                    "Enabled".equals(map(rule).get("Status")) && Integer.valueOf(1).equals(
                            map(map(rule).get("AbortIncompleteMultipartUpload")).get("DaysAfterInitiation"))), bucket);

            List<Map<String, Object>> denyPlainHttp = new ArrayList<>();
            for (String policy : ofType("AWS::S3::BucketPolicy")) {
                Map<String, Object> policyProperties = map(map(RESOURCES.get(policy)).get("Properties"));
                if (Map.of("Ref", bucket).equals(policyProperties.get("Bucket"))) {
                    for (Map<String, Object> statement : statements(map(policyProperties.get("PolicyDocument")).get("Statement"))) {
                        if ("Deny".equals(statement.get("Effect")) && "false".equals(String.valueOf(
                                map(map(statement.get("Condition")).get("Bool")).get("aws:SecureTransport")))) {
                            denyPlainHttp.add(statement);
                        }
                    }
                }
            }
            assertEquals(1, denyPlainHttp.size(), bucket + ": no statement denies requests without TLS");
            Map<String, Object> deny = denyPlainHttp.get(0);
            assertEquals("*", deny.get("Principal"));
            assertEquals("s3:*", deny.get("Action"));
            assertEquals(List.of(Map.of("Fn::GetAtt", List.of(bucket, "Arn")), Map.of("Fn::Sub", "${" + bucket + ".Arn}/*")),
                    deny.get("Resource"), "the bucket and every object in it");
        }
    }

    /** The translator cfn-lint ships with (samtranslator) transforms the template as CloudFormation would. */
    @Test
    void theSamTranslator_transformsTheTemplate() throws Exception {
        Path script = Path.of(getClass().getResource("/sam-translate.py").toURI());
        Process probe;
        try {
            probe = new ProcessBuilder("python3", "-c", "import samtranslator").redirectErrorStream(true).start();
        } catch (IOException noPython) {
            assumeTrue(false, "python3 is not installed here: the SAM translator cannot run (" + noPython.getMessage() + ")");
            return;
        }
        assertTrue(probe.waitFor(120, TimeUnit.SECONDS));
        assumeTrue(probe.exitValue() == 0, "python3 has no samtranslator (pip install cfn-lint brings it): "
                + new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        ProcessBuilder builder = new ProcessBuilder("python3", script.toString(), TEMPLATE.toString());
        builder.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        Path errors = Files.createTempFile("sam-translate", ".err");
        Process translate = builder.redirectError(errors.toFile()).start();
        byte[] out = translate.getInputStream().readAllBytes();
        assertTrue(translate.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, translate.exitValue(), Files.readString(errors));
        JsonNode resources = Json.MAPPER.readTree(out).path("Resources");
        // What the transform made of the operations settings.
        JsonNode stage = resources.path("HttpApiApiGatewayDefaultStage").path("Properties");
        assertEquals("$default", stage.path("StageName").asText());
        assertTrue(stage.path("DefaultRouteSettings").has("ThrottlingRateLimit"), stage.toString());
        assertTrue(stage.path("AccessLogSettings").has("DestinationArn"), stage.toString());
        assertEquals("Active", resources.path("WhatsAppFunction").path("Properties").path("TracingConfig").path("Mode").asText());
        assertEquals("AWS::Lambda::Function", resources.path("ReplayFunction").path("Type").asText());
        Files.deleteIfExists(errors);
    }

    // ---------------------------------------------------------------- reading the template

    private static Map<String, Object> load() {
        try {
            return CloudFormationYaml.load(TEMPLATE);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        RESOURCES.forEach((id, resource) -> {
            if (type.equals(map(resource).get("Type"))) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** A policy's statements, including those inside Fn::If (both branches). */
    private static List<Map<String, Object>> statements(Object value) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Object item : list(value)) {
            Map<String, Object> statement = map(item);
            if (statement.containsKey("Fn::If")) {
                List<Object> branches = list(statement.get("Fn::If"));
                for (Object branch : branches.subList(1, 3)) {
                    if (!map(branch).containsKey("Ref")) {
                        found.addAll(statements(List.of(branch)));
                    }
                }
            } else {
                found.add(statement);
            }
        }
        return found;
    }

    private static String getAtt(Object value, String attribute) {
        List<Object> parts = list(map(value).get("Fn::GetAtt"));
        assertEquals(attribute, parts.get(1));
        return String.valueOf(parts.get(0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : value == null ? List.of() : List.of(value);
    }
}
