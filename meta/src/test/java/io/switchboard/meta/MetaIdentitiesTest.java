package io.switchboard.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.core.model.Channel;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import org.junit.jupiter.api.Test;

class MetaIdentitiesTest {

    @Test
    void metaIdsArePageScoped() {
        assertEquals("messenger:111:222", MetaIdentities.messenger("111", "222").key());
        assertEquals("instagram:333:444", MetaIdentities.instagram("333", "444").key());
        assertEquals("whatsapp-user:US.abc", MetaIdentities.whatsappUser("US.abc").key());
    }

    @Test
    void idsAreTrimmed_andAMissingOneIsInvalidInput() {
        assertEquals("messenger:111:222", MetaIdentities.messenger(" 111 ", "222 ").key());
        InvalidIdentityException missing = assertThrows(InvalidIdentityException.class,
                () -> MetaIdentities.instagram("333", " "));
        assertEquals("igsid is missing", missing.getMessage());
        assertThrows(InvalidIdentityException.class, () -> MetaIdentities.whatsappUser(null));
        assertThrows(InvalidIdentityException.class, () -> MetaIdentities.messenger(null, "222"));
    }

    @Test
    void userRef_isKeyedByChannelAndAccount_asStored() {
        assertEquals("messenger-user-ref:111:ref-9", MetaIdentities.userRef(Channel.MESSENGER, "111", "ref-9").key());
        assertEquals("instagram-user-ref:333:r", MetaIdentities.userRef(Channel.INSTAGRAM, "333", "r").key());
    }

    @Test
    void scopedId_isTheInverseOfTheScopedFactories_andNullForOtherIdentities() {
        assertEquals(new MetaIdentities.ScopedId("111", "222"),
                MetaIdentities.scopedId(MetaIdentities.messenger("111", "222")));
        assertEquals(new MetaIdentities.ScopedId("333", "444"),
                MetaIdentities.scopedId(MetaIdentities.instagram("333", "444")));
        assertNull(MetaIdentities.scopedId(MetaIdentities.userRef(Channel.MESSENGER, "111", "ref")));
        assertNull(MetaIdentities.scopedId(MetaIdentities.whatsappUser("US.abc")));
        assertNull(MetaIdentities.scopedId(Identity.phone("14155550100")));
    }

    @Test
    void anIdTooLongForTheStore_isInvalidInput() {
        assertThrows(InvalidIdentityException.class, () -> MetaIdentities.whatsappUser("x".repeat(2000)));
    }
}
