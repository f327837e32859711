package io.switchboard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.local.iam.PolicyStatement;
import io.switchboard.local.iam.SamPolicyTemplates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the local cloud needs to know from template.yaml: tables, queues, buckets, functions (with their HTTP routes,
 * stream subscriptions and environment) and secrets. The template is the single source of truth; nothing
 * here is configured twice in Java.
 */
public final class TemplateModel {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateModel.class);

    /** The stack name {@code AWS::StackName} resolves to locally. */
    public static final String STACK_NAME = "switchboard";
    public static final String REGION = io.switchboard.core.config.InvocationContext.LOCAL_REGION;
    /** The account id ElasticMQ and DynamoDB Local use in URLs and ARNs. */
    public static final String ACCOUNT_ID = io.switchboard.core.config.InvocationContext.LOCAL_ACCOUNT_ID;

    private static final String TABLE = "AWS::DynamoDB::Table";
    private static final String QUEUE = "AWS::SQS::Queue";
    private static final String FUNCTION = "AWS::Serverless::Function";
    private static final String SECRET = "AWS::SecretsManager::Secret";
    private static final String BUCKET = "AWS::S3::Bucket";

    public record KeyElement(String attributeName, String keyType) {
    }

    public record Index(String name, List<KeyElement> keySchema, String projectionType, List<String> nonKeyAttributes) {
    }

    /**
     * @param streamViewType null when the table has no stream
     * @param ttlAttribute   null when time to live is off
     */
    public record Table(String logicalId, String tableName, List<KeyElement> keySchema,
                        Map<String, String> attributeDefinitions, List<Index> localSecondaryIndexes,
                        List<Index> globalSecondaryIndexes, String streamViewType, String ttlAttribute) {
    }

    /**
     * Queue attributes as SQS names them (FifoQueue, VisibilityTimeout...), RedrivePolicy excluded: the
     * dead-letter queue is named by logical id because its ARN is only known once it exists.
     *
     * @param deadLetterQueue logical id of the redrive target, or null
     */
    public record Queue(String logicalId, String queueName, boolean fifo, Map<String, String> attributes,
                        String deadLetterQueue, Integer maxReceiveCount) {
    }

    /** An HttpApi event. {@code method} is upper case ("ANY" for all methods); path "$default" catches all. */
    public record HttpRoute(String eventId, String method, String path) {
        public String routeKey() {
            return path.equals("$default") ? "$default" : method + " " + path;
        }
    }

    /**
     * @param maximumRetryAttempts retries of a failing batch before it is given up; -1 (Lambda's default): until it
     *                             succeeds
     * @param onFailureQueueLogicalId the queue a given-up batch is reported to (DestinationConfig.OnFailure), or null
     */
    public record StreamEvent(String eventId, String tableLogicalId, int batchSize, String startingPosition,
                              int maximumRetryAttempts, String onFailureQueueLogicalId) {

        public StreamEvent(String eventId, String tableLogicalId, int batchSize, String startingPosition) {
            this(eventId, tableLogicalId, batchSize, startingPosition, -1, null);
        }
    }

    /** An SQS event source: the function is invoked with batches of the queue's messages. */
    public record QueueEvent(String eventId, String queueLogicalId, int batchSize, boolean reportsBatchItemFailures) {
    }

    /**
     * An AWS::Serverless::Function merged with Globals.Function.
     *
     * @param environment variable name to its template value, unresolved (may be an intrinsic function map)
     */
    public record Function(String logicalId, String handlerClass, String handlerMethod, Map<String, Object> environment,
                           List<HttpRoute> httpRoutes, List<StreamEvent> streamEvents, int timeoutSeconds,
                           int memorySize, List<QueueEvent> queueEvents) {
    }

    /**
     * An S3 bucket. Its name is the template's {@code BucketName}, else the one CloudFormation would generate
     * ({@code <stack>-<logical id, lower case>-<random suffix>}) without the suffix: {@code switchboard-mediabucket}.
     */
    public record Bucket(String logicalId, String bucketName) {
    }

    /** A Secrets Manager secret and the names of the keys in its JSON document (a channel's app secret, verify token...). */
    public record Secret(String logicalId, List<String> keys) {
    }

    /** What {@code !Ref} of the template's HTTP API gives locally. */
    public static final String LOCAL_HTTP_API_ID = "local";

    /** Where template resources live locally, for resolving function environment values. */
    public interface LocalResources {
        String tableName(String logicalId);

        /** The ARN a policy names for a Secrets Manager secret; null where secrets resolve to nothing. */
        default String secretArn(String logicalId) {
            return null;
        }

        String queueUrl(String logicalId);

        String queueArn(String logicalId);
    }

    private final Path source;
    private final Map<String, Object> parameters;
    private final Map<String, Object> conditions;
    private final Map<String, Object> outputs;
    private final Map<String, Map<String, Object>> resources;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Map<String, Bucket> buckets = new LinkedHashMap<>();
    /** Each function's properties merged with Globals.Function, for what the records leave out (Policies). */
    private final Map<String, Map<String, Object>> functionProperties = new LinkedHashMap<>();

    private final Map<String, String> parameterValues;

    private TemplateModel(Path source, Map<String, Object> template, Map<String, String> parameterValues) {
        this.source = source;
        this.parameters = map(template.get("Parameters"));
        this.parameterValues = Map.copyOf(parameterValues);
        for (String name : parameterValues.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("the template has no parameter " + name);
            }
        }
        this.conditions = map(template.get("Conditions"));
        this.outputs = map(template.get("Outputs"));
        this.resources = new LinkedHashMap<>();
        map(template.get("Resources")).forEach((id, resource) -> resources.put(id, map(resource)));
        Map<String, Object> functionGlobals = map(map(template.get("Globals")).get("Function"));
        resources.forEach((id, resource) -> {
            String type = String.valueOf(resource.get("Type"));
            Map<String, Object> properties = map(resource.get("Properties"));
            switch (type) {
                case TABLE -> tables.put(id, table(id, properties));
                case QUEUE -> queues.put(id, queue(id, properties));
                case FUNCTION -> {
                    Map<String, Object> merged = merge(functionGlobals, properties);
                    functionProperties.put(id, merged);
                    functions.put(id, function(id, merged));
                }
                case SECRET -> secrets.put(id, secret(id, properties));
                case BUCKET -> buckets.put(id, bucket(id, properties));
                default -> {
                }
            }
        });
    }

    public static TemplateModel load(Path file) {
        return load(file, Map.of());
    }

    /** @param parameterValues values over the parameters' defaults (sam deploy --parameter-overrides) */
    public static TemplateModel load(Path file, Map<String, String> parameterValues) {
        try {
            return new TemplateModel(file.toAbsolutePath(), CloudFormationYaml.load(file), parameterValues);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read template " + file + ": " + e.getMessage(), e);
        }
    }

    public static TemplateModel parse(String yaml) {
        return new TemplateModel(null, CloudFormationYaml.load(yaml), Map.of());
    }

    /** template.yaml in {@code start} or the nearest parent directory that has one. */
    public static Optional<Path> locate(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The file it was read from, or null when parsed from a string. */
    public Path source() {
        return source;
    }

    public List<Table> tables() {
        return List.copyOf(tables.values());
    }

    public List<Queue> queues() {
        return List.copyOf(queues.values());
    }

    public List<Function> functions() {
        return List.copyOf(functions.values());
    }

    public List<Secret> secrets() {
        return List.copyOf(secrets.values());
    }

    public List<Bucket> buckets() {
        return List.copyOf(buckets.values());
    }

    public Bucket bucket(String logicalId) {
        return require(buckets, logicalId, "bucket");
    }

    public Table table(String logicalId) {
        return require(tables, logicalId, "table");
    }

    public Queue queue(String logicalId) {
        return require(queues, logicalId, "queue");
    }

    public Function function(String logicalId) {
        return require(functions, logicalId, "function");
    }

    /** The names of the template's parameters. */
    public java.util.Set<String> parameterNames() {
        return java.util.Collections.unmodifiableSet(parameters.keySet());
    }

    /** The names of the outputs whose value is {@code !Ref logicalId} (e.g. ChannelSecretArn for ChannelSecret). */
    public List<String> outputsReferencing(String logicalId) {
        List<String> names = new ArrayList<>();
        outputs.forEach((name, output) -> {
            if (map(map(output).get("Value")).get("Ref") instanceof String ref && ref.equals(logicalId)) {
                names.add(name);
            }
        });
        return names;
    }

    /** Secrets a function's environment points at ({@code SWITCHBOARD_SECRET_ID: !Ref ChannelSecret}). */
    public List<Secret> secretsOf(Function function) {
        List<Secret> result = new ArrayList<>();
        function.environment().values().forEach(value -> {
            if (value instanceof Map<?, ?> ref && ref.get("Ref") instanceof String id && secrets.containsKey(id)) {
                result.add(secrets.get(id));
            }
        });
        return result;
    }

    private static <T> T require(Map<String, T> map, String logicalId, String kind) {
        T value = map.get(logicalId);
        if (value == null) {
            throw new IllegalArgumentException("the template has no " + kind + " " + logicalId);
        }
        return value;
    }

    // ------------------------------------------------------------------ IAM policies

    /**
     * The statements of a function's execution role as SAM writes them from its {@code Policies}: inline policy
     * documents with their references resolved to the local resources' ARNs ({@code !If} branches and
     * {@code AWS::NoValue} as CloudFormation resolves them), and SAM policy templates expanded. A managed policy
     * named by its name or ARN is left out with a warning: its content is not in the template.
     *
     * @throws IllegalArgumentException for a policy template or statement the local cloud cannot evaluate
     */
    public List<PolicyStatement> policyStatements(Function function, LocalResources local) {
        LocalResources withSecrets = new LocalResources() {
            @Override
            public String tableName(String logicalId) {
                return local.tableName(logicalId);
            }

            @Override
            public String queueUrl(String logicalId) {
                return local.queueUrl(logicalId);
            }

            @Override
            public String queueArn(String logicalId) {
                return local.queueArn(logicalId);
            }

            @Override
            public String secretArn(String logicalId) {
                return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT_ID + ":secret:" + logicalId;
            }
        };
        try {
            return policyStatements(function, functionProperties.getOrDefault(function.logicalId(), Map.of())
                    .get("Policies"), withSecrets);
        } catch (Unresolvable unresolvable) {
            throw new IllegalArgumentException("function " + function.logicalId() + ": a policy names something"
                    + " with no local value: " + unresolvable.getMessage(), unresolvable);
        }
    }

    private List<PolicyStatement> policyStatements(Function function, Object policies, LocalResources withSecrets) {
        List<PolicyStatement> statements = new ArrayList<>();
        for (Object policy : policies instanceof List<?> items ? items : policies == null ? List.of() : List.of(policies)) {
            Object chosen = chooseBranch(policy, withSecrets);
            if (chosen == null) {
                continue;
            }
            if (chosen instanceof String managed) {
                LOG.warn("function {}: managed policy {} is not evaluated locally; calls only it allows are refused",
                        function.logicalId(), managed);
                continue;
            }
            Map<String, Object> document = map(chosen);
            if (document.containsKey("Statement")) {
                Object statementList = document.get("Statement");
                for (Object statement : statementList instanceof List<?> l ? l : List.of(statementList)) {
                    Object resolved = chooseBranch(statement, withSecrets);
                    if (resolved != null) {
                        statements.add(statement(function, map(resolved), withSecrets));
                    }
                }
            } else if (document.size() == 1) {
                String name = document.keySet().iterator().next();
                SamPolicyTemplates.Template template = SamPolicyTemplates.named(name).orElseThrow(() ->
                        new IllegalArgumentException("function " + function.logicalId() + ": SAM policy template "
                                + name + " is not one the local cloud expands (see SamPolicyTemplates)"));
                Object value = map(document.get(name)).get(template.parameter());
                if (value == null) {
                    throw new IllegalArgumentException("function " + function.logicalId() + ": " + name + " needs "
                            + template.parameter());
                }
                statements.add(template.expand(name, resolve(value, withSecrets), REGION, ACCOUNT_ID));
            } else {
                throw new IllegalArgumentException("function " + function.logicalId() + ": a policy is a managed"
                        + " policy name, a policy document or a SAM policy template, not " + document.keySet());
            }
        }
        return statements;
    }

    /** A value behind {@code !If} (recursively), or null for {@code AWS::NoValue}. */
    private Object chooseBranch(Object value, LocalResources local) {
        Map<String, Object> intrinsic = map(value);
        if (intrinsic.size() == 1 && intrinsic.get("Fn::If") instanceof List<?> parts && parts.size() == 3) {
            return chooseBranch(condition(String.valueOf(parts.get(0)), local) ? parts.get(1) : parts.get(2), local);
        }
        if (intrinsic.size() == 1 && "AWS::NoValue".equals(intrinsic.get("Ref"))) {
            return null;
        }
        return value;
    }

    private PolicyStatement statement(Function function, Map<String, Object> statement, LocalResources local) {
        if (statement.containsKey("Condition")) {
            throw new IllegalArgumentException("function " + function.logicalId() + ": statement "
                    + statement.get("Sid") + " has a Condition, which the local cloud does not evaluate");
        }
        String effect = String.valueOf(statement.get("Effect"));
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw new IllegalArgumentException("function " + function.logicalId() + ": statement "
                    + statement.get("Sid") + " has Effect " + effect + " (Allow or Deny)");
        }
        boolean notAction = statement.containsKey("NotAction");
        boolean notResource = statement.containsKey("NotResource");
        List<String> actions = strings(statement.get(notAction ? "NotAction" : "Action"), local);
        List<String> resources = strings(statement.get(notResource ? "NotResource" : "Resource"), local);
        return new PolicyStatement(statement.get("Sid") == null ? null : String.valueOf(statement.get("Sid")),
                effect.equals("Allow"), actions, notAction, resources, notResource);
    }

    /** A policy element's values: one or a list, each a string, a reference, or a list parameter's items. */
    private List<String> strings(Object value, LocalResources local) {
        List<String> values = new ArrayList<>();
        Object chosen = chooseBranch(value, local);
        if (chosen == null) {
            return values;
        }
        if (chosen instanceof List<?> items) {
            items.forEach(item -> values.addAll(strings(item, local)));
            return values;
        }
        Map<String, Object> intrinsic = map(chosen);
        if (intrinsic.get("Ref") instanceof String name && parameters.containsKey(name)
                && "CommaDelimitedList".equals(map(parameters.get(name)).get("Type"))) {
            values.addAll(resolveList(chosen, local));
            return values;
        }
        try {
            values.add(resolve(chosen, local));
        } catch (Omitted omitted) {
            // AWS::NoValue inside a value: nothing to add
        }
        return values;
    }

    // ------------------------------------------------------------------ environment resolution

    /**
     * The function's environment as it would be on Lambda, with template references pointing at the local
     * resources. A reference to a Secrets Manager secret is left out (there is none locally: secrets come from
     * the process environment or test settings); anything else that has no local meaning is left out with a
     * warning.
     */
    public Map<String, String> resolveEnvironment(Function function, LocalResources local) {
        Map<String, String> resolved = new LinkedHashMap<>();
        function.environment().forEach((name, value) -> {
            try {
                resolved.put(name, resolve(value, local));
            } catch (Omitted omitted) {
                LOG.debug("{}: {} not set locally ({})", function.logicalId(), name, omitted.getMessage());
            } catch (Unresolvable unresolvable) {
                LOG.warn("{}: environment variable {} left out locally: {}", function.logicalId(), name,
                        unresolvable.getMessage());
            }
        });
        return resolved;
    }

    /** Resolves a template value that needs no local resources (parameters, pseudo parameters, !Sub of those). */
    String resolveStatic(Object value) {
        return resolve(value, null);
    }

    private String resolve(Object value, LocalResources local) {
        if (value == null) {
            throw new Unresolvable("null value");
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        if (value instanceof List<?>) {
            throw new Unresolvable("a list is not a string value");
        }
        Map<String, Object> intrinsic = map(value);
        if (intrinsic.size() != 1) {
            throw new Unresolvable("not an intrinsic function: " + value);
        }
        Map.Entry<String, Object> fn = intrinsic.entrySet().iterator().next();
        Object argument = fn.getValue();
        return switch (fn.getKey()) {
            case "Ref" -> ref(String.valueOf(argument), local);
            case "Fn::GetAtt" -> {
                List<?> parts = list(argument);
                if (parts.size() != 2) {
                    throw new Unresolvable("Fn::GetAtt needs [resource, attribute]: " + argument);
                }
                yield getAtt(String.valueOf(parts.get(0)), resolve(parts.get(1), local), local);
            }
            case "Fn::Sub" -> sub(argument, local);
            case "Fn::Join" -> {
                List<?> parts = list(argument);
                if (parts.size() != 2) {
                    throw new Unresolvable("Fn::Join needs [delimiter, values]: " + argument);
                }
                yield String.join(String.valueOf(parts.get(0)), resolveList(parts.get(1), local));
            }
            case "Fn::Select" -> {
                List<?> parts = list(argument);
                if (parts.size() != 2) {
                    throw new Unresolvable("Fn::Select needs [index, list]: " + argument);
                }
                int index = Integer.parseInt(resolve(parts.get(0), local));
                List<?> items = list(parts.get(1));
                if (index < 0 || index >= items.size()) {
                    throw new Unresolvable("Fn::Select index out of range: " + argument);
                }
                yield resolve(items.get(index), local);
            }
            case "Fn::If" -> {
                List<?> parts = list(argument);
                if (parts.size() != 3) {
                    throw new Unresolvable("Fn::If needs [condition, then, else]: " + argument);
                }
                yield resolve(condition(String.valueOf(parts.get(0)), local) ? parts.get(1) : parts.get(2), local);
            }
            default -> throw new Unresolvable(fn.getKey() + " has no local value");
        };
    }

    /**
     * A list value: a YAML list of values, or a {@code !Ref} to a CommaDelimitedList parameter (its items; none
     * when it is empty), or {@code !Split}.
     */
    private List<String> resolveList(Object value, LocalResources local) {
        if (value instanceof List<?> items) {
            List<String> values = new ArrayList<>();
            for (Object item : items) {
                values.add(resolve(item, local));
            }
            return values;
        }
        Map<String, Object> intrinsic = map(value);
        if (intrinsic.get("Ref") instanceof String name && parameters.containsKey(name)
                && "CommaDelimitedList".equals(map(parameters.get(name)).get("Type"))) {
            String joined = ref(name, local);
            return joined.isEmpty() ? List.of() : List.of(joined.split(",", -1));
        }
        if (intrinsic.get("Fn::Split") instanceof List<?> parts && parts.size() == 2) {
            return List.of(resolve(parts.get(1), local).split(java.util.regex.Pattern.quote(String.valueOf(parts.get(0))), -1));
        }
        throw new Unresolvable("not a list value: " + value);
    }

    private String ref(String name, LocalResources local) {
        switch (name) {
            case "AWS::StackName":
                return STACK_NAME;
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT_ID;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::NoValue":
                throw new Omitted("AWS::NoValue");
            default:
                break;
        }
        if (parameterValues.containsKey(name)) {
            return parameterValues.get(name);
        }
        if (parameters.containsKey(name)) {
            Object defaultValue = map(parameters.get(name)).get("Default");
            if (defaultValue == null) {
                throw new Unresolvable("parameter " + name + " has no Default");
            }
            return resolve(defaultValue, local);
        }
        if (secrets.containsKey(name)) {
            String arn = local == null ? null : local.secretArn(name);
            if (arn != null) {
                return arn;
            }
            throw new Omitted("Secrets Manager secret " + name + " does not exist locally");
        }
        if (tables.containsKey(name) && local != null) {
            return local.tableName(name);
        }
        if (queues.containsKey(name) && local != null) {
            return local.queueUrl(name);
        }
        if (buckets.containsKey(name)) {
            // The same name locally and on any S3-compatible endpoint: the bucket is created under it.
            return buckets.get(name).bucketName();
        }
        if (resources.containsKey(name) && "AWS::Serverless::HttpApi".equals(resources.get(name).get("Type"))) {
            // The API's id; URLs built from it (https://<id>.execute-api...) are the local gateway's.
            return LOCAL_HTTP_API_ID;
        }
        throw new Unresolvable("!Ref " + name + " has no local value");
    }

    private String getAtt(String resource, String attribute, LocalResources local) {
        if (tables.containsKey(resource) && attribute.equals("Arn")) {
            String name = local != null ? local.tableName(resource) : tables.get(resource).tableName();
            return "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT_ID + ":table/" + name;
        }
        if (queues.containsKey(resource)) {
            switch (attribute) {
                case "QueueName":
                    return queues.get(resource).queueName();
                case "QueueUrl":
                    if (local != null) {
                        return local.queueUrl(resource);
                    }
                    break;
                case "Arn":
                    if (local != null) {
                        return local.queueArn(resource);
                    }
                    break;
                default:
                    break;
            }
        }
        if (buckets.containsKey(resource)) {
            // As CloudFormation gives them (AWS::S3::Bucket, "Return values"). The domain names are AWS's: locally a
            // client reaches the bucket through AWS_ENDPOINT_URL_S3, by name, path-style.
            String name = buckets.get(resource).bucketName();
            switch (attribute) {
                case "Arn":
                    return "arn:aws:s3:::" + name;
                case "DomainName":
                    return name + ".s3.amazonaws.com";
                case "RegionalDomainName":
                    return name + ".s3." + REGION + ".amazonaws.com";
                case "DualStackDomainName":
                    return name + ".s3.dualstack." + REGION + ".amazonaws.com";
                default:
                    break;
            }
        }
        throw new Unresolvable("!GetAtt " + resource + "." + attribute + " has no local value");
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private String sub(Object argument, LocalResources local) {
        String text;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> parts) {
            if (parts.size() != 2) {
                throw new Unresolvable("Fn::Sub needs a string or [string, variables]: " + argument);
            }
            text = String.valueOf(parts.get(0));
            variables = map(parts.get(1));
        } else {
            text = String.valueOf(argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}"; // ${!Literal} is written out as ${Literal}
            } else if (variables.containsKey(name)) {
                replacement = resolve(variables.get(name), local);
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                replacement = getAtt(name.substring(0, dot), name.substring(dot + 1), local);
            } else {
                replacement = ref(name, local);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private boolean condition(String name, LocalResources local) {
        if (!conditions.containsKey(name)) {
            throw new Unresolvable("unknown condition " + name);
        }
        return evaluate(conditions.get(name), local);
    }

    private boolean evaluate(Object expression, LocalResources local) {
        Map<String, Object> fn = map(expression);
        if (fn.size() != 1) {
            throw new Unresolvable("not a condition: " + expression);
        }
        Map.Entry<String, Object> entry = fn.entrySet().iterator().next();
        List<?> arguments = entry.getValue() instanceof List<?> l ? l : List.of(entry.getValue());
        return switch (entry.getKey()) {
            case "Condition" -> condition(String.valueOf(entry.getValue()), local);
            case "Fn::Equals" -> resolve(arguments.get(0), local).equals(resolve(arguments.get(1), local));
            case "Fn::Not" -> !evaluate(arguments.get(0), local);
            case "Fn::And" -> arguments.stream().allMatch(argument -> evaluate(argument, local));
            case "Fn::Or" -> arguments.stream().anyMatch(argument -> evaluate(argument, local));
            default -> throw new Unresolvable(entry.getKey() + " is not a condition function");
        };
    }

    /** A value that cannot be given locally; the variable is left out with a warning. */
    private static class Unresolvable extends RuntimeException {
        Unresolvable(String message) {
            super(message, null, false, false);
        }
    }

    /** A value deliberately absent locally (a secret, AWS::NoValue); left out without a warning. */
    private static final class Omitted extends Unresolvable {
        Omitted(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ resources

    private Table table(String id, Map<String, Object> properties) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Object definition : list(properties.get("AttributeDefinitions"))) {
            Map<String, Object> d = map(definition);
            attributes.put(String.valueOf(d.get("AttributeName")), String.valueOf(d.get("AttributeType")));
        }
        Map<String, Object> stream = map(properties.get("StreamSpecification"));
        Map<String, Object> ttl = map(properties.get("TimeToLiveSpecification"));
        boolean ttlEnabled = Boolean.parseBoolean(String.valueOf(ttl.getOrDefault("Enabled", "false")));
        String tableName = properties.containsKey("TableName") ? resolveStatic(properties.get("TableName")) : id;
        return new Table(id, tableName, keySchema(properties.get("KeySchema")), attributes,
                indexes(properties.get("LocalSecondaryIndexes")), indexes(properties.get("GlobalSecondaryIndexes")),
                stream.get("StreamViewType") == null ? null : String.valueOf(stream.get("StreamViewType")),
                ttlEnabled ? String.valueOf(ttl.get("AttributeName")) : null);
    }

    private static List<KeyElement> keySchema(Object schema) {
        List<KeyElement> keys = new ArrayList<>();
        for (Object element : list(schema)) {
            Map<String, Object> e = map(element);
            keys.add(new KeyElement(String.valueOf(e.get("AttributeName")), String.valueOf(e.get("KeyType"))));
        }
        return List.copyOf(keys);
    }

    private static List<Index> indexes(Object definitions) {
        List<Index> indexes = new ArrayList<>();
        for (Object definition : list(definitions)) {
            Map<String, Object> d = map(definition);
            Map<String, Object> projection = map(d.get("Projection"));
            List<String> nonKey = list(projection.get("NonKeyAttributes")).stream().map(String::valueOf).toList();
            indexes.add(new Index(String.valueOf(d.get("IndexName")), keySchema(d.get("KeySchema")),
                    String.valueOf(projection.getOrDefault("ProjectionType", "ALL")), nonKey));
        }
        return List.copyOf(indexes);
    }

    private Bucket bucket(String id, Map<String, Object> properties) {
        if (properties.containsKey("BucketName")) {
            return new Bucket(id, resolveStatic(properties.get("BucketName")));
        }
        // Bucket names: 3 to 63 of a-z, 0-9, '-' and '.'. A logical id is alphanumeric.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
        String name = (STACK_NAME + "-" + id).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        return new Bucket(id, name.length() > 63 ? name.substring(0, 63).replaceAll("[.-]+$", "") : name);
    }

    private static final List<String> PLAIN_QUEUE_ATTRIBUTES = List.of("VisibilityTimeout", "MessageRetentionPeriod",
            "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize");

    private Queue queue(String id, Map<String, Object> properties) {
        boolean fifo = Boolean.parseBoolean(String.valueOf(properties.getOrDefault("FifoQueue", "false")));
        String name = properties.containsKey("QueueName")
                ? resolveStatic(properties.get("QueueName"))
                : id + (fifo ? ".fifo" : ""); // CloudFormation would generate one; the logical id is stable
        Map<String, String> attributes = new LinkedHashMap<>();
        if (fifo) {
            attributes.put("FifoQueue", "true");
            attributes.put("ContentBasedDeduplication",
                    String.valueOf(Boolean.parseBoolean(String.valueOf(properties.getOrDefault("ContentBasedDeduplication", "false")))));
        }
        for (String attribute : PLAIN_QUEUE_ATTRIBUTES) {
            if (properties.containsKey(attribute)) {
                attributes.put(attribute, resolveStatic(properties.get(attribute)));
            }
        }
        String deadLetterQueue = null;
        Integer maxReceiveCount = null;
        if (properties.get("RedrivePolicy") != null) {
            Map<String, Object> redrive = map(properties.get("RedrivePolicy"));
            Object target = redrive.get("deadLetterTargetArn");
            if (target instanceof Map<?, ?> getAtt && getAtt.get("Fn::GetAtt") instanceof List<?> parts
                    && parts.size() == 2 && "Arn".equals(parts.get(1))) {
                deadLetterQueue = String.valueOf(parts.get(0));
            } else {
                LOG.warn("queue {}: RedrivePolicy target {} is not !GetAtt <queue>.Arn; no dead-letter queue locally", id, target);
            }
            maxReceiveCount = Integer.valueOf(resolveStatic(redrive.getOrDefault("maxReceiveCount", 10)));
        }
        return new Queue(id, name, fifo, Map.copyOf(attributes), deadLetterQueue, maxReceiveCount);
    }

    private Function function(String id, Map<String, Object> properties) {
        String handler = String.valueOf(properties.get("Handler"));
        int separator = handler.indexOf("::");
        String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
        String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);
        Map<String, Object> environment = new LinkedHashMap<>(map(map(properties.get("Environment")).get("Variables")));
        List<HttpRoute> routes = new ArrayList<>();
        List<StreamEvent> streams = new ArrayList<>();
        List<QueueEvent> queueEvents = new ArrayList<>();
        map(properties.get("Events")).forEach((eventId, eventValue) -> {
            Map<String, Object> event = map(eventValue);
            Map<String, Object> eventProperties = map(event.get("Properties"));
            String type = String.valueOf(event.get("Type"));
            if (type.equals("HttpApi")) {
                Object path = eventProperties.get("Path");
                Object method = eventProperties.get("Method");
                if (path == null && method == null) {
                    routes.add(new HttpRoute(eventId, "ANY", "$default"));
                } else {
                    routes.add(new HttpRoute(eventId, normalizeMethod(String.valueOf(method)), String.valueOf(path)));
                }
            } else if (type.equals("DynamoDB")) {
                Object stream = eventProperties.get("Stream");
                String tableId = null;
                if (stream instanceof Map<?, ?> getAtt && getAtt.get("Fn::GetAtt") instanceof List<?> parts
                        && parts.size() == 2 && "StreamArn".equals(parts.get(1))) {
                    tableId = String.valueOf(parts.get(0));
                }
                if (tableId == null || !resources.containsKey(tableId)) {
                    LOG.warn("function {}: event {} reads a stream that is not a table of this template ({}); not polled locally",
                            id, eventId, stream);
                    return;
                }
                String onFailureQueueId = null;
                if (eventProperties.get("DestinationConfig") instanceof Map<?, ?> destinations
                        && destinations.get("OnFailure") instanceof Map<?, ?> onFailure) {
                    if (onFailure.get("Destination") instanceof Map<?, ?> getAtt && getAtt.get("Fn::GetAtt") instanceof List<?> parts
                            && parts.size() == 2 && "Arn".equals(parts.get(1)) && resources.containsKey(String.valueOf(parts.get(0)))) {
                        onFailureQueueId = String.valueOf(parts.get(0));
                    } else {
                        LOG.warn("function {}: event {} has an OnFailure destination that is not !GetAtt <queue>.Arn ({});"
                                + " given-up batches are only logged locally", id, eventId, onFailure.get("Destination"));
                    }
                }
                streams.add(new StreamEvent(eventId, tableId,
                        Integer.parseInt(String.valueOf(eventProperties.getOrDefault("BatchSize", 100))),
                        String.valueOf(eventProperties.getOrDefault("StartingPosition", "TRIM_HORIZON")),
                        Integer.parseInt(String.valueOf(eventProperties.getOrDefault("MaximumRetryAttempts", -1))),
                        onFailureQueueId));
            } else if (type.equals("SQS")) {
                Object queue = eventProperties.get("Queue");
                String queueId = null;
                if (queue instanceof Map<?, ?> getAtt && getAtt.get("Fn::GetAtt") instanceof List<?> parts
                        && parts.size() == 2 && "Arn".equals(parts.get(1))) {
                    queueId = String.valueOf(parts.get(0));
                }
                if (queueId == null || !resources.containsKey(queueId)) {
                    LOG.warn("function {}: event {} reads a queue that is not a queue of this template ({}); not polled locally",
                            id, eventId, queue);
                    return;
                }
                Object responseTypes = eventProperties.get("FunctionResponseTypes");
                queueEvents.add(new QueueEvent(eventId, queueId,
                        Integer.parseInt(String.valueOf(eventProperties.getOrDefault("BatchSize", 10))),
                        responseTypes instanceof List<?> types && types.contains("ReportBatchItemFailures")));
            } else {
                LOG.warn("function {}: event {} of type {} is not served locally", id, eventId, type);
            }
        });
        return new Function(id, handlerClass, handlerMethod, java.util.Collections.unmodifiableMap(environment),
                List.copyOf(routes), List.copyOf(streams),
                Integer.parseInt(String.valueOf(properties.getOrDefault("Timeout", 3))),
                Integer.parseInt(String.valueOf(properties.getOrDefault("MemorySize", 128))), List.copyOf(queueEvents));
    }

    private static String normalizeMethod(String method) {
        String upper = method.toUpperCase(java.util.Locale.ROOT);
        return upper.equals("*") ? "ANY" : upper;
    }

    private static Secret secret(String id, Map<String, Object> properties) {
        Set<String> keys = new LinkedHashSet<>();
        Map<String, Object> generate = map(properties.get("GenerateSecretString"));
        jsonKeys(generate.get("SecretStringTemplate"), id, keys);
        if (generate.get("GenerateStringKey") != null) {
            keys.add(String.valueOf(generate.get("GenerateStringKey")));
        }
        jsonKeys(properties.get("SecretString"), id, keys);
        return new Secret(id, List.copyOf(keys));
    }

    private static void jsonKeys(Object json, String secretId, Set<String> keys) {
        if (!(json instanceof String text)) {
            return;
        }
        try {
            JsonNode node = new ObjectMapper().readTree(text);
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                keys.add(names.next());
            }
        } catch (IOException e) {
            LOG.debug("secret {}: secret string is not a JSON object", secretId);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** SAM's Globals: a function's own value wins; maps (Environment.Variables...) are merged key by key. */
    private static Map<String, Object> merge(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> merged = new LinkedHashMap<>(globals);
        own.forEach((key, value) -> {
            Object global = merged.get(key);
            if (global instanceof Map<?, ?> && value instanceof Map<?, ?> && !isIntrinsic(value)) {
                merged.put(key, merge(map(global), map(value)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static boolean isIntrinsic(Object value) {
        return value instanceof Map<?, ?> m && m.size() == 1
                && m.keySet().iterator().next() instanceof String key && (key.equals("Ref") || key.startsWith("Fn::"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
