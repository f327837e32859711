package io.switchboard.core.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

class SdkPrimingTest {

    @Test
    void primesTheDynamoDbRequestPath_withoutANetwork() {
        // given no DynamoDB anywhere (the canned client answers)
        // when / then: every call a webhook makes is built, marshalled, signed and its answer read
        assertDoesNotThrow(SdkPriming::primeDynamoDb);
    }
}
