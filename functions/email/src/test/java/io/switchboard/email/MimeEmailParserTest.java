package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each .eml fixture, parsed with Jakarta Mail and turned into the entry the log receives. */
class MimeEmailParserTest {

    private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");

    @Test
    void plainMessage_becomesAMessageEntryFromTheSender_datedByItsDateHeader() {
        Interaction.LogReply reply = only("plain.eml");
        ConversationEntry entry = reply.entry();
        assertEquals(Identity.email("ann.smith@example.com"), reply.customer());
        assertEquals("Ann Smith", reply.profileName());
        assertEquals(Channel.EMAIL, entry.channel());
        assertEquals(EntryKind.MESSAGE, entry.kind());
        assertEquals("/email/mime", entry.source());
        assertEquals("CAF7plain0001@mail.example.com", entry.providerMessageId());
        assertEquals(Instant.parse("2026-11-23T09:15:00Z"), entry.occurredAt());
        assertTrue(entry.text().startsWith("Hello,\n\nmy order 4417 arrived today"), entry.text());
        assertTrue(entry.text().endsWith("Ann"));
        assertEquals(Map.of("address", "ann.smith@example.com", "name", "Ann Smith"), entry.details().get("from"));
        assertEquals(List.of(Map.of("address", "support@support.example.net", "name", "Example Support")),
                entry.details().get("to"));
        assertEquals("Order 4417 arrived damaged", entry.details().get("subject"));
        assertEquals(false, entry.details().get("hasHtml"));
        assertEquals("mime", entry.details().get("provider"));
        assertTrue(reply.threadReferences().isEmpty());
        assertNull(entry.replyTo());
    }

    @Test
    void htmlOnlyMessage_isFlaggedHtml_andItsTextIsRenderedFromTheHtml() {
        ConversationEntry entry = only("html_only.eml").entry();
        assertEquals(true, entry.details().get("hasHtml"));
        assertEquals("Hi team,\nCould you resend invoice INV-2026-118?\nThanks & regards,\nBob", entry.text());
        assertEquals(Map.of("address", "bob@example.org", "name", "Bob Jones"), entry.details().get("from"));
    }

    @Test
    void multipartWithAttachment_keepsThePlainText_andListsInlineImageAndPdfAsMetadataOnly() {
        ConversationEntry entry = only("multipart_with_attachment.eml").entry();
        assertEquals("The hinge snapped, see the photo below and the delivery note attached.", entry.text().strip());
        assertEquals(true, entry.details().get("hasHtml"));
        assertEquals(List.of(Map.of("address", "dan@example.com", "name", "Dan Ops")), entry.details().get("cc"));
        assertEquals(2, entry.attachments().size());
        Attachment image = entry.attachments().get(0);
        assertEquals(new Attachment("image", "image/png", "cid:hinge-photo@example.com", null, "hinge.png", null, 70L)
                .withStatus(io.switchboard.core.model.AttachmentStatus.REFERENCE), image, "an entry built without storing names no object");
        Attachment pdf = entry.attachments().get(1);
        assertEquals("document", pdf.type());
        assertEquals("application/pdf", pdf.mimeType());
        assertEquals("delivery-note.pdf", pdf.filename());
        assertEquals(82L, pdf.sizeBytes(), "decoded bytes, not base64 characters");
    }

    @Test
    void isoLatin1QuotedPrintable_isDecodedInItsCharset_andTheEncodedHeadersToo() {
        Interaction.LogReply reply = only("iso_8859_1.eml");
        assertEquals("Jürgen Müller", reply.profileName());
        assertEquals("Rückfrage zur Lieferung", reply.entry().details().get("subject"));
        assertTrue(reply.entry().text().contains("die Lieferung für München ist noch nicht angekommen. Grüße aus dem Café."),
                reply.entry().text());
    }

    @Test
    void rfc2047EncodedSubjectAndName_andABase64Body_areDecoded() {
        Interaction.LogReply reply = only("encoded_subject.eml");
        assertEquals("山田太郎", reply.profileName());
        assertEquals("注文について — order 5521", reply.entry().details().get("subject"));
        assertEquals("注文番号5521はいつ届きますか？", reply.entry().text());
    }

    @Test
    void replyWithQuotedHistory_keepsOnlyTheNewText_andThreadsByInReplyToThenReferencesNewestFirst() {
        Interaction.LogReply reply = only("reply_with_quoted_history.eml");
        assertEquals("Yes please, same address as before.\n\nThanks,\nAnn", reply.entry().text());
        assertEquals("agent-0001@support.example.net", reply.entry().replyTo());
        assertEquals(List.of("agent-0001@support.example.net", "CAF7plain0001@mail.example.com"),
                reply.threadReferences());
        assertEquals(List.of("CAF7plain0001@mail.example.com", "agent-0001@support.example.net"),
                reply.entry().details().get("references"));
        assertEquals("agent-0001@support.example.net", reply.entry().details().get("inReplyTo"));
    }

