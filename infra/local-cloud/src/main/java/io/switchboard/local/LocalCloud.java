package io.switchboard.local;

import io.switchboard.local.console.Console;
import io.switchboard.local.console.ConsoleRecorder;
import io.switchboard.local.iam.AwsActions;
import io.switchboard.local.iam.FunctionPolicy;
import io.switchboard.local.iam.IamDenials;
import io.switchboard.local.iam.IamEnforcer;
import io.switchboard.local.standin.ProviderStandIns;
import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole of template.yaml on one machine: DynamoDB Local, ElasticMQ and S3Proxy in this JVM (or any AWS-compatible
 * endpoint), the template's tables, queues and buckets, its functions' HTTP routes on a local gateway, and its stream
 * subscriptions fed by a poller. Used by {@link Main}, the integration tests and the benchmarks.
 *
 * <pre>{@code
 * try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().env(Map.of("SWITCHBOARD_API_TOKEN", "t0ken")))) {
 *     // POST a webhook to cloud.baseUrl() + a route of the template, read cloud.queueUrl("EventsQueue") with cloud.sqs()...
 * }
 * }</pre>
 */
public final class LocalCloud implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCloud.class);

    /** How to start it. Ports 0 pick free ports; {@link Main} uses 3000, 8000, 9324 and 4572. */
    public static final class Options {
        private int port;
        private int dynamoDbPort;
        private int sqsPort;
        private int s3Port;
        private Path dataDir;
        private String awsEndpoint;
        private Path template;
        private Map<String, String> parameters = Map.of();
        private Map<String, String> env = Map.of();
        private List<Object> singletons = List.of();
        private boolean iamEnforcement = true;
        private boolean streamPoller = true;
        private boolean providerStandIns = true;
        private String dynamoDbClientEndpoint;
        private Duration streamStallThreshold = StreamPoller.DEFAULT_STALL_THRESHOLD;

        /** The HTTP gateway's port. */
        public Options port(int port) {
            this.port = port;
            return this;
        }

        public Options dynamoDbPort(int dynamoDbPort) {
            this.dynamoDbPort = dynamoDbPort;
            return this;
        }

        public Options sqsPort(int sqsPort) {
            this.sqsPort = sqsPort;
            return this;
        }

        /** The embedded S3's port. */
        public Options s3Port(int s3Port) {
            this.s3Port = s3Port;
            return this;
        }

        /** Where DynamoDB Local and the stream checkpoints persist; null (default) keeps everything in memory. */
        public Options dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Use this AWS-compatible endpoint (LocalStack...) for DynamoDB and SQS instead of the embedded ones;
         * null (default) starts DynamoDB Local and ElasticMQ.
         */
        public Options awsEndpoint(String awsEndpoint) {
            this.awsEndpoint = awsEndpoint;
            return this;
        }

        /** Default: template.yaml in the working directory or the nearest parent that has one. */
        public Options template(Path template) {
            this.template = template;
            return this;
        }

        /** Template parameter values over their defaults, as {@code sam deploy --parameter-overrides} gives them. */
        public Options parameters(Map<String, String> parameters) {
            this.parameters = Map.copyOf(parameters);
            return this;
        }

        /** Settings given to every function over everything else (secrets in tests, for example). */
        public Options env(Map<String, String> env) {
            this.env = Map.copyOf(env);
            return this;
        }

        /** Extra beans in every function's application context (an SDK ExecutionInterceptor, say). */
        public Options singletons(List<Object> singletons) {
            this.singletons = List.copyOf(singletons);
            return this;
        }

        /**
         * False: do not feed table streams and queues to functions (tests that want to look at the stream or a
         * queue themselves).
         */
        public Options streamPoller(boolean streamPoller) {
            this.streamPoller = streamPoller;
            return this;
        }

        /**
         * Where every client (the cloud's, the pollers' and the functions') reaches the embedded DynamoDB Local,
         * instead of its own endpoint: a fault-injecting proxy in front of it in tests. Null (default): directly.
         */
        public Options dynamoDbClientEndpoint(String dynamoDbClientEndpoint) {
            this.dynamoDbClientEndpoint = dynamoDbClientEndpoint;
            return this;
        }

        /**
         * When /health calls a stream consumer stalled: no pass over its stream and no batch handed over for this
         * long, or an unpublished change older than this. Default {@link StreamPoller#DEFAULT_STALL_THRESHOLD}.
         */
        public Options streamStallThreshold(Duration streamStallThreshold) {
            this.streamStallThreshold = Objects.requireNonNull(streamStallThreshold);
            return this;
        }

        /**
         * Whether each function's SDK calls are checked against its policy in template.yaml (on by default, as
         * on AWS): a call its policy does not allow is refused with AccessDenied.
         */
        public Options iamEnforcement(boolean iamEnforcement) {
            this.iamEnforcement = iamEnforcement;
            return this;
        }

        /**
         * False: no provider stand-ins; replies go wherever the senders' endpoint settings (environment or
         * {@link #env}) point, by default the real providers.
         */
        public Options providerStandIns(boolean providerStandIns) {
            this.providerStandIns = providerStandIns;
            return this;
        }
    }

    private static final java.util.regex.Pattern API_GATEWAY_URL =
            java.util.regex.Pattern.compile("^https://[^/]+\\.execute-api\\.[^/]+(/.*)?$");

    private final Options options;
    private final TemplateModel model;
    private final Provisioner provisioner;
    private final EmbeddedDynamoDb embeddedDynamoDb;
    private final EmbeddedSqs embeddedSqs;
    /** The embedded S3 (or the --aws-endpoint's), its client and the buckets. */
    private final LocalS3 s3;
    private final String dynamoDbEndpoint;
    private final String sqsEndpoint;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient dynamoDbStreams;
    private final SqsClient sqs;
    private final Map<String, String> tableNames;
    private final Settings s3ClientSettings;
    private volatile Map<String, Provisioner.ProvisionedQueue> queues;
    private final List<LocalFunction> functions = new ArrayList<>();
    private final List<StreamPoller> pollers = new ArrayList<>();
    private final List<QueuePoller> queuePollers = new ArrayList<>();
    private volatile HttpGateway gateway;
    private ProviderStandIns standIns;
    /** Sees every webhook's outcome and every queue send of the functions, for the console and --print-events. */
    private final ConsoleRecorder recorder = new ConsoleRecorder();
    /** The calls refused because the template's policies do not allow them. */
    private final IamDenials iamDenials = new IamDenials();
    private Console console;

    private LocalCloud(Options options) {
        this.options = options;
        Path templatePath = options.template != null ? options.template
                : TemplateModel.locate(Path.of("")).orElseThrow(() -> new IllegalArgumentException(
                "no template.yaml in " + Path.of("").toAbsolutePath() + " or its parents (use --template)"));
        this.model = TemplateModel.load(templatePath, options.parameters);
        this.provisioner = new Provisioner(model);
        this.s3 = new LocalS3(options.s3Port, options.awsEndpoint, options.dataDir, merge(System.getenv(), options.env));
        if (options.awsEndpoint == null) {
            Path dynamoDir = options.dataDir == null ? null : options.dataDir.resolve("dynamodb");
            this.embeddedDynamoDb = new EmbeddedDynamoDb(options.dynamoDbPort, dynamoDir);
            this.embeddedSqs = new EmbeddedSqs(options.sqsPort);
            this.dynamoDbEndpoint = options.dynamoDbClientEndpoint != null ? options.dynamoDbClientEndpoint
                    : embeddedDynamoDb.endpoint();
            this.sqsEndpoint = embeddedSqs.endpoint();
        } else {
            this.embeddedDynamoDb = null;
            this.embeddedSqs = null;
            this.dynamoDbEndpoint = options.awsEndpoint;
            this.sqsEndpoint = options.awsEndpoint;
        }
        // The cloud's own clients create tables and queues, which an embedded DynamoDB on a busy machine can take
        // long to do: they wait up to a minute.
        Settings clientSettings = Settings.of(merge(merge(System.getenv(), endpointSettings()),
                Map.of(AwsClientFactory.CALL_TIMEOUT_SECONDS, "60")));
        this.dynamoDb = AwsClientFactory.configure(DynamoDbClient.builder(), "DYNAMODB", clientSettings, List.of()).build();
        this.dynamoDbStreams = AwsClientFactory.configure(DynamoDbStreamsClient.builder(), "DYNAMODB", clientSettings, List.of()).build();
        this.sqs = AwsClientFactory.configure(SqsClient.builder(), "SQS", clientSettings, List.of()).build();
        this.s3ClientSettings = clientSettings;
        this.tableNames = new LinkedHashMap<>();
    }

    public static LocalCloud start(Options options) {
        LocalCloud cloud = new LocalCloud(Objects.requireNonNull(options));
        try {
            cloud.startAll();
            return cloud;
        } catch (RuntimeException | Error e) {
            cloud.close();
            throw e;
        }
    }

    private void startAll() {
        long started = System.nanoTime();
        // DynamoDB and SQS start and are provisioned side by side: each takes about a second, mostly class
        // loading and warming up.
        CompletableFuture<Map<String, String>> tables = inBackground("start-dynamodb", () -> {
            if (embeddedDynamoDb != null) {
                embeddedDynamoDb.start();
            }
            return provisioner.provisionTables(dynamoDb);
        });
        CompletableFuture<Map<String, Provisioner.ProvisionedQueue>> provisionedQueues = inBackground("start-sqs", () -> {
            if (embeddedSqs != null) {
                embeddedSqs.start();
            }
            return provisioner.provisionQueues(sqs);
        });
        CompletableFuture<Map<String, String>> buckets = inBackground("start-s3", () -> s3.start(provisioner, s3ClientSettings));
        tableNames.putAll(result(tables, CompletableFuture.allOf(provisionedQueues, buckets)));
        queues = result(provisionedQueues, CompletableFuture.allOf(tables, buckets));
        result(buckets, CompletableFuture.allOf(tables, provisionedQueues));
        TemplateModel.LocalResources local = new TemplateModel.LocalResources() {
            @Override
            public String tableName(String logicalId) {
                return LocalCloud.this.tableName(logicalId);
            }

            @Override
            public String queueUrl(String logicalId) {
                return LocalCloud.this.queueUrl(logicalId);
            }

            @Override
            public String queueArn(String logicalId) {
                return LocalCloud.this.queueArn(logicalId);
            }
        };
        // The gateway's port is chosen first: functions are told where this deployment's public URL is (a
        // provider's status callback URL) and the stand-ins where to post status webhooks.
        int gatewayPort = Ports.resolve(options.port);
        String gatewayBase = "http://localhost:" + gatewayPort;
        Map<String, String> standInSettings = new LinkedHashMap<>();
        // The stand-ins take any credentials: replies work locally without real ones (never used on AWS, where
        // they come from the OutboundSecret). An environment variable of the same name wins.
        Map<String, String> standInCredentials = Map.of();
        if (options.providerStandIns) {
            Map<String, String> given = merge(System.getenv(), options.env);
            try {
                // Each stand-in signs its status webhooks with the settings of the function that receives them
                // (once the gateway serves it; else the settings every function gets).
                standIns = ProviderStandIns.start(0, new ProviderStandIns.Config(gatewayBase,
                        (path, name) -> servingSettings(path, given).get(name)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the provider stand-ins: " + e.getMessage(), e);
            }
            standInSettings.putAll(standIns.senderSettings());
            standInCredentials = standIns.senderCredentials();
        }
        for (TemplateModel.Function definition : model.functions()) {
            Map<String, String> environment = new HashMap<>(System.getenv());
            if (options.awsEndpoint != null) {
                // A service-specific endpoint in the shell would win over --aws-endpoint in the SDK's lookup.
                environment.remove("AWS_ENDPOINT_URL_DYNAMODB");
                environment.remove("AWS_ENDPOINT_URL_SQS");
                environment.remove(LocalS3.ENDPOINT_SETTING);
            }
            model.resolveEnvironment(definition, local).forEach((name, value) -> environment.put(name,
                    localApiUrl(value, gatewayBase)));
            environment.putAll(endpointSettings());
            environment.putAll(standInSettings);
            standInCredentials.forEach(environment::putIfAbsent);
            environment.putAll(options.env);
            List<Object> singletons = new ArrayList<>(options.singletons);
            singletons.add(recorder);
            if (options.iamEnforcement) {
                FunctionPolicy policy = new FunctionPolicy(definition.logicalId(), model.policyStatements(definition, local));
                singletons.add(new IamEnforcer(policy, new AwsActions(TemplateModel.REGION, TemplateModel.ACCOUNT_ID),
                        iamDenials, TemplateModel.ACCOUNT_ID));
            }
            functions.add(LocalFunction.create(definition, environment, singletons.toArray()));
        }
        try {
            gateway = HttpGateway.start(gatewayPort, functions);
        } catch (IOException e) {
            if (PortInUseException.isBindFailure(e)) {
                throw new PortInUseException("the gateway", gatewayPort, "--port");
            }
            throw new UncheckedIOException("cannot serve HTTP on port " + gatewayPort + ": " + e.getMessage(), e);
        }
        console = new Console(this, gateway, recorder);
        gateway.localPages(console);
        if (options.streamPoller) {
            Checkpoints checkpoints = new Checkpoints(
                    options.dataDir == null ? null : options.dataDir.resolve("stream-checkpoints.properties"));
            for (LocalFunction function : functions) {
                for (TemplateModel.StreamEvent event : function.definition().streamEvents()) {
                    // The queue's URL at each send: ElasticMQ restarted by a fault test re-creates it.
                    java.util.function.Consumer<String> onFailure = event.onFailureQueueLogicalId() == null ? null
                            : body -> sqs.sendMessage(b -> b.queueUrl(queueUrl(event.onFailureQueueLogicalId())).messageBody(body));
                    pollers.add(new StreamPoller(function, event, tableName(event.tableLogicalId()), dynamoDb,
                            dynamoDbStreams, checkpoints, options.streamStallThreshold, onFailure).start());
                }
                for (TemplateModel.QueueEvent event : function.definition().queueEvents()) {
                    queuePollers.add(new QueuePoller(function, event, queueUrl(event.queueLogicalId()),
                            queueArn(event.queueLogicalId()), sqs).start());
                }
            }
        }
        // Main prints the one summary line a user reads; this is for the tests' and tools' logs.
        LOG.debug("local cloud up in {} ms: gateway {}, DynamoDB {}, SQS {}", (System.nanoTime() - started) / 1_000_000,
                baseUrl(), dynamoDbEndpoint, sqsEndpoint);
    }

    /** The settings of the function the gateway serves this webhook path with (POST), else {@code fallback}. */
    private Map<String, String> servingSettings(String path, Map<String, String> fallback) {
        HttpGateway serving = gateway;
        return serving == null ? fallback : serving.functionFor("POST", path).map(LocalFunction::environment).orElse(fallback);
    }

    /** A URL of the template's HTTP API (https://<api>.execute-api...) is the local gateway here. */
    private static String localApiUrl(String value, String gatewayBase) {
        java.util.regex.Matcher api = value == null ? null : API_GATEWAY_URL.matcher(value);
        return api != null && api.matches() ? gatewayBase + (api.group(1) == null ? "" : api.group(1)) : value;
    }

    private static <T> CompletableFuture<T> inBackground(String name, Supplier<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(task.get());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    /** The future's value; on failure, after the other one settled too (so that close() finds a quiet state). */
    private static <T> T result(CompletableFuture<T> future, CompletableFuture<?> other) {
        try {
            return future.join();
        } catch (CompletionException e) {
            other.handle((value, error) -> null).join();
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** The endpoint settings every SDK client here (and in the functions) gets. */
    private Map<String, String> endpointSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (options.awsEndpoint == null) {
            settings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint);
            settings.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint);
            settings.put(LocalS3.ENDPOINT_SETTING, s3.endpoint());
        } else {
            settings.put(Settings.AWS_ENDPOINT_URL, options.awsEndpoint);
        }
        settings.put(Settings.AWS_REGION, TemplateModel.REGION);
        // Embedded services on a loaded machine are slow, not down: a longer SDK deadline than on AWS (5 s). Not
        // minutes either: a connection left over from a stopped service fails only when its read times out.
        settings.put(AwsClientFactory.CALL_TIMEOUT_SECONDS, "15");
        return settings;
    }

    private static Map<String, String> merge(Map<String, String> base, Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(base);
        merged.putAll(overrides);
        return merged;
    }

    // ------------------------------------------------------------------ what tests and tools use

    public TemplateModel template() {
        return model;
    }

    /** The gateway, e.g. http://localhost:3000. */
    public String baseUrl() {
        return gateway.baseUrl();
    }

    /** Every route as "METHOD URL". */
    public List<String> routeUrls() {
        return gateway.routeUrls();
    }

    public String dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public String sqsEndpoint() {
        return sqsEndpoint;
    }

    /** The embedded S3 (path-style: {@code <endpoint>/<bucket>/<key>}), or the --aws-endpoint. */
    public String s3Endpoint() {
        return s3.endpoint();
    }

    /** An S3 client for the local endpoint, path-style (owned by the cloud: do not close it). */
    public S3Client s3() {
        return s3.client();
    }

    /** The name of the template's bucket with this logical id, as created locally. */
    public String bucketName(String logicalId) {
        return s3.bucketName(logicalId);
    }

    public String tableName(String logicalId) {
        String name = tableNames.get(logicalId);
        if (name == null) {
            throw new IllegalArgumentException("the template has no table " + logicalId);
        }
        return name;
    }

    public String queueUrl(String logicalId) {
        return queue(logicalId).url();
    }

    public String queueArn(String logicalId) {
        return queue(logicalId).arn();
    }

    /** Queue logical id to URL, in template order. */
    public Map<String, String> queueUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        queues.forEach((id, queue) -> urls.put(id, queue.url()));
        return urls;
    }

    private Provisioner.ProvisionedQueue queue(String logicalId) {
        Provisioner.ProvisionedQueue queue = queues.get(logicalId);
        if (queue == null) {
            throw new IllegalArgumentException("the template has no queue " + logicalId);
        }
        return queue;
    }

    /** A DynamoDB client for the local endpoint (owned by the cloud: do not close it). */
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** An SQS client for the local endpoint (owned by the cloud: do not close it). */
    public SqsClient sqs() {
        return sqs;
    }

    public List<LocalFunction> functions() {
        return List.copyOf(functions);
    }

    public LocalFunction function(String logicalId) {
        return functions.stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the template has no function " + logicalId));
    }

    /** The console's page (GET /console), its samples and the health endpoint (GET /health). */
    public Console console() {
        return console;
    }

    /** What the functions did, as the console shows it: webhook outcomes and queue sends. */
    /** Every SDK call of a function that its template policy did not allow, in order. */
    public IamDenials iamDenials() {
        return iamDenials;
    }

    public ConsoleRecorder recorder() {
        return recorder;
    }

    /** The provider stand-ins the senders call (null when started without them). */
    public ProviderStandIns standIns() {
        return standIns;
    }

    /**
     * Every socket address the local cloud's own servers listen on, by server (gateway, stand-ins, DynamoDB Local,
     * ElasticMQ): all on the loopback interface, so no other machine can reach them.
     */
    public Map<String, List<java.net.InetSocketAddress>> boundAddresses() {
        Map<String, List<java.net.InetSocketAddress>> addresses = new LinkedHashMap<>();
        addresses.put("gateway", List.of(gateway.boundAddress()));
        if (standIns != null) {
            addresses.put("provider stand-ins", List.of(standIns.boundAddress()));
        }
        if (embeddedDynamoDb != null) {
            addresses.put("DynamoDB Local", embeddedDynamoDb.boundAddresses());
        }
        if (embeddedSqs != null) {
            addresses.put("ElasticMQ", embeddedSqs.boundAddresses());
        }
        if (s3.embedded()) {
            addresses.put("S3", s3.boundAddresses());
        }
        return addresses;
    }

    public List<QueuePoller> queuePollers() {
        return List.copyOf(queuePollers);
    }

    public List<StreamPoller> streamPollers() {
        return List.copyOf(pollers);
    }

    /**
     * True once every stream poller has handed everything written before this call to its function, false
     * when that does not happen within the timeout (a function keeps failing, DynamoDB is down...).
     */
    public boolean awaitStreamsIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (StreamPoller poller : pollers) {
            if (!poller.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ fault injection

    /** Stops ElasticMQ (queues and messages are lost, as its storage is in memory). */
    public void stopSqs() {
        requireEmbedded().embeddedSqs.stop();
    }

    /** Starts ElasticMQ again on the same port and re-creates the template's queues (same URLs). */
    public void startSqs() {
        requireEmbedded().embeddedSqs.start();
        queues = provisioner.provisionQueues(sqs);
    }

    /** Stops DynamoDB Local. In memory its tables are lost; with a data directory they survive. */
    public void stopDynamoDb() {
        requireEmbedded().embeddedDynamoDb.stop();
    }

    /** Starts DynamoDB Local again on the same port and creates whatever tables are missing. */
    public void startDynamoDb() {
        requireEmbedded().embeddedDynamoDb.start();
        if (options.dataDir == null) {
            LOG.info("DynamoDB Local restarted in memory: the tables are created again, empty");
        }
        provisioner.provisionTables(dynamoDb);
    }

    private LocalCloud requireEmbedded() {
        if (embeddedDynamoDb == null) {
            throw new UnsupportedOperationException("the services run at " + options.awsEndpoint + ", not in this JVM");
        }
        return this;
    }

    /** Stops the pollers, the gateway, the functions, S3, ElasticMQ and DynamoDB Local, in that order. */
    @Override
    public synchronized void close() {
        pollers.forEach(StreamPoller::close);
        pollers.clear();
        queuePollers.forEach(QueuePoller::close);
        queuePollers.clear();
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        functions.forEach(LocalFunction::close);
        functions.clear();
        if (standIns != null) {
            standIns.close();
            standIns = null;
        }
        dynamoDbStreams.close();
        dynamoDb.close();
        sqs.close();
        s3.close();
        if (embeddedSqs != null) {
            embeddedSqs.stop();
        }
        if (embeddedDynamoDb != null) {
            embeddedDynamoDb.stop();
        }
    }
}
