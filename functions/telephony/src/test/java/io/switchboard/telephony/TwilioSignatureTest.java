package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TwilioSignatureTest {

    /**
     * Twilio's published example (https://www.twilio.com/docs/usage/security#validating-requests, the
     * signature-validation snippet of TwilioDevEd/api-snippets, security/signature_validation): auth token 12345,
     * this URL and these POST parameters are signed GvWf1cFY/Q7PnoempGyD5oXAezc=.
     */
    static final String DOCS_TOKEN = "12345";
    static final String DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final TwilioForm DOCS_PARAMS = TwilioForm.of(List.of(
            new TwilioForm.Param("CallSid", "CA1234567890ABCDE"),
            new TwilioForm.Param("Caller", "+14158675310"),
            new TwilioForm.Param("Digits", "1234"),
            new TwilioForm.Param("From", "+14158675310"),
            new TwilioForm.Param("To", "+18005551212")));
    static final String DOCS_SIGNATURE = "GvWf1cFY/Q7PnoempGyD5oXAezc=";

    @Test
    void twiliosPublishedExample_isValid() {
        // given Twilio's documented request
        // when / then
        assertEquals(DOCS_SIGNATURE, TwilioSignature.sign(DOCS_URL, DOCS_PARAMS.params(), DOCS_TOKEN));
        assertTrue(TwilioSignature.isValid(DOCS_SIGNATURE, DOCS_URL, DOCS_PARAMS, DOCS_TOKEN));
    }

    @Test
    void twiliosOlderPublishedExample_isValid() {
        // given the example of Twilio's earlier security page (caller +14158675309, signature RSOYDt4T1cUTdK1PDd93/VVr8B8=)
        TwilioForm params = TwilioForm.of(List.of(
                new TwilioForm.Param("CallSid", "CA1234567890ABCDE"),
                new TwilioForm.Param("Caller", "+14158675309"),
                new TwilioForm.Param("Digits", "1234"),
                new TwilioForm.Param("From", "+14158675309"),
                new TwilioForm.Param("To", "+18005551212")));
        // when / then
        assertTrue(TwilioSignature.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", DOCS_URL, params, DOCS_TOKEN));
    }

    @Test
    void publishedExample_withTheDefaultPortInTheUrl_isStillValid() {
        // given the URL as a proxy might pass it on, with :443 added
        // when / then
        assertTrue(TwilioSignature.isValid(DOCS_SIGNATURE, "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                DOCS_PARAMS, DOCS_TOKEN));
    }

    @Test
    void signatureOverTheUrlWithItsDefaultPort_isValidForTheUrlWithout() {
        // given Twilio signed the URL with :443 and the function sees it without
        String signature = independentSignature("https://mycompany.com:443/myapp.php?foo=1&bar=2",
                "CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212", DOCS_TOKEN);
        // when / then
        assertTrue(TwilioSignature.isValid(signature, DOCS_URL, DOCS_PARAMS, DOCS_TOKEN));
    }

    @Test
    void httpUrl_acceptsPort80ButNot443() {
        String url = "http://hooks.example.com/webhooks/twilio/sms";
        String with80 = independentSignature("http://hooks.example.com:80/webhooks/twilio/sms", "", "token");
        String with443 = independentSignature("http://hooks.example.com:443/webhooks/twilio/sms", "", "token");
        TwilioForm none = TwilioForm.of(List.of());
        assertTrue(TwilioSignature.isValid(with80, url, none, "token"));
        assertFalse(TwilioSignature.isValid(with443, url, none, "token"));
    }

    @Test
    void wrongToken_isInvalid() {
        assertFalse(TwilioSignature.isValid(DOCS_SIGNATURE, DOCS_URL, DOCS_PARAMS, "54321"));
    }

    @Test
    void changedParameter_isInvalid() {
        TwilioForm changed = TwilioForm.of(List.of(
                new TwilioForm.Param("CallSid", "CA1234567890ABCDE"),
                new TwilioForm.Param("Caller", "+14158675310"),
                new TwilioForm.Param("Digits", "1235"),
                new TwilioForm.Param("From", "+14158675310"),
                new TwilioForm.Param("To", "+18005551212")));
        assertFalse(TwilioSignature.isValid(DOCS_SIGNATURE, DOCS_URL, changed, DOCS_TOKEN));
    }

    @Test
    void differentUrl_isInvalid() {
        assertFalse(TwilioSignature.isValid(DOCS_SIGNATURE, "https://mycompany.com/myapp.php?foo=1&bar=3", DOCS_PARAMS,
                DOCS_TOKEN));
        assertFalse(TwilioSignature.isValid(DOCS_SIGNATURE, "http://mycompany.com/myapp.php?foo=1&bar=2", DOCS_PARAMS,
                DOCS_TOKEN));
        assertFalse(TwilioSignature.isValid(DOCS_SIGNATURE, "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
                DOCS_PARAMS, DOCS_TOKEN));
    }

    @Test
    void blankOrNonBase64Signature_isInvalid() {
        assertFalse(TwilioSignature.isValid("", DOCS_URL, DOCS_PARAMS, DOCS_TOKEN));
        assertFalse(TwilioSignature.isValid(null, DOCS_URL, DOCS_PARAMS, DOCS_TOKEN));
        assertFalse(TwilioSignature.isValid("not base64 ***", DOCS_URL, DOCS_PARAMS, DOCS_TOKEN));
    }

    @Test
    void parametersInBodyOrder_areSignedSortedByName() {
        // given a fixture body, whose parameters are not in name order
        TwilioForm form = Fixtures.form("sms_inbound.form");
        String url = "https://hooks.example.com/webhooks/twilio/sms";
        StringBuilder sorted = new StringBuilder();
        form.params().stream().sorted(java.util.Comparator.comparing(TwilioForm.Param::name))
                .forEach(param -> sorted.append(param.name()).append(param.value()));
        // when
        String signature = independentSignature(url, sorted.toString(), "token");
        // then
        assertTrue(TwilioSignature.isValid(signature, url, form, "token"));
        assertEquals(signature, TwilioSignature.sign(url, form.params(), "token"));
    }

    @Test
    void repeatedNames_areEachSignedNameThenValue() {
        // given a name that repeats, as Twilio sends lists
        TwilioForm form = TwilioForm.parse("b=2&a=y&a=x".getBytes(StandardCharsets.UTF_8));
        String url = "https://hooks.example.com/x";
        // when / then
        assertTrue(TwilioSignature.isValid(independentSignature(url, "axayb2", "token"), url, form, "token"));
    }

    @Test
    void urlVariants_addOrDropOnlyTheDefaultPort() {
        assertEquals(List.of("https://a.example/x?y=1", "https://a.example:443/x?y=1"),
                TwilioSignature.urlVariants("https://a.example/x?y=1"));
        assertEquals(List.of("https://a.example:443/x", "https://a.example/x"),
                TwilioSignature.urlVariants("https://a.example:443/x"));
        assertEquals(List.of("http://localhost:3000/x"), TwilioSignature.urlVariants("http://localhost:3000/x"));
    }

    /** HMAC-SHA1 straight from the JDK, base64: not the code under test. */
    static String independentSignature(String url, String sortedNameValues, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(
                    mac.doFinal((url + sortedNameValues).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
