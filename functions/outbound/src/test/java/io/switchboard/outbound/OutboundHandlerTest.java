package io.switchboard.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.switchboard.core.outbound.ReplyEngine;
import io.switchboard.core.store.StoreFault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

class OutboundHandlerTest {

    private static SQSEvent.SQSMessage message(String id) {
        return message(id, "customer-" + id);
    }

    private static SQSEvent.SQSMessage message(String id, String group) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody("{\"id\":\"" + id + "\"}");
        message.setAttributes(Map.of("MessageGroupId", group));
        return message;
    }

    @Test
    void givenAFaultOnTheSecondCommand_whenABatchIsCarriedOut_thenItAndEveryLaterOneAreRetriedUnprocessed() {
        List<String> handled = new ArrayList<>();
        SQSBatchResponse response = OutboundHandler.carryOut(
                List.of(message("m1"), message("m2"), message("m3"), message("m4")), (body, id) -> {
                    handled.add(id);
                    if (id.equals("m2")) {
                        throw new StoreFault("store unavailable");
                    }
                    return ReplyEngine.Outcome.SENT;
                });

        assertEquals(List.of("m1", "m2"), handled);
        assertEquals(List.of("m2", "m3", "m4"), response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
    }

    @Test
    void givenTheStoreRefusingOneCommand_whenABatchIsCarriedOut_thenOnlyItAndTheLaterOnesOfItsGroupAreRetried() {
        List<String> handled = new ArrayList<>();
        SQSBatchResponse response = OutboundHandler.carryOut(List.of(message("m1", "ann"), message("m2", "bob"),
                message("m3", "bob"), message("m4", "cyd"), message("m5", "ann")), (body, id) -> {
                    handled.add(id);
                    if (id.equals("m2")) {
                        throw (DynamoDbException) DynamoDbException.builder().statusCode(400)
                                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").build())
                                .build();
                    }
                    return ReplyEngine.Outcome.SENT;
                });

        assertEquals(List.of("m1", "m2", "m4", "m5"), handled);
        assertEquals(List.of("m2", "m3"), response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
    }

    @Test
    void givenRejectedAndDuplicateCommands_whenCarriedOut_thenNothingIsRetried() {
        SQSBatchResponse response = OutboundHandler.carryOut(List.of(message("a"), message("b")),
                (body, id) -> id.equals("a") ? ReplyEngine.Outcome.REJECTED : ReplyEngine.Outcome.DUPLICATE);

        assertEquals(List.of(), response.getBatchItemFailures());
    }
}
