package io.switchboard.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar infra/local-cloud/target/switchboard-local.jar}: the local cloud on fixed ports until Ctrl-C.
 */
public final class Main {

    static final String USAGE = """
            Usage: java -jar infra/local-cloud/target/switchboard-local.jar [options]

            Runs template.yaml on this machine: DynamoDB Local, ElasticMQ and S3Proxy in this JVM, the template's tables,
            queues and buckets, its HTTP routes on a local gateway and its DynamoDB stream subscriptions. No Docker, no
            AWS account.

              --port N             HTTP gateway port (default 3000)
              --dynamodb-port N    DynamoDB Local port (default 8000)
              --sqs-port N         ElasticMQ (SQS) port (default 9324)
              --s3-port N          S3 (S3Proxy) port (default 4572)
              --data-dir DIR       keep tables, stream positions and bucket objects in DIR across restarts
                                   (default: in memory)
              --aws-endpoint URL   use this AWS-compatible endpoint (e.g. LocalStack) instead of the embedded services
              --template FILE      the SAM template (default: template.yaml here or in a parent directory)
              --parameter NAME=VALUE  a template parameter over its default (repeatable), as
                                   sam deploy --parameter-overrides, e.g. SubscriberQueueArns=arn:aws:sqs:...
              --env-file FILE      settings and secrets as NAME=VALUE lines (# comments); environment variables win
              --print-events       print every event a function sends to a queue (CloudEvents), pretty, on stdout
              --no-stand-ins       no provider stand-ins: replies go where the senders' endpoint settings point
                                   (default: the real providers)
              --help               this text
              replay --help        announce stored changes again to one queue (a separate command)
              smoke --help         check a deployed stack end to end: signed samples in, events out (a separate command)

            Webhook secrets (each channel's app secret, verify token...) come from environment variables or
            --env-file; each one left unset gets its development default (printed at startup; local only, the
            deployed stack reads its secrets from Secrets Manager).
            """;

    /**
     * Development defaults of the local secrets: the values the README's examples sign with. Public on purpose;
     * they never reach AWS (template.yaml's functions read Secrets Manager).
     */
    static final Map<String, String> DEVELOPMENT_DEFAULTS = developmentDefaults();

