package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.switchboard.core.config.Contexts;
import io.switchboard.core.config.Settings;
import io.switchboard.core.store.LogItems;
import io.switchboard.core.config.InvocationContext;
import io.switchboard.local.LocalCloud;
import io.switchboard.whatsapp.WhatsAppWebhookHandler;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * AWS requests a known customer's message costs in a container that has never seen that customer (a fresh Lambda
 * container, or one whose cache let it go): one read (the identity item and the customer record in one
 * BatchGetItem) and one write, as in a warm container. On the embedded cloud, counted with an SDK interceptor.
 */
class FreshContainerReadsTest {

    @Test
    void aKnownCustomer_inAFreshContainer_costsOneReadAndOneWrite_andLandsOnTheSameCustomer() {
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().streamPoller(false))) {
            Map<String, String> env = WebhookBenchmark.whatsAppEnv(cloud);
            String waId = "14155571234";
            long epoch = 1766000000L;

            // given a customer created by one container
            RequestCounter first = new RequestCounter();
            try (WhatsAppWebhookHandler creator = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env), first))) {
                answer(creator, SignedWebhooks.whatsAppText(waId, "wamid.fresh.1", epoch));
            }
            assertEquals(1, first.reads(), first.detail());

            // when another container, fresh, receives that customer's next message
            RequestCounter counter = new RequestCounter();
            try (WhatsAppWebhookHandler fresh = new WhatsAppWebhookHandler(Contexts.with(Settings.of(env), counter))) {
                answer(fresh, SignedWebhooks.whatsAppText(waId, "wamid.fresh.2", epoch + 60));
            }

            // then it read once and wrote once
            assertEquals(1, counter.reads(), counter.detail());
            assertEquals(1, counter.writes(), counter.detail());
            assertEquals("BatchGetItem x1, UpdateItem x1", counter.detail());
            // and both entries are in the one customer's partition
            String customerId = cloud.dynamoDb().getItem(b -> b.tableName(cloud.tableName("CustomersTable"))
                    .key(Map.of("identity", AttributeValue.fromS("phone:+" + waId)))).item().get("customerId").s();
            int entries = cloud.dynamoDb().query(b -> b.tableName(cloud.tableName("ConversationLogTable"))
                    .keyConditionExpression("customerId = :c AND begins_with(sk, :e)")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(customerId), ":e", AttributeValue.fromS("entry#"))))
                    .count();
            assertEquals(2, entries);
            assertEquals(LogItems.TYPE_CUSTOMER, cloud.dynamoDb().getItem(b -> b.tableName(cloud.tableName("ConversationLogTable"))
                    .key(LogItems.key(customerId, LogItems.CUSTOMER_SK))).item().get(LogItems.RECORD_TYPE).s());
        }
    }

    private static void answer(WhatsAppWebhookHandler handler, APIGatewayV2HTTPEvent event) {
        int status = handler.handleRequest(event, new InvocationContext("fresh-container-test", 15, 1024,
                org.slf4j.LoggerFactory.getLogger(FreshContainerReadsTest.class))).getStatusCode();
        assertEquals(200, status);
    }
}
