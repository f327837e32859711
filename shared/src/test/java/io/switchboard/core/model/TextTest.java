package io.switchboard.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void cleanText_isReturnedAsIs() {
        String text = "Hello \uD83D\uDE00 \u0645\u0631\u062D\u0628\u0627\ttab\r\nline";
        assertSame(text, Text.clean(text));
    }

    @Test
    void noncharactersAndUnpairedSurrogates_becomeReplacementCharacters() {
        assertEquals("a\uFFFDb", Text.clean("a\uFFFEb"));
        assertEquals("a\uFFFDb", Text.clean("a\uFFFFb"));
        assertEquals("a\uFFFDb", Text.clean("a\uD83Db"));
        assertEquals("a\uFFFDb", Text.clean("a\uDE00b"));
        assertEquals("\uFFFD", Text.clean("\uFDD0"));
        assertEquals("x\uFFFD", Text.clean("x\uD83F\uDFFE")); // U+1FFFE, a noncharacter of plane 1
    }

    @Test
    void controlCharactersSqsRefuses_becomeReplacementCharacters_butTabsAndNewlinesStay() {
        assertEquals("\uFFFD\uFFFD\t\n\r\uFFFD", Text.clean("\u0000\u0001\t\n\r\u001F"));
    }

    @Test
    void truncate_neverSplitsASurrogatePair() {
        assertEquals("ab", Text.truncate("ab\uD83D\uDE00", 3));
        assertEquals("ab\uD83D\uDE00", Text.truncate("ab\uD83D\uDE00", 4));
    }
}