    /**
     * Every secret at its development value: each channel's (its descriptor's, discovered on the class path) and the
     * customer API's own.
     */
    private static Map<String, String> developmentDefaults() {
        Map<String, String> defaults = new java.util.TreeMap<>();
        io.switchboard.core.channel.ChannelDescriptor.all().forEach(channel -> defaults.putAll(channel.localSecrets()));
        defaults.put("SWITCHBOARD_API_TOKEN", "local-api-token");
        defaults.put("SWITCHBOARD_CURSOR_KEY", "local-cursor-key");
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(defaults));
    }

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("replay")) {
            System.exit(ReplayCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        if (args.length > 0 && args[0].equals("smoke")) {
            System.exit(io.switchboard.local.smoke.SmokeCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        LocalCloud.Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println();
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(USAGE);
            return;
        }
        Map<String, String> given = new java.util.HashMap<>(envFile);
        given.putAll(System.getenv());
        Set<String> defaulted = new LinkedHashSet<>();
        options.env(settings(envFile, given, defaulted));
        LocalCloud cloud;
        try {
            cloud = LocalCloud.start(options);
        } catch (RuntimeException e) {
            System.err.println("The local cloud did not start: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("start failure", e);
            System.exit(1);
            return;
        }
        // One timing: what the user waited for, from the JVM's start to the gateway answering.
        long sinceJvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        if (printEvents) {
            cloud.recorder().onPublished(published -> printEvent(System.out, published));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the local cloud...");
            cloud.close();
            stopped.countDown();
        }, "local-cloud-shutdown"));
        printReady(System.out, cloud, given, defaulted, sinceJvmStart);
        stopped.await();
    }

    /**
     * The settings the functions get over their environment: the --env-file's, then every secret at its configured
     * value or, when neither the environment nor the file sets it, at its development default.
     *
     * @param given     the environment and the file together (the environment wins)
     * @param defaulted receives the names left at their development default
     */
    static Map<String, String> settings(Map<String, String> file, Map<String, String> given, Set<String> defaulted) {
        Map<String, String> settings = new java.util.HashMap<>(file);
        DEVELOPMENT_DEFAULTS.forEach((name, value) -> {
            String configured = given.get(name);
            if (configured == null || configured.isEmpty()) {
                settings.put(name, value);
                defaulted.add(name);
            } else {
                settings.put(name, configured);
            }
        });
        return settings;
    }

    /** --print-events was given. */
    private static boolean printEvents;

    private static final com.fasterxml.jackson.databind.ObjectWriter PRETTY =
            new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter();

    /** One message sent to a queue, for --print-events: a header line, then the CloudEvent pretty-printed. */
    static void printEvent(PrintStream out, io.switchboard.local.console.ConsoleRecorder.Published published) {
        String body;
        try {
            body = published.event() != null ? PRETTY.writeValueAsString(published.event()) : published.body();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            body = published.body();
        }
        synchronized (out) {
            out.println("== " + published.queue() + ": " + published.type() + " (subject " + published.subject() + ")");
            out.println(body);
        }
    }

    /** NAME=VALUE lines of the last --env-file (empty without one). */
    private static Map<String, String> envFile = Map.of();

    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--env-file " + file + " cannot be read: " + e.getMessage());
        }
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.startsWith("export ")) {
                trimmed = trimmed.substring("export ".length()).trim();
            }
            int equals = trimmed.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("--env-file " + file + ": not NAME=VALUE: " + trimmed);
            }
            String value = trimmed.substring(equals + 1).trim();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(trimmed.substring(0, equals).trim(), value);
        }
        return values;
    }

    /** The options, or null for --help. */
    static LocalCloud.Options parse(String[] args) {
        LocalCloud.Options options = new LocalCloud.Options().port(3000).dynamoDbPort(8000).sqsPort(9324).s3Port(4572);
        java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                value = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--port" -> options.port(port(arg, value != null ? value : next(args, ++i, arg)));
                case "--dynamodb-port" -> options.dynamoDbPort(port(arg, value != null ? value : next(args, ++i, arg)));
                case "--sqs-port" -> options.sqsPort(port(arg, value != null ? value : next(args, ++i, arg)));
                case "--s3-port" -> options.s3Port(port(arg, value != null ? value : next(args, ++i, arg)));
                case "--data-dir" -> options.dataDir(Path.of(value != null ? value : next(args, ++i, arg)));
                case "--aws-endpoint" -> options.awsEndpoint(value != null ? value : next(args, ++i, arg));
                case "--template" -> options.template(Path.of(value != null ? value : next(args, ++i, arg)));
                case "--no-stand-ins" -> options.providerStandIns(false);
                case "--print-events" -> printEvents = true;
                case "--env-file" -> envFile = readEnvFile(Path.of(value != null ? value : next(args, ++i, arg)));
                case "--parameter" -> {
                    String assignment = value != null ? value : next(args, ++i, arg);
                    int split = assignment.indexOf('=');
                    if (split < 1) {
                        throw new IllegalArgumentException("--parameter needs NAME=VALUE");
                    }
                    parameters.put(assignment.substring(0, split), assignment.substring(split + 1));
                    options.parameters(parameters);
                }
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return options;
    }

    private static String next(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int port(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a port number, not " + value);
        }
    }

    static void printReady(PrintStream out, LocalCloud cloud, Map<String, String> processEnv, long sinceJvmStartMillis) {
        printReady(out, cloud, processEnv, Set.of(), sinceJvmStartMillis);
    }

    /** The one line that says it is up: the time since the JVM started, where to look, what runs. */
    static String summary(LocalCloud cloud, long sinceJvmStartMillis) {
        return "Switchboard local cloud ready in " + sinceJvmStartMillis + " ms: console " + cloud.baseUrl()
                + io.switchboard.local.console.Console.PAGE + ", health " + cloud.baseUrl()
                + io.switchboard.local.console.Console.HEALTH + " (" + cloud.routeUrls().size() + " routes, "
                + cloud.queueUrls().size() + " queues, " + cloud.streamPollers().size() + " stream pollers; template "
                + cloud.template().source() + ")";
    }

    /** @param defaulted secrets running on their development default (printed with it: it is public anyway) */
    static void printReady(PrintStream out, LocalCloud cloud, Map<String, String> processEnv, Set<String> defaulted,
                           long sinceJvmStartMillis) {
        out.println();
        out.println(summary(cloud, sinceJvmStartMillis));
        out.println();
        out.println("Webhooks:");
        cloud.routeUrls().forEach(route -> out.println("  " + route));
        out.println();
        out.println("DynamoDB: " + cloud.dynamoDbEndpoint());
        out.println("SQS:      " + cloud.sqsEndpoint());
        cloud.queueUrls().forEach((id, url) -> out.println("  " + id + ": " + url));
        out.println("S3:       " + cloud.s3Endpoint() + " (path-style)");
        cloud.template().buckets().forEach(bucket -> out.println("  " + bucket.logicalId() + ": "
                + cloud.bucketName(bucket.logicalId())));
        List<String> pollers = new ArrayList<>();
        cloud.streamPollers().forEach(p -> pollers.add(p.tableName() + " -> " + p.functionId()));
        if (!pollers.isEmpty()) {
            out.println("Streams:  " + String.join(", ", pollers));
        }
        List<String> queueSources = new ArrayList<>();
        cloud.queuePollers().forEach(p -> queueSources.add(p.queueUrl() + " -> " + p.functionId()));
        if (!queueSources.isEmpty()) {
            out.println("Queues:   " + String.join(", ", queueSources));
        }
        if (processEnv.containsKey("SWITCHBOARD_API_TOKEN") || defaulted.contains("SWITCHBOARD_API_TOKEN")) {
            out.println("Customer API: " + cloud.baseUrl() + "/v1 (Authorization: Bearer "
                    + (defaulted.contains("SWITCHBOARD_API_TOKEN") ? DEVELOPMENT_DEFAULTS.get("SWITCHBOARD_API_TOKEN")
                    : "<SWITCHBOARD_API_TOKEN>") + ")");
        }
        Map<String, String> standInCredentials = cloud.standIns() == null ? Map.of() : cloud.standIns().senderCredentials();
        if (cloud.standIns() != null) {
            out.println("Provider stand-ins (" + String.join(", ", cloud.standIns().all().stream()
                    .map(io.switchboard.local.standin.ProviderStandIns.StandIn::api).toList()) + "): "
                    + cloud.standIns().baseUrl());
        }
        Set<String> secretNames = new LinkedHashSet<>();
        cloud.template().secrets().forEach(secret -> secretNames.addAll(secret.keys()));
        if (!secretNames.isEmpty()) {
            out.println();
            out.println("Secrets (environment variables; values are never printed):");
            for (String name : secretNames) {
                String value = processEnv.get(name);
                boolean set = value != null && !value.isEmpty();
                String state = defaulted.contains(name) ? "development default " + DEVELOPMENT_DEFAULTS.get(name)
                        : set ? "set"
                        : standInCredentials.containsKey(name) ? "stand-in default " + standInCredentials.get(name)
                        : "MISSING";
                out.println("  " + name + ": " + state);
            }
        }
        out.println();
        out.println("Ctrl-C stops it.");
    }
}
