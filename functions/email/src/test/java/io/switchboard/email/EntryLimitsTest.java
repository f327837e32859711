package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InputRules;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.RejectedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real messages bigger than an entry may be (the core refuses more than 50 attachments and details over 64 KB):
 * they are stored with what fits and a count of what was left out, not refused.
 */
class EntryLimitsTest {

    @Test
    void messageWithMoreAttachmentsThanAnEntryHolds_keepsTheFirst50_andCountsTheRest() {
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < InputRules.MAX_ATTACHMENTS + 10; i++) {
            attachments.add(new Attachment("image", "image/png", null, null, "photo-" + i + ".png", null, 70L));
        }
        ConversationEntry entry = entry(new ParsedEmail(new ParsedEmail.EmailAddress("ann@example.com", "Ann"), List.of(),
                List.of(), "photos", "many-photos@example.com", null, List.of(), null, "see attached", null, false,
                attachments, null, null));
        assertEquals(InputRules.MAX_ATTACHMENTS, entry.attachments().size());
        assertEquals(10, entry.details().get("attachmentsOmitted"));
    }

    @Test
    void messageToThousandsOfVisibleRecipients_listsTheFirst50_andCountsTheRest() {
        List<ParsedEmail.EmailAddress> cc = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            cc.add(new ParsedEmail.EmailAddress("customer" + i + "@example.com", "Customer Number " + i));
        }
        String subject = "s".repeat(EmailInteractions.MAX_SUBJECT_CHARS + 1);
        ConversationEntry entry = entry(new ParsedEmail(new ParsedEmail.EmailAddress("ann@example.com", "Ann"), cc, cc,
                subject, "big-cc@example.com", null, List.of(), null, "hello all", null, false, List.of(), null, null));
        assertEquals(EmailInteractions.MAX_LISTED, ((List<?>) entry.details().get("cc")).size());
        assertEquals(2000 - EmailInteractions.MAX_LISTED, entry.details().get("ccOmitted"));
        assertEquals(2000 - EmailInteractions.MAX_LISTED, entry.details().get("toOmitted"));
        assertEquals(EmailInteractions.MAX_SUBJECT_CHARS, ((String) entry.details().get("subject")).length());
        assertEquals(true, entry.details().get("subjectTruncated"));
        // and what is left fits the core's rules (which would refuse the whole message otherwise)
        InputRules.admit(List.of(new Interaction.LogEntry(io.switchboard.core.model.Identity.email("ann@example.com"),
                null, entry)), TestHandlers.NOW);
    }

    @Test
    void formWithMoreFieldsThanAnyProviderPosts_isRefusedAs400() {
        List<Requests.Field> fields = new ArrayList<>();
        for (int i = 0; i <= FormFields.MAX_FIELDS; i++) {
            fields.add(Requests.Field.text("f" + i, "v"));
        }
        byte[] body = Requests.multipart("many", fields);
        RejectedInputException refused = assertThrows(RejectedInputException.class,
                () -> FormFields.parse(body, Requests.multipartType("many")));
        assertEquals("form with more than " + FormFields.MAX_FIELDS + " fields", refused.reason());
        assertEquals(FormFields.MAX_FIELDS, FormFields.parse(Requests.multipart("many", fields.subList(0, FormFields.MAX_FIELDS)),
                Requests.multipartType("many")).all().size());
    }

    private static ConversationEntry entry(ParsedEmail email) {
        Interaction interaction = EmailInteractions.of(email, "mime", TestHandlers.NOW,
                "x".getBytes(StandardCharsets.US_ASCII)).get(0);
        return ((Interaction.LogReply) interaction).entry();
    }
}
