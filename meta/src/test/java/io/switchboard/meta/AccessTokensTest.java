package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

    @Test
    void givenOneToken_thenEveryAccountUsesIt() {
        assertEquals(Optional.of("EAAB-token"), AccessTokens.forAccount(" EAAB-token\n", "111"));
    }

    @Test
    void givenATokenPerAccount_thenThatAccountsTokenOrNone() {
        String configured = "{\"111\": \"EAAB-page-1\", \"222\": \"\", \"333\": 7}";
        assertEquals(Optional.of("EAAB-page-1"), AccessTokens.forAccount(configured, "111"));
        assertEquals(Optional.empty(), AccessTokens.forAccount(configured, "222"));
        assertEquals(Optional.empty(), AccessTokens.forAccount(configured, "333"));
        assertEquals(Optional.empty(), AccessTokens.forAccount(configured, "444"));
        assertEquals(Optional.empty(), AccessTokens.forAccount("{not json", "111"));
    }
}
