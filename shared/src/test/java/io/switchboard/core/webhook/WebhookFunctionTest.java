package io.switchboard.core.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.http.Responses;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.ApiGatewayEvents;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookFunctionTest {

    /** A channel of one route that stores one SMS per request: enough to run the whole pipeline. */
    static final class OneRouteChannel implements WebhookChannel {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public List<WebhookRoute> routes() {
            return List.of(WebhookRoute.ingest("POST", "/webhooks/test", request -> { },
                    request -> List.of(new Interaction.LogEntry(Identity.phone("+14155550100"), null,
                            ConversationEntry.builder(Channel.SMS, new String(request.body(), StandardCharsets.UTF_8))
                                    .source("/test/1").occurredAt(Instant.parse("2026-11-29T10:00:00Z")).build())),
                    (request, interactions, summary) -> Responses.text(200, "ok")));
        }
    }

    static final class OneRouteFunction extends WebhookFunction {
        OneRouteFunction(ApplicationContextBuilder builder) {
            super(OneRouteChannel.class, builder);
        }
    }

    @Test
    void tenThousandInvocationsWithALambdaContext_registerNoBeans() {
        // given a function whose context knows its beans
        var log = new InMemoryConversationLog();
        try (var function = new OneRouteFunction(Contexts.with(Settings.of(Map.of()), new InMemoryCustomerDirectory(),
                log, new OneRouteChannel()))) {
            function.handleRequest(request("warm-up"), new StubContext());
            int beansBefore = function.getApplicationContext().getAllBeanDefinitions().size();

            // when it serves 10,000 invocations, each with a Lambda Context as on AWS
            for (int i = 0; i < 10_000; i++) {
                assertEquals(200, function.handleRequest(request("m-" + (i % 50)), new StubContext()).getStatusCode());
            }

            // then the context holds the same beans as before
            assertEquals(beansBefore, function.getApplicationContext().getAllBeanDefinitions().size());
            assertEquals(51, log.all().size());
        }
    }

    private static com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent request(String body) {
        return ApiGatewayEvents.request("POST", "/webhooks/test", Map.of(), null, body, false);
    }

    /** What Lambda hands a handler on every invocation. */
    private static final class StubContext implements Context {
        public String getAwsRequestId() { return "req-1"; }
        public String getLogGroupName() { return "/aws/lambda/test"; }
        public String getLogStreamName() { return "stream"; }
        public String getFunctionName() { return "test"; }
        public String getFunctionVersion() { return "1"; }
        public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:test"; }
        public CognitoIdentity getIdentity() { return null; }
        public ClientContext getClientContext() { return null; }
        public int getRemainingTimeInMillis() { return 15_000; }
        public int getMemoryLimitInMB() { return 1024; }
        public LambdaLogger getLogger() { return null; }
    }
}
