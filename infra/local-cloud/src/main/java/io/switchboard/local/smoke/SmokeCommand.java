package io.switchboard.local.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.FreshSample;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import io.switchboard.core.config.SignedJsonRequest;
import io.switchboard.core.json.Json;
import io.switchboard.local.TemplateModel;
import io.switchboard.local.console.SampleWebhooks;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code java -jar infra/local-cloud/target/switchboard-local.jar smoke --stack NAME}: checks a deployed stack end to
 * end the way providers and a helpdesk meet it. Each webhook sample of {@code events/} is made a new delivery (its
 * channel renames the ids it reports), signed as its provider signs with the secrets the serving function reads on
 * the stack (Secrets Manager), posted to the stack's webhook URL, and its events looked for on the stack's events
 * queue, which it reads without taking anything away (see {@link EventWatch}). docs/deploy.md, "Checking a deployed
 * stack".
 */
public final class SmokeCommand {

    static final String USAGE = """
            Usage: java -jar infra/local-cloud/target/switchboard-local.jar smoke --stack NAME [options]
                   java -jar infra/local-cloud/target/switchboard-local.jar smoke --outputs FILE [options]

            Checks a deployed stack end to end: signs each webhook sample of events/ with the stack's secrets (read
            from Secrets Manager), posts it to the stack's webhook URL and waits for its events on the stack's events
            queue. Events are received and given back at once (visibility 0), never deleted: a helpdesk reading the
            queue still gets them. Each run gives the samples' message ids a new suffix, so the stack stores them
            again; their senders are test customers (example.com addresses, 555 numbers) that stay in the stack.

              --stack NAME           the stack (sam deploy's stack name): its outputs and parameters (DescribeStacks)
              --outputs FILE         instead of --stack: the outputs as JSON, as printed by aws cloudformation
                                     describe-stacks --stack-name NAME --query 'Stacks[0].Outputs'
              --parameter NAME=VALUE with --outputs: a parameter the stack was deployed with (repeatable), e.g.
                                     a public base URL a signature covers
              --region REGION        the stack's region (default: AWS_REGION, else the AWS profile's region)
              --queue-url URL        look for the events on this queue instead of the EventsQueueUrl output
              --wait SECONDS         how long to wait for the events after the last sample was sent (default 60)
              --only PREFIX          only the samples whose name starts with PREFIX, e.g. a channel's name (repeatable)
              --template FILE        the template the stack was deployed from: which function serves a sample and
                                     which secret it reads (default: template.yaml here or in a parent directory)
              --events DIR           the samples (default: events/ beside the template)
              --endpoint-url URL     send every AWS call to this endpoint instead of AWS's (LocalStack...)
              --cloudformation-endpoint-url URL, --secretsmanager-endpoint-url URL, --sqs-endpoint-url URL
                                     one service's endpoint
              --help                 this text

            AWS credentials come from the SDK's default chain (environment, AWS_PROFILE, SSO...); they need
            cloudformation:DescribeStacks, secretsmanager:GetSecretValue on the channels' secrets, and
            sqs:GetQueueAttributes, sqs:ReceiveMessage and sqs:ChangeMessageVisibility on the queue.
            Exit status: 0 when every sample not skipped was accepted and its event seen, 1 otherwise, 2 for a usage
            error.
            """;

    static final int DEFAULT_WAIT_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The command line. */
    record Options(String stack, Path outputs, Map<String, String> parameters, String region, String queueUrl,
                   Duration patience, List<String> only, Path template, Path events, Map<String, String> endpoints) {
    }

    /** One sample and what came of it. */
    static final class Outcome {
        final SampleWebhooks.Sample sample;
        String skipped;
        String failed;
        int status = -1;
        List<String> ids = List.of();
        /** The events attributed to it, in the order received. */
        List<EventWatch.Seen> events = List.of();

        Outcome(SampleWebhooks.Sample sample) {
            this.sample = sample;
        }

        boolean sent() {
            return status >= 0;
        }

