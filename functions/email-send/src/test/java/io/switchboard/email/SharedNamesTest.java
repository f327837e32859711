package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Channel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * This module repeats what it shares with the webhook module instead of depending on it (the webhook function
 * carries no sender): the longest text, so that a reply's entry is as whole as an email's.
 */
class SharedNamesTest {

    @Test
    void theLongestReplyIsTheLongestTextTheInboundSideKeeps() {
        assertEquals(EmailInteractions.MAX_TEXT_CHARS,
                new SesEmailSender(Settings.of(Map.of())).maxTextLength(Channel.EMAIL));
    }
}
