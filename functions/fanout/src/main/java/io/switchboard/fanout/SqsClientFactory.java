package io.switchboard.fanout;

import io.micronaut.context.annotation.Factory;
import io.switchboard.core.config.AwsClientFactory;
import io.switchboard.core.config.Settings;
import jakarta.inject.Singleton;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The fan-out is the only function with an SQS client (webhook functions have no SQS permission). */
@Factory
public class SqsClientFactory {

    @Singleton
    SqsClient sqs(Settings settings, List<ExecutionInterceptor> interceptors) {
        return AwsClientFactory.configure(SqsClient.builder(), "SQS", settings, interceptors).build();
    }
}
