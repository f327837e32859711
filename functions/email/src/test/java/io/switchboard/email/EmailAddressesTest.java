package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.model.RejectedInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one sender address rule every email provider's parser applies. */
class EmailAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"ann@example.com", "ann.smith+orders@mail.example.co.uk", "\"ann smith\"@example.com",
            "jürgen@exämple.de", "ann@[192.0.2.1]", "root@localhost", "o'brien@example.ie"})
    void wellFormedAddress_isAccepted(String address) {
        assertNull(EmailAddresses.problem(address));
        assertEquals(address, EmailAddresses.bare(address, null).address());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ann@|missing domain",
            "ann@@example.com|more than one @",
            "a@b@example.com|more than one @",
            "@example.com|empty local part",
            "ann|no @",
            "ann@example..com|not an RFC 5322 address",
            ".ann@example.com|not an RFC 5322 address",
            "ann@example.com.|not an RFC 5322 address",
            "ann@exa mple.com|spaces",
            "ann@exa\tmple.com|control characters"})
    void malformedAddress_isNamedByAShortReason(String address, String reason) {
        assertEquals(reason, EmailAddresses.problem(address));
        RejectedInputException refused = assertThrows(RejectedInputException.class,
                () -> EmailAddresses.bare(address, null));
        assertEquals("malformed From address: " + reason, refused.reason());
    }

    @Test
    void addressLongerThan320Characters_isRefused_evenWhenItsShapeIsFine() {
        String longLocal = "a".repeat(5000) + "@example.com";
        assertEquals("longer than 320 characters", EmailAddresses.problem(longLocal));
        String longDomain = "ann@" + "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(60) + "." + "g".repeat(60)
                + "." + "h".repeat(60) + ".com";
        assertEquals("domain longer than 255 characters", EmailAddresses.problem(longDomain));
    }

    @Test
    void localPartOver64Characters_isAcceptedWithinTheTotal_asForwardingAddressesNeedIt() {
        assertNull(EmailAddresses.problem("bounces+" + "x".repeat(80) + "=example.com@lists.example.org"));
    }

    @Test
    void fromHeader_readsTheDisplayNameAndTheAddress() {
        ParsedEmail.EmailAddress from = EmailAddresses.fromHeader("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>");
        assertEquals("jm@example.de", from.address());
        assertEquals("Jürgen Müller", from.name());
    }

    @Test
    void fromHeaderWithAMalformedAddress_isRefused_withoutRepeatingTheAddress() {
        RejectedInputException refused = assertThrows(RejectedInputException.class,
                () -> EmailAddresses.fromHeader("Ann Example <ann@>"));
        assertEquals("malformed From address: missing domain", refused.reason());
    }

    @Test
    void nullPath_isTheNullSender_withOrWithoutAName() {
        assertTrue(EmailAddresses.fromHeader("<>").isNullSender());
        ParsedEmail.EmailAddress daemon = EmailAddresses.fromHeader("MAILER DAEMON <>");
        assertTrue(daemon.isNullSender());
        assertEquals("MAILER DAEMON", daemon.name());
        assertTrue(EmailAddresses.bare("<>", null).isNullSender());
    }

    @Test
    void blankFrom_isNoFromAddress() {
        assertEquals("no From address",
                assertThrows(RejectedInputException.class, () -> EmailAddresses.fromHeader("  ")).reason());
        assertEquals("no From address",
                assertThrows(RejectedInputException.class, () -> EmailAddresses.fromHeader("(nobody)")).reason());
    }
}
