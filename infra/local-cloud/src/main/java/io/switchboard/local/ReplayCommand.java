package io.switchboard.local;

import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.InvocationContext;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.fanout.ReplayHandler;
import io.switchboard.fanout.SqsEventPublisher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar infra/local-cloud/target/switchboard-local.jar replay ...}: the template's ReplayFunction run against a running
 * local cloud (or any endpoint), the way {@code aws lambda invoke} runs it on AWS. docs/runbook.md, "Replay".
 */
final class ReplayCommand {

    static final String USAGE = """
            Usage: java -jar infra/local-cloud/target/switchboard-local.jar replay --queue-url URL
                       (--customer ID | --from INSTANT --to INSTANT | --customer ID --from INSTANT --to INSTANT)

            Announces stored changes again to one subscriber queue, with the event ids the fan-out gave them (consumers
            drop what they have): a customer's whole history, or the entries of every customer (or one) that occurred
            in [from, to) (ISO-8601, e.g. 2026-11-23T09:00:00Z). Runs against a local cloud started separately.

              --queue-url URL           the subscriber queue (e.g. http://localhost:9324/000000000000/switchboard-events.fifo)
              --dynamodb-endpoint URL   default http://localhost:8000
              --sqs-endpoint URL        default http://localhost:9324
              --template FILE           the SAM template (default: template.yaml here or in a parent directory)
              --parameter NAME=VALUE    a template parameter, as the local cloud was started with (repeatable), e.g.
                                        SubscriberQueueArns=arn:aws:sqs:...

            Only the queues the fan-out publishes to are accepted (the template's SUBSCRIBER_QUEUE_ARNS: the events
            queue and SubscriberQueueArns), as on AWS, where the function may send to no other queue.
            """;

    private ReplayCommand() {
    }

    /** @return the process exit code */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Object> request = new LinkedHashMap<>();
        String dynamoDb = "http://localhost:8000";
        String sqs = "http://localhost:9324";
        Path template = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help")) {
                    out.print(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--queue-url" -> request.put("subscriberQueueUrl", value);
                    case "--customer" -> request.put("customerId", value);
                    case "--from" -> request.put("from", value);
                    case "--to" -> request.put("to", value);
                    case "--dynamodb-endpoint" -> dynamoDb = value;
                    case "--sqs-endpoint" -> sqs = value;
                    case "--template" -> template = Path.of(value);
                    case "--parameter" -> {
                        int split = value.indexOf('=');
                        if (split < 1) {
                            throw new IllegalArgumentException("--parameter needs NAME=VALUE");
                        }
                        parameters.put(value.substring(0, split), value.substring(split + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (!request.containsKey("subscriberQueueUrl")) {
                throw new IllegalArgumentException("--queue-url is required");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Path templatePath = template != null ? template : TemplateModel.locate(Path.of("")).orElse(Path.of("template.yaml"));
        TemplateModel model;
        try {
            model = TemplateModel.load(templatePath, parameters);
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
        Map<String, String> settings = new HashMap<>(System.getenv());
        settings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb);
        settings.put("AWS_ENDPOINT_URL_SQS", sqs);
        settings.put(Settings.AWS_REGION, TemplateModel.REGION);
        settings.put(AwsClientFactory.CALL_TIMEOUT_SECONDS, "15");
        for (TemplateModel.Table table : model.tables()) {
            if (table.logicalId().equals("ConversationLogTable")) {
                settings.put(Settings.CONVERSATION_LOG_TABLE, table.tableName());
            } else if (table.logicalId().equals("CustomersTable")) {
                settings.put(Settings.CUSTOMERS_TABLE, table.tableName());
            }
        }
        String subscribers = subscriberQueueArns(model, sqs);
        if (subscribers.isEmpty()) {
            err.println("replay: " + templatePath + " names no subscriber queue (no function sets "
                    + SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS + "): there is nowhere to replay to");
            return 2;
        }
        settings.put(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS, subscribers);
        try (ReplayHandler handler = new ReplayHandler(Contexts.with(Settings.of(settings)))) {
            Object answer = handler.handleRequest(request, new InvocationContext(TemplateModel.STACK_NAME + "-ReplayFunction",
                    900, 1024, org.slf4j.LoggerFactory.getLogger("function.ReplayFunction")));
            out.println(Json.write(answer));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
    }

    /**
     * The queues the template's fan-out publishes to (its SUBSCRIBER_QUEUE_ARNS, resolved as the local cloud resolves
     * it), comma-separated; empty when no function has that setting: then no queue is a subscriber.
     */
    static String subscriberQueueArns(TemplateModel model, String sqsEndpoint) {
        TemplateModel.LocalResources local = new TemplateModel.LocalResources() {
            @Override
            public String tableName(String logicalId) {
                return model.table(logicalId).tableName();
            }

            @Override
            public String queueUrl(String logicalId) {
                return sqsEndpoint + "/" + TemplateModel.ACCOUNT_ID + "/" + model.queue(logicalId).queueName();
            }

            @Override
            public String queueArn(String logicalId) {
                return "arn:aws:sqs:" + TemplateModel.REGION + ":" + TemplateModel.ACCOUNT_ID + ":"
                        + model.queue(logicalId).queueName();
            }
        };
        List<String> arns = new ArrayList<>();
        for (TemplateModel.Function function : model.functions()) {
            if (function.environment().containsKey(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS)) {
                String value = model.resolveEnvironment(function, local).get(SqsEventPublisher.SUBSCRIBER_QUEUE_ARNS);
                if (value != null) {
                    arns.add(value);
                }
            }
        }
        return String.join(",", arns);
    }
}
