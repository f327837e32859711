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
}
