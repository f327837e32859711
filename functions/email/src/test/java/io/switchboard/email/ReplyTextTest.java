package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplyTextTest {

    @Test
    void attributionLine_cutsEverythingAfterIt() {
        assertEquals("Sounds good.", ReplyText.strip("Sounds good.\n\nOn Tue, 1 Dec 2026, Max <max@example.com> wrote:\n> Shall we?\n"));
    }

    @Test
    void attributionWrappedOverTwoLines_cutsToo() {
        assertEquals("Yes.", ReplyText.strip("Yes.\n\nOn Tue, 1 Dec 2026 at 10:00, Max Power <max@example.com>\nwrote:\n> Shall we?"));
    }

    @Test
    void originalMessageSeparator_cutsTheOutlookHistory() {
        assertEquals("Done.", ReplyText.strip("Done.\r\n\r\n-----Original Message-----\r\nFrom: Max\r\nSent: Monday\r\n\r\nOld text"));
    }

    @Test
    void fromFollowedBySent_cutsTheOutlookHistory() {
        assertEquals("Thanks!", ReplyText.strip("Thanks!\n\nFrom: Max <max@example.com>\nSent: Friday, 27 November 2026 17:03\nTo: Ann\n\nOld"));
    }

    @Test
    void leadingQuoteBlock_isDropped_andTheAnswerBelowKept() {
        assertEquals("My answer is yes.", ReplyText.strip("> Will you come?\n> Please say.\n\nMy answer is yes."));
    }

    @Test
    void fromLineWithoutSent_isKept() {
        assertEquals("From: the warehouse, nothing yet.", ReplyText.strip("From: the warehouse, nothing yet."));
    }

    @Test
    void messageThatIsAllQuote_isKeptWhole() {
        assertEquals("> only a quote", ReplyText.strip("> only a quote\n"));
    }
}
