package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HubSignatureTest {

    private static final byte[] BODY = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signatureComputedIndependently_isAccepted() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("app-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String header = "sha256=" + HexFormat.of().formatHex(mac.doFinal(BODY));

        assertTrue(HubSignature.isValid(header, BODY, "app-secret"));
        assertEquals(header, HubSignature.sign(BODY, "app-secret"));
    }

    @Test
    void wrongSecretTamperedBodyOrMalformedHeader_areRejected() {
        String header = HubSignature.sign(BODY, "app-secret");
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("[]", "[{}]").getBytes(StandardCharsets.UTF_8);

        assertFalse(HubSignature.isValid(header, BODY, "other-secret"));
        assertFalse(HubSignature.isValid(header, tampered, "app-secret"));
        assertFalse(HubSignature.isValid(null, BODY, "app-secret"));
        assertFalse(HubSignature.isValid(header.substring("sha256=".length()), BODY, "app-secret"));
        assertFalse(HubSignature.isValid("sha256=not-hex", BODY, "app-secret"));
        assertFalse(HubSignature.isValid(header, BODY, ""));
    }

    @Test
    void upperCaseHex_isAccepted() {
        String header = HubSignature.sign(BODY, "app-secret");
        assertTrue(HubSignature.isValid("sha256=" + header.substring(7).toUpperCase(), BODY, "app-secret"));
    }
}
