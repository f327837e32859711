package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import io.switchboard.core.model.RejectedInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TelephonyIdentityTest {

    static final String CALL_SID = "CA5d2f1e0c9b8a7f6e5d4c3b2a1f0e9d8c";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "+14155550100                                      | phone:+14155550100",
            "whatsapp:+14155550100                             | phone:+14155550100",
            "sip:alice@pbx.example.com                         | sip:alice@pbx.example.com",
            "sip:Alice@PBX.Example.COM;transport=tls           | sip:alice@pbx.example.com",
            "SIPS:alice@pbx.example.com:5061;transport=tls?X-Ticket=42 | sip:alice@pbx.example.com:5061",
            "\"Alice\" <sip:alice@pbx.example.com>;tag=1928301774 | sip:alice@pbx.example.com",
            "sip:+14155550100@trunk.pstn.twilio.com            | sip:+14155550100@trunk.pstn.twilio.com",
            "client:Ada_Lovelace                               | client:Ada_Lovelace",
            "Client:agent-7                                    | client:agent-7"})
    void callPartyWithAnAddress_isThatAddress(String from, String identity) {
        assertEquals(new Identity(identity), TelephonyIdentity.ofCallParty(from, CALL_SID));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Anonymous", "anonymous", "ANONYMOUS", "Restricted", "Blocked", "Unknown", "Unavailable",
            "+266696687", "266696687", "+7378742833", "+2562533", "+8656696", "+86282452253", "+464"})
    void withheldCallerId_isTheAnonymousCallerOfThatCall(String from) {
        assertTrue(TelephonyIdentity.isWithheld(from));
        assertEquals(new Identity("anonymous:" + CALL_SID), TelephonyIdentity.ofCallParty(from, CALL_SID));
    }

    @Test
    void withheldNumberThatParsesAsAPhoneNumber_isStillAnonymous() {
        // given Twilio's digits for UNAVAILABLE, which libphonenumber takes for a possible Chinese number
        assertEquals("phone:+86282452253", Identity.phone("+86282452253").key());
        // then it is no customer's phone
        assertEquals(TelephonyIdentity.anonymous(CALL_SID), TelephonyIdentity.ofCallParty("+86282452253", CALL_SID));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"Private", "hello", "+1", "123", "sip:", "sip:alice@", "sip:@example.com",
            "sip:al ice@example.com", "sip:alice@exa\u0000mple.com", "client:", "client:ada lovelace",
            "client:ada\u202Elovelace", "client:\uD83D"})
    void callerIdThatIsNoUsableAddress_isTheAnonymousCallerOfThatCall(String from) {
        assertEquals(TelephonyIdentity.anonymous(CALL_SID), TelephonyIdentity.ofCallParty(from, CALL_SID));
    }

    @Test
    void addressLongerThanTwilioAllows_isTheAnonymousCallerOfThatCall() {
        assertEquals(TelephonyIdentity.anonymous(CALL_SID),
                TelephonyIdentity.ofCallParty("client:" + "a".repeat(257), CALL_SID));
        assertEquals(new Identity("client:" + "a".repeat(256)),
                TelephonyIdentity.ofCallParty("client:" + "a".repeat(256), CALL_SID));
        assertEquals(TelephonyIdentity.anonymous(CALL_SID),
                TelephonyIdentity.ofCallParty("sip:alice@" + "a".repeat(300) + ".com", CALL_SID));
    }

    @Test
    void anonymousCallerWithoutCallSid_is400() {
        RejectedInputException refused = assertThrows(RejectedInputException.class,
                () -> TelephonyIdentity.ofCallParty("Anonymous", null));
        assertEquals("missing parameter CallSid", refused.reason());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"whatsapp:+14155550100", "WhatsApp:+14155550100", " whatsapp:+14155550100 ",
            "+14155550100"})
    void whatsappAddressOrNumber_isThePhoneIdentityOfTheNumber(String address) {
        assertEquals(new Identity("phone:+14155550100"), TelephonyIdentity.phone(address));
        assertEquals(address.startsWith("whatsapp:") || address.startsWith("WhatsApp:"),
                TelephonyIdentity.isWhatsApp(address));
    }

    @Test
    void phoneNumberIsNotWithheld() {
        assertFalse(TelephonyIdentity.isWithheld("+14155550100"));
        assertFalse(TelephonyIdentity.isWithheld("sip:anonymous@example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"phone:+14155550100", "sip:alice@pbx.example.com", "client:Ada_Lovelace",
            "anonymous:" + CALL_SID})
    void callbackValue_readsBackAsTheSameIdentity(String key) {
        Identity identity = new Identity(key);
        assertEquals(identity, TelephonyIdentity.fromCallbackValue(TelephonyIdentity.callbackValue(identity)));
    }

    @Test
    void callbackValueOfAPhone_isTheNumberAsItAlwaysWas() {
        assertEquals("+14155550100", TelephonyIdentity.callbackValue(Identity.phone("+14155550100")));
        assertEquals("anonymous:CA1", TelephonyIdentity.callbackValue(TelephonyIdentity.anonymous("CA1")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"anonymous:", "anonymous:CA 1", "anonymous:CA1/../x", "sip:", "client:", "client:a b",
            "hello", "+1"})
    void callbackValueThatNamesNoCaller_isRefusedAsBadInput(String value) {
        assertThrows(InvalidIdentityException.class, () -> TelephonyIdentity.fromCallbackValue(value));
    }

    @Test
    void sidOfLettersAndDigits_isAccepted_anythingElseIs400() {
        TwilioForm good = TwilioForm.parse("CallSid=CA5d2f1e0c9b8a7f6e5d4c3b2a1f0e9d8c".getBytes(StandardCharsets.UTF_8));
        assertEquals(CALL_SID, TelephonyIdentity.requireSid(good, "CallSid"));
        for (String bad : new String[]{"CA-1", "CA%201", "%E2%80%AE", "C".repeat(65)}) {
            TwilioForm form = TwilioForm.parse(("CallSid=" + bad).getBytes(StandardCharsets.UTF_8));
            assertEquals("malformed parameter CallSid",
                    assertThrows(RejectedInputException.class,
                            () -> TelephonyIdentity.requireSid(form, "CallSid")).reason(),
                    bad);
        }
    }
}
