package io.switchboard.api;

import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Puts send commands on the commands queue ({@value #QUEUE_URL}), exactly as a helpdesk would: MessageGroupId = the
 * customer id (one customer's commands in order), MessageDeduplicationId = the command id (a retried POST within
 * SQS's five-minute window is dropped by the queue; later, the outbound function's ledger sends nothing twice).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 *
 * <p>The SQS client is its own, built at first use: in the local cloud every function's context sees every
 * module's beans, and an {@code SqsClient} bean here would make the fan-out's ambiguous.
 */
@Singleton
class CommandQueue implements AutoCloseable {

    static final String QUEUE_URL = "COMMANDS_QUEUE_URL";

    private final Settings settings;
    private final List<ExecutionInterceptor> interceptors;
    private volatile SqsClient sqs;

    CommandQueue(Settings settings, List<ExecutionInterceptor> interceptors) {
        this.settings = settings;
        this.interceptors = interceptors;
    }

    void send(String customerId, String commandId, String body) {
        String queueUrl = settings.require(QUEUE_URL);
        client().sendMessage(message -> message.queueUrl(queueUrl).messageBody(body)
                .messageGroupId(customerId).messageDeduplicationId(commandId));
    }

    private SqsClient client() {
        SqsClient client = sqs;
        if (client == null) {
            synchronized (this) {
                if (sqs == null) {
                    sqs = AwsClientFactory.configure(SqsClient.builder(), "SQS", settings, interceptors).build();
                }
                client = sqs;
            }
        }
        return client;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (sqs != null) {
            sqs.close();
            sqs = null;
        }
    }
}