    @Test
    void outlookReply_isCutAtTheFromSentHeaderBlock() {
        Interaction.LogReply reply = only("outlook_reply.eml");
        assertEquals("It works again after the password reset, thank you.\n\nFrank Evans\nIT Department",
                reply.entry().text());
        assertEquals("Evans, Frank", reply.profileName());
        assertEquals(List.of("agent-8812@support.example.net"), reply.threadReferences());
    }

    @Test
    void autoSubmittedMessage_isAnAutoReply() {
        ConversationEntry entry = only("auto_reply.eml").entry();
        assertEquals(EntryKind.AUTO_REPLY, entry.kind());
        assertFalse(entry.kind().opensConversations());
    }

    @Test
    void deliveryStatusReport_isABounceOnTheOriginalRecipient_andMarksTheOriginalMessageFailed() {
        List<Interaction> interactions = interactions("bounce.eml");
        assertEquals(2, interactions.size());
        Interaction.LogReply bounce = assertInstanceOf(Interaction.LogReply.class, interactions.get(0));
        assertEquals(EntryKind.BOUNCE, bounce.entry().kind());
        assertEquals(Identity.email("hal@example.com"), bounce.customer());
        assertNull(bounce.profileName(), "the mailer daemon's name must not name the customer");
        assertEquals(List.of("agent-7001@support.example.net"), bounce.threadReferences());
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) bounce.entry().details().get("bounce");
        assertEquals("5.1.1", details.get("status"));
        assertEquals("failed", details.get("action"));
        assertEquals("550 5.1.1 <hal@example.com>: Recipient address rejected: User unknown", details.get("diagnostic"));

        Interaction.UpdateStatus failed = assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(1));
        assertEquals(Identity.email("hal@example.com"), failed.customer());
        assertEquals("agent-7001@support.example.net", failed.change().providerMessageId());
        assertEquals(DeliveryStatus.FAILED, failed.change().status());
        assertNull(failed.change().placeholder(), "an unknown original must not be invented");
        assertEquals("5.1.1", failed.change().error().get("status"));
        assertEquals(Instant.parse("2026-11-30T12:00:05Z"), failed.change().at());
    }

    @Test
    void messageWithoutDateHeader_isDatedOnArrival_andWithoutMessageIdGetsAStableId() {
        byte[] raw = "From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        ConversationEntry first = ((Interaction.LogReply) EmailInteractions.of(MimeEmailParser.parse(raw), "mime", NOW,
                raw).get(0)).entry();
        ConversationEntry again = ((Interaction.LogReply) EmailInteractions.of(MimeEmailParser.parse(raw), "mime",
                NOW.plusSeconds(60), raw).get(0)).entry();
        assertEquals(NOW, first.occurredAt());
        assertEquals(first.id(), again.id());
    }

    @Test
    void bytesWithoutAnyHeaderField_areRefusedAs400WithAReason() {
        // Not a message at all. (A multipart without any boundary line, this test's example before, is real mail
        // that lenient readers recover: LenientMimeParsingTest.)
        byte[] raw = ("no boundary anywhere, and no header either\r\n").getBytes(StandardCharsets.US_ASCII);
        RejectedInputException refused = assertThrows(RejectedInputException.class, () -> MimeEmailParser.parse(raw));
        assertTrue(refused.reason().startsWith("malformed MIME"), refused.reason());
    }

    @Test
    void messageWithoutFrom_isRefusedAs400() {
        byte[] raw = "Subject: nobody\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        RejectedInputException refused = assertThrows(RejectedInputException.class, () -> MimeEmailParser.parse(raw));
        assertEquals("malformed MIME: no From address", refused.reason());
    }

    @Test
    void textOverTheLimit_isTruncatedAndFlagged() {
        String longText = "x".repeat(EmailInteractions.MAX_TEXT_CHARS + 10);
        byte[] raw = ("From: a@example.com\r\nMessage-ID: <long@example.com>\r\n\r\n" + longText + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ConversationEntry entry = ((Interaction.LogReply) EmailInteractions.of(MimeEmailParser.parse(raw), "mime", NOW, raw)
                .get(0)).entry();
        assertEquals(EmailInteractions.MAX_TEXT_CHARS, entry.text().length());
        assertEquals(true, entry.details().get("truncated"));
    }

    static List<Interaction> interactions(String fixture) {
        byte[] raw = Fixtures.bytes(fixture);
        return EmailInteractions.of(MimeEmailParser.parse(raw), "mime", NOW, raw);
    }

    static Interaction.LogReply only(String fixture) {
        List<Interaction> all = interactions(fixture);
        assertEquals(1, all.size(), all.toString());
        return assertInstanceOf(Interaction.LogReply.class, all.get(0));
    }
}