        boolean accepted() {
            return status / 100 == 2;
        }

        /** Accepted, with ids its events name: an event must come. */
        boolean awaitsEvent() {
            return accepted() && !ids.isEmpty();
        }
    }

    private SmokeCommand() {
    }

    /** @return the process exit code */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("smoke: " + e.getMessage());
            err.println();
            err.print(USAGE);
            return 2;
        }
        if (options == null) {
            out.print(USAGE);
            return 0;
        }
        try {
            return smoke(options, out);
        } catch (SmokeProblem problem) {
            err.println("smoke: " + problem.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("smoke: interrupted");
            return 1;
        }
    }

    // ------------------------------------------------------------------ the run

    private static int smoke(Options options, PrintStream out) throws InterruptedException {
        Path templateFile = options.template() != null ? options.template()
                : TemplateModel.locate(Path.of("")).orElseThrow(() -> new SmokeProblem(
                "no template.yaml here or in a parent directory: run it in the repository, or give --template"));
        if (!Files.isRegularFile(templateFile)) {
            throw new SmokeProblem("--template " + templateFile + " is not a file");
        }
        Path eventsDir = options.events() != null ? options.events()
                : templateFile.toAbsolutePath().getParent().resolve("events");
        // The samples of the events folder: a descriptor's own samples (a channel outside the repository, shown by
        // the console) belong to no template here.
        List<SampleWebhooks.Sample> samples = SampleWebhooks.list(eventsDir).stream()
                .filter(sample -> SampleWebhooks.isIn(sample, eventsDir))
                .filter(sample -> options.only().isEmpty() || options.only().stream().anyMatch(sample.name()::startsWith))
                .toList();
        if (samples.isEmpty()) {
            throw new SmokeProblem("no webhook samples in " + eventsDir
                    + (options.only().isEmpty() ? "" : " whose name starts with " + String.join(" or ", options.only())));
        }

        String region = region(options);
        Settings aws = awsSettings(options, region);
        StackInputs stack;
        if (options.stack() != null) {
            try (CloudFormationClient cloudFormation = AwsClientFactory.configure(CloudFormationClient.builder(),
                    "CLOUDFORMATION", aws, List.of()).build()) {
                stack = StackInputs.describe(cloudFormation, options.stack(), region);
            }
        } else {
            stack = StackInputs.read(options.outputs(), options.parameters());
        }
        TemplateModel model = template(templateFile, stack.parameters());
        String queueUrl = options.queueUrl() != null ? options.queueUrl() : stack.outputs().get("EventsQueueUrl");
        if (queueUrl == null || queueUrl.isBlank()) {
            throw new SmokeProblem("the stack has no output EventsQueueUrl: give the events queue with --queue-url");
        }

        String marker = "smoke" + HexFormat.of().formatHex(randomBytes(5));
        try (SqsClient sqs = AwsClientFactory.configure(SqsClient.builder(), "SQS", aws, List.of()).build();
             SdkHttpClient awsHttp = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(29)).build()) {
            EventWatch watch = new EventWatch(sqs, queueUrl, Instant::now);
            long before;
            try {
                before = watch.visibleMessages();
            } catch (AwsServiceException e) {
                throw new SmokeProblem("cannot read the events queue " + queueUrl + ": " + errorCode(e));
            } catch (SdkClientException e) {
                throw SmokeProblem.of("SQS", e);
            }
            out.println("Smoke test of " + (options.stack() != null ? "stack " : "the outputs of ") + stack.name()
                    + (stack.status() != null ? " (" + stack.status() + ")" : "") + " in " + region + ": "
                    + samples.size() + " samples; the ids they report end in " + marker + "; events from " + queueUrl);

            SecretReader secrets = new SecretReader(SignedJsonRequest.forService(aws, "SECRETS_MANAGER", "secretsmanager",
                    "secretsmanager", awsHttp));
            List<Outcome> outcomes = new ArrayList<>();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            for (SampleWebhooks.Sample sample : samples) {
                Outcome outcome = new Outcome(sample);
                outcomes.add(outcome);
                Optional<Prepared> prepared = prepare(outcome, model, stack, secrets, marker);
                if (prepared.isPresent()) {
                    send(http, prepared.get(), outcome);
                }
            }

            List<Outcome> awaiting = outcomes.stream().filter(Outcome::awaitsEvent).toList();
            if (!awaiting.isEmpty()) {
                Instant deadline = Instant.now().plus(options.patience());
                Thread giveBack = new Thread(watch::close, "smoke-give-back");
                Runtime.getRuntime().addShutdownHook(giveBack);
                try {
                    watch.settle(before, awaiting.size(), deadline);
                    watch.watch(seen -> attribute(awaiting, seen), deadline);
                } catch (AwsServiceException e) {
                    throw new SmokeProblem("cannot read the events queue " + queueUrl + ": " + errorCode(e));
                } catch (SdkClientException e) {
                    throw SmokeProblem.of("SQS", e);
                } finally {
                    watch.close();
                    try {
                        Runtime.getRuntime().removeShutdownHook(giveBack);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs (or ran) anyway
                    }
                }
            }
            return report(out, outcomes, watch, marker, options.patience());
        }
    }

    /** A sample ready to send: the signed request and the base URL it goes to. */
    private record Prepared(SampleWebhooks.Request request, String baseUrl) {
    }

    /**
     * Finds the function that serves the sample (the template's route), its settings on the stack (its template
     * environment with the stack's parameters, then its secrets' keys from Secrets Manager, as the function reads
     * them), renames and signs the sample; or says in the outcome why it is not sent.
     */
    private static Optional<Prepared> prepare(Outcome outcome, TemplateModel model, StackInputs stack,
                                              SecretReader secrets, String marker) {
        SampleWebhooks.Sample sample = outcome.sample;
        Optional<TemplateModel.Function> function = model.functions().stream()
                .filter(f -> f.httpRoutes().stream().anyMatch(route -> route.path().equals(sample.path())
                        && (route.method().equals(sample.method()) || route.method().equals("ANY"))))
                .findFirst();
        if (function.isEmpty()) {
            outcome.skipped = "no function of the template serves " + sample.method() + " " + sample.path();
            return Optional.empty();
        }
        String baseUrl = stack.webhookBase(sample.path());
        if (baseUrl == null) {
            outcome.skipped = "no output of the stack is a webhook URL for " + sample.path();
            return Optional.empty();
        }
        Optional<ChannelDescriptor> descriptor = SampleWebhooks.descriptor(sample.channel());
        if (descriptor.isEmpty()) {
            outcome.skipped = "no channel " + sample.channel() + " is known to this jar";
            return Optional.empty();
        }
        Map<String, String> settings = new HashMap<>();
        for (TemplateModel.Secret secret : model.secretsOf(function.get())) {
            Optional<String> output = model.outputsReferencing(secret.logicalId()).stream()
                    .filter(name -> stack.outputs().get(name) != null && !stack.outputs().get(name).isBlank()).findFirst();
            if (output.isEmpty()) {
                outcome.failed = "the stack has no output with the ARN of " + secret.logicalId() + ", which "
                        + function.get().logicalId() + " reads";
                return Optional.empty();
            }
            try {
                settings.putAll(secrets.read(stack.outputs().get(output.get())));
            } catch (SecretReader.Unreadable e) {
                outcome.failed = "cannot read the secret of " + output.get() + ": " + e.getMessage();
                return Optional.empty();
            }
        }
        // As a function reads a setting: its environment first, then its secret (io.switchboard.core.config.Secrets).
        resolvedEnvironment(model, function.get()).forEach((name, value) -> {
            if (!value.isEmpty()) {
                settings.put(name, value);
            }
        });
        FreshSample fresh = descriptor.get().freshSample(SampleWebhooks.request(sample), marker);
        SampleRequest signed;
        try {
            signed = descriptor.get().signSample(fresh.request(), baseUrl, settings::get);
        } catch (IllegalStateException notSet) {
            // ChannelDescriptor.require: a secret of the channel still empty (not configured yet).
            outcome.skipped = notSet.getMessage() + " (its value in the stack's secret is empty)";
            return Optional.empty();
        }
        outcome.ids = fresh.ids();
        return Optional.of(new Prepared(new SampleWebhooks.Request(sample.name(), signed.method(), signed.pathAndQuery(),
                signed.headers(), signed.body()), baseUrl));
    }

    /** The names the JDK's HTTP client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    private static void send(HttpClient http, Prepared prepared, Outcome outcome) throws InterruptedException {
        SampleWebhooks.Request request = prepared.request();
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(prepared.baseUrl() + request.pathAndQuery()))
                    .timeout(Duration.ofSeconds(30))
                    .method(request.method(), request.body().length == 0 && request.method().equals("GET")
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        } catch (IllegalArgumentException badUrl) {
            outcome.failed = "not a URL: " + prepared.baseUrl() + request.pathAndQuery();
            return;
        }
        request.headers().forEach((name, value) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        try {
            outcome.status = http.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            outcome.failed = "no answer from " + prepared.baseUrl() + ": " + SmokeProblem.describe(e);
        }
    }

    /**
     * Gives each sample that awaits an event the events that are its own: every event naming an id no other sample
     * carries (a message's own id: its conversation.opened and its message.received); then, for a sample left without
     * any, in the order the samples were sent, the earliest event left that names one of its ids (the samples of one
     * call share its id, and its start, its recording and its end come in that order). Recomputed over every event
     * seen so far.
     *
     * @return true when every sample has an event
     */
    static boolean attribute(List<Outcome> awaiting, List<EventWatch.Seen> seen) {
        Map<String, Integer> carriers = new HashMap<>();
        awaiting.forEach(outcome -> outcome.ids.forEach(id -> carriers.merge(id, 1, Integer::sum)));
        Set<EventWatch.Seen> taken = new HashSet<>();
        for (Outcome outcome : awaiting) {
            List<String> own = outcome.ids.stream().filter(id -> carriers.get(id) == 1).toList();
            outcome.events = seen.stream().filter(event -> !taken.contains(event) && own.stream().anyMatch(event::names))
                    .toList();
            taken.addAll(outcome.events);
        }
        for (Outcome outcome : awaiting) {
            if (outcome.events.isEmpty()) {
                outcome.events = seen.stream().filter(event -> !taken.contains(event)
                        && outcome.ids.stream().anyMatch(event::names)).findFirst().stream().toList();
                taken.addAll(outcome.events);
            }
        }
        return awaiting.stream().noneMatch(outcome -> outcome.events.isEmpty());
    }

    /** One line per sample, then the summary; the exit code. */
    private static int report(PrintStream out, List<Outcome> outcomes, EventWatch watch, String marker, Duration wait) {
        int announced = 0;
        int answered = 0;
        int skipped = 0;
        int failed = 0;
        for (Outcome outcome : outcomes) {
            String status = outcome.sent() ? outcome.sample.method() + " " + outcome.status : "-";
            String result;
            if (outcome.skipped != null) {
                skipped++;
                result = "skipped: " + outcome.skipped;
            } else if (outcome.failed != null) {
                failed++;
                result = "FAILED: " + outcome.failed;
            } else if (!outcome.accepted()) {
                failed++;
                result = "FAILED: refused (" + hint(outcome.status) + ")";
            } else if (!outcome.awaitsEvent()) {
                answered++;
                result = outcome.sample.method().equals("GET") ? "answered (a handshake: no event)"
                        : "accepted (its channel names no id to find its event by)";
            } else if (!outcome.events.isEmpty()) {
                announced++;
                result = "accepted, announced: " + String.join(", ",
                        outcome.events.stream().map(EventWatch.Seen::type).distinct().toList());
            } else {
                failed++;
                result = "FAILED: accepted, but no event on the queue within " + wait.toSeconds() + " s";
            }
            out.printf("  %-10s %-38s %-9s %s%n", outcome.sample.channel(), outcome.sample.name(), status, result);
        }
        long earlier = watch.earlierRuns(marker);
        if (earlier > 0 && outcomes.stream().anyMatch(o -> o.awaitsEvent() && o.events.isEmpty())) {
            out.println("  " + earlier + " events of earlier smoke runs are still on the queue: a customer's events come"
                    + " in order, so this run's wait behind them. Nothing reads the queue? Receive and delete them"
                    + " (docs/consuming-events.md) and run again.");
        }
        if (watch.notReturned() > 0) {
            out.println("  " + watch.notReturned() + " events could not be given back at once: they are visible again"
                    + " when their visibility timeout ends (at most " + (wait.toSeconds() + 30) + " s).");
        }
        out.println(outcomes.size() + " samples: " + announced + " accepted and announced, " + answered
                + " answered without an event, " + skipped + " skipped, " + failed + " failed"
                + (failed == 0 ? "" : " (docs/deploy.md, \"Checking a deployed stack\")"));
        return failed == 0 ? 0 : 1;
    }

    /** What a refusal most likely means, by status (docs/architecture.md, "The flow of one webhook"). */
    private static String hint(int status) {
        return switch (status) {
            case 401 -> "401: the function takes another signature or password than the stack's secret gives (a "
                    + "secret changed in the last 5 minutes, or a stack of another template?)";
            case 403 -> "403: the function takes another signature: another signing secret or signed URL "
                    + "(a public base URL parameter), another verify token, or a stale timestamp (this machine's clock)";
            case 404 -> "404: no such route on the stack's API";
            case 413 -> "413: body over the function's limit";
            case 500 -> "500: a setting of the function is missing";
            default -> String.valueOf(status);
        };
    }

    // ------------------------------------------------------------------ inputs

    /** The template with the stack's parameter values (those the template has). */
    private static TemplateModel template(Path file, Map<String, String> stackParameters) {
        TemplateModel plain;
        try {
            plain = TemplateModel.load(file);
        } catch (RuntimeException e) {
            throw new SmokeProblem("cannot read the template " + file + ": " + e.getMessage());
        }
        Map<String, String> known = new LinkedHashMap<>(stackParameters);
        known.keySet().retainAll(plain.parameterNames());
        return known.isEmpty() ? plain : TemplateModel.load(file, known);
    }

    /**
     * The function's environment as on the stack, for its signing settings (a public base URL...): parameters
     * resolved to the stack's values; resources are no settings a signature needs, so they resolve to their ids.
     */
    private static Map<String, String> resolvedEnvironment(TemplateModel model, TemplateModel.Function function) {
        return model.resolveEnvironment(function, new TemplateModel.LocalResources() {
            @Override
            public String tableName(String logicalId) {
                return logicalId;
            }

            @Override
            public String queueUrl(String logicalId) {
                return logicalId;
            }

            @Override
            public String queueArn(String logicalId) {
                return logicalId;
            }
        });
    }

    private static String region(Options options) {
        if (options.region() != null) {
            return options.region();
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (SdkClientException e) {
            throw new SmokeProblem("no AWS region: give --region, or set AWS_REGION or the profile's region");
        }
    }

    /** The SDK clients' settings: the process environment, the region, the endpoints given, a call timeout over the long polls. */
    private static Settings awsSettings(Options options, String region) {
        Map<String, String> values = new HashMap<>(System.getenv());
        values.putAll(options.endpoints());
        values.put(Settings.AWS_REGION, region);
        values.put(AwsClientFactory.CALL_TIMEOUT_SECONDS, "30");
        return Settings.of(values);
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The options, or null for --help. */
    static Options parse(String[] args) {
        String stack = null;
        Path outputs = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        String region = null;
        String queueUrl = null;
        Duration wait = Duration.ofSeconds(DEFAULT_WAIT_SECONDS);
        List<String> only = new ArrayList<>();
        Path template = null;
        Path events = null;
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                value = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg.startsWith("--") ? arg + " needs a value" : "unknown argument " + arg);
                }
                value = args[++i];
            }
            switch (arg) {
                case "--stack" -> stack = value;
                case "--outputs" -> outputs = Path.of(value);
                case "--parameter" -> {
                    int split = value.indexOf('=');
                    if (split < 1) {
                        throw new IllegalArgumentException("--parameter needs NAME=VALUE");
                    }
                    parameters.put(value.substring(0, split), value.substring(split + 1));
                }
                case "--region" -> region = value;
                case "--queue-url" -> queueUrl = value;
                case "--wait" -> {
                    try {
                        wait = Duration.ofSeconds(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--wait needs a number of seconds, not " + value);
                    }
                    if (wait.isNegative() || wait.isZero()) {
                        throw new IllegalArgumentException("--wait needs a number of seconds over 0");
                    }
                }
                case "--only" -> only.add(value);
                case "--template" -> template = Path.of(value);
                case "--events" -> events = Path.of(value);
                // The SDK's own variables (AWS_ENDPOINT_URL[_<SERVICE>]), which the clients read through Settings.
                case "--endpoint-url" -> endpoints.put(Settings.AWS_ENDPOINT_URL, value);
                case "--cloudformation-endpoint-url" -> endpoints.put(Settings.AWS_ENDPOINT_URL + "_CLOUDFORMATION", value);
                case "--secretsmanager-endpoint-url" -> endpoints.put(Settings.AWS_ENDPOINT_URL + "_SECRETS_MANAGER", value);
                case "--sqs-endpoint-url" -> endpoints.put(Settings.AWS_ENDPOINT_URL + "_SQS", value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if ((stack == null) == (outputs == null)) {
            throw new IllegalArgumentException("give either --stack NAME or --outputs FILE");
        }
        if (stack != null && !parameters.isEmpty()) {
            throw new IllegalArgumentException("--parameter goes with --outputs (with --stack, the stack's parameters are read)");
        }
        return new Options(stack, outputs, parameters, region, queueUrl, wait, List.copyOf(only), template, events,
                endpoints);
    }

    /**
     * Secrets Manager's GetSecretValue as the functions make it (one SigV4-signed JSON request,
     * io.switchboard.core.config.SecretsManagerFetch), each secret read once: its JSON keys and their values.
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
     */
    static final class SecretReader {

        /** The service answered, but not with the secret: its error code. */
        static final class Unreadable extends Exception {
            Unreadable(String message) {
                super(message, null, false, false);
            }
        }

        private final SignedJsonRequest request;
        private final Map<String, Map<String, String>> read = new HashMap<>();

        SecretReader(SignedJsonRequest request) {
            this.request = request;
        }

        Map<String, String> read(String secretId) throws Unreadable {
            Map<String, String> cached = read.get(secretId);
            if (cached != null) {
                return cached;
            }
            SignedJsonRequest.Answer answer;
            try {
                answer = request.post("/", "application/x-amz-json-1.1",
                        Map.of("X-Amz-Target", "secretsmanager.GetSecretValue"),
                        Json.MAPPER.createObjectNode().put("SecretId", secretId));
            } catch (IOException e) {
                throw new SmokeProblem("Secrets Manager is not reachable at " + request.endpoint() + ": "
                        + SmokeProblem.describe(e));
            } catch (SdkClientException e) {
                throw SmokeProblem.of("Secrets Manager", e);
            }
            if (!answer.ok()) {
                throw new Unreadable(answer.errorCode());
            }
            JsonNode document;
            try {
                document = Json.MAPPER.readTree(answer.body().path("SecretString").asText(""));
            } catch (IOException e) {
                throw new Unreadable("its value is not a JSON object");
            }
            if (!document.isObject()) {
                throw new Unreadable("its value is not a JSON object");
            }
            Map<String, String> values = new HashMap<>();
            document.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asText("")));
            read.put(secretId, values);
            return values;
        }
    }
}
