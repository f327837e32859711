package io.switchboard.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void whatsAppDigitsTwilioE164AndWhatsAppPrefix_allMeetInOnePhoneKey() {
        assertEquals("phone:+14155550100", Identity.phone("14155550100").key());
        assertEquals("phone:+14155550100", Identity.phone("+14155550100").key());
        assertEquals("phone:+14155550100", Identity.phone("whatsapp:+14155550100").key());
        assertEquals("phone:+14155550100", Identity.phone(" +1 (415) 555-0100 ").key());
    }

    @Test
    void garbageOrMissingPhone_isRefusedAsInvalidInput() {
        assertThrows(InvalidIdentityException.class, () -> Identity.phone("not a number"));
        assertThrows(InvalidIdentityException.class, () -> Identity.phone("12"));
        assertThrows(InvalidIdentityException.class, () -> Identity.phone(null));
    }

    @Test
    void emailIsLowerCased_andPhoneIsItsOwnType() {
        assertEquals("email:ann.lee@example.com", Identity.email(" Ann.Lee@Example.COM ").key());
        assertEquals("phone", Identity.phone("14155550100").type());
    }

    @Test
    void entryIdIsStablePerChannelAndProviderId() {
        assertEquals(ConversationEntry.idFor(Channel.WHATSAPP, "wamid.1"), ConversationEntry.idFor(Channel.WHATSAPP, "wamid.1"));
        org.junit.jupiter.api.Assertions.assertNotEquals(ConversationEntry.idFor(Channel.WHATSAPP, "x"),
                ConversationEntry.idFor(Channel.SMS, "x"));
    }

    @Test
    void parsedKeysOfEveryTypeIngestionBuilds_areAccepted_andPhoneAndEmailNormalized() {
        for (String key : java.util.List.of("messenger:1234:5678", "instagram:1784:9912", "whatsapp-user:US.13491208655302741918",
                "messenger-user-ref:1234:ref-1", "sip:ann@example.com", "client:agent-ann", "anonymous:CA1234",
                "sms-sender:GB:MyShop", "external:zendesk:42")) {
            assertEquals(key, Identity.parse(key).key());
        }
        assertEquals("phone:+14155550100", Identity.parse("phone:+1 (415) 555-0100").key());
        assertEquals("email:ann@example.com", Identity.parse("email:Ann@Example.com").key());
    }

    @Test
    void parsedKeysOfAnUnknownTypeOrWithCharactersTheStoreWouldClean_areRefusedNotCleaned() {
        for (String key : java.util.List.of("bogus:1", "external:42", "messenger:1234", "client:a\u0000b",
                "client:a\ud800b", "client:a\ufffdb", "client:a\u0085b", "client:a\ufdd0b", "client:a\nb")) {
            assertThrows(InvalidIdentityException.class, () -> Identity.parse(key), key);
        }
        // Ingestion still cleans what a webhook carries.
        assertEquals("client:a\ufffdb", new Identity("client:a\u0000b").key());
    }
}
