package io.switchboard.messenger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.outbound.ReplySender;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhook function's context, as Lambda builds it from this module: no sender (the send module has it). */
class WebhookContextTest {

    @Test
    void theMessengerWebhookFunctionsContext_hasNoSender() {
        try (ApplicationContext context = Contexts.with(
                Settings.of(Map.of(Settings.AWS_REGION, "us-east-1", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1")))
                .build().start()) {
            assertEquals(List.of(), context.getBeansOfType(ReplySender.class).stream()
                    .map(sender -> sender.getClass().getName()).toList());
        }
    }
}
