package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real mail with broken MIME structure, in the shapes lenient readers (Python's email package) recover: the
 * readable text becomes the entry's text and the defect is listed in {@code details.mimeDefects}. Only bytes
 * that are no message are refused.
 */
class LenientMimeParsingTest {

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final EmailWebhookHandler handler = TestHandlers.create(directory, log, new InMemoryReplayGuard());

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    // ---------------------------------------------------------------- parser

    @Test
    void multipartWithoutAnyBoundaryLine_isReadAsText_andTheDefectIsNoted() {
        ConversationEntry entry = MimeEmailParserTest.only("multipart_missing_start_boundary.eml").entry();
        assertEquals(EntryKind.MESSAGE, entry.kind());
        assertTrue(entry.text().startsWith("Hello,\n\ninvoice 2231 charges shipping twice."), entry.text());
        assertTrue(entry.text().endsWith("Greta"), entry.text());
        assertEquals(List.of("multipart start boundary not found, read as text"), entry.details().get("mimeDefects"));
    }

    @Test
    void multipartWhoseFirstPartHasNoDelimiter_isReadAsThatPart_withItsEncodingAndCharset() {
        ConversationEntry entry = MimeEmailParserTest.only("multipart_first_part_without_delimiter.eml").entry();
        assertEquals("Meine Bestellung ist nie angekommen. Grüße, Lea", entry.text());
        assertEquals(List.of("multipart start boundary not found, read as text"), entry.details().get("mimeDefects"));
    }

    @Test
    void multipartWhoseDeclaredBoundaryIsNotInTheBody_isSplitAtTheBodysOwnDelimiters() {
        ConversationEntry entry = MimeEmailParserTest.only("multipart_boundary_not_in_body.eml").entry();
        assertEquals("Does the blue model come in size 44?", entry.text());
        assertEquals(List.of("multipart boundary not in the body, split at the body's delimiter lines"),
                entry.details().get("mimeDefects"));
    }

    @Test
    void innerMultipartReusingTheOuterBoundary_keepsTheSiblingTextHtmlAndAttachment() {
        ConversationEntry entry = MimeEmailParserTest.only("multipart_inner_reuses_outer_boundary.eml").entry();
        assertEquals("The table arrived with a scratch on the top, photo attached. Grüße, Pia", entry.text());
        assertEquals(true, entry.details().get("hasHtml"));
        assertEquals(List.of(new Attachment("image", "image/gif", null, null, "scratch.gif", null, 42L)),
                entry.attachments());
        assertEquals(List.of("multipart start boundary not found, read as text"), entry.details().get("mimeDefects"));
    }

    @Test
    void multipartWithoutBoundaryParameter_andNoDelimiterLines_isReadAsText() {
        ConversationEntry entry = MimeEmailParserTest.only("multipart_without_boundary_parameter.eml").entry();
        assertEquals("The password reset link expired before I could use it. Please send a new one.", entry.text());
        assertEquals(List.of("multipart without boundary, read as text"), entry.details().get("mimeDefects"));
    }

    @Test
    void boundaryParameterWithoutItsClosingQuote_isReadUpToTheEndOfTheHeader() {
        ConversationEntry entry = MimeEmailParserTest.only("content_type_unbalanced_quote.eml").entry();
        assertEquals("Parcel 88-1203 has not moved for a week.", entry.text());
        assertEquals(true, entry.details().get("hasHtml"));
        assertEquals(List.of("Content-Type has an unbalanced quote"), entry.details().get("mimeDefects"));
    }

    @Test
    void reportWhoseContentTypeIsCutOffBeforeTheBoundary_isStillABounceThatMarksTheOriginalFailed() {
        List<Interaction> interactions = MimeEmailParserTest.interactions("bounce_content_type_cut_off.eml");
        assertEquals(2, interactions.size(), interactions.toString());
        Interaction.LogReply bounce = assertInstanceOf(Interaction.LogReply.class, interactions.get(0));
        assertEquals(EntryKind.BOUNCE, bounce.entry().kind());
        assertEquals(Identity.email("ines@example.com"), bounce.customer());
        assertEquals(List.of("multipart without boundary parameter, split at the body's delimiter lines"),
                bounce.entry().details().get("mimeDefects"));
        Interaction.UpdateStatus failed = assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(1));
        assertEquals("agent-7002@support.example.net", failed.change().providerMessageId());
        assertEquals(DeliveryStatus.FAILED, failed.change().status());
    }

    @Test
    void wellFormedMessage_hasNoDefects() {
        ConversationEntry entry = MimeEmailParserTest.only("multipart_with_attachment.eml").entry();
        assertNull(entry.details().get("mimeDefects"));
    }

    @Test
    void damagedBase64Text_isDecodedAsFarAsReadable() {
        byte[] raw = ("From: a@example.com\r\nMessage-ID: <b64@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQh\r\nSGk\r\n").getBytes(StandardCharsets.US_ASCII);
        ParsedEmail email = MimeEmailParser.parse(raw);
        assertTrue(email.text().startsWith("Hello world!"), email.text());
        assertEquals(List.of("damaged base64, decoded as far as readable"), email.mimeDefects());
    }

    @Test
    void unknownTransferEncoding_isReadAsIs() {
        byte[] raw = ("From: a@example.com\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-martian\r\n\r\n"
                + "plain words\r\n").getBytes(StandardCharsets.US_ASCII);
        ParsedEmail email = MimeEmailParser.parse(raw);
        assertEquals("plain words", email.text().strip());
        assertEquals(List.of("transfer encoding unknown or broken, read as is"), email.mimeDefects());
    }

    @Test
    void contentTypeParameterCutOff_keepsTheParametersBeforeIt() {
        byte[] raw = ("From: a@example.com\r\nContent-Type: text/plain; charset=iso-8859-1; form\r\n\r\n"
                + "Gr\u00fc\u00dfe\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ParsedEmail email = MimeEmailParser.parse(raw);
        assertEquals("Grüße", email.text().strip());
        assertEquals(List.of("Content-Type parameter cut off"), email.mimeDefects());
    }

    @Test
    void multipartNestedBeyondTheLimit_isReadDownToTheLimit() {
        StringBuilder raw = new StringBuilder("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        int depth = MimeEmailParser.MAX_DEPTH + 5;
        for (int i = 0; i < depth; i++) {
            raw.append("--b").append(i).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(i + 1).append("\"\r\n\r\n");
        }
        raw.append("--b").append(depth).append("\r\nContent-Type: text/plain\r\n\r\ndeep\r\n");
        ParsedEmail email = MimeEmailParser.parse(raw.toString().getBytes(StandardCharsets.US_ASCII));
        assertNull(email.text());
        assertTrue(email.mimeDefects().contains("multipart nested too deep, inner parts skipped"), email.mimeDefects().toString());
    }

    @Test
    void messageOfThousandsOfParts_isReadUpToThePartLimit() {
        StringBuilder raw = new StringBuilder("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n"
                + "--p\r\nContent-Type: text/plain\r\n\r\nthe text\r\n");
        raw.append("--p\r\nContent-Type: image/gif\r\n\r\nGIF\r\n".repeat(3000)).append("--p--\r\n");
        ParsedEmail email = MimeEmailParser.parse(raw.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals("the text", email.text().strip());
        assertEquals(MimeEmailParser.MAX_PARTS - 1, email.attachments().size());
        assertEquals(List.of("more than " + MimeEmailParser.MAX_PARTS + " parts, the rest skipped"), email.mimeDefects());
    }

    @Test
    void bytesWithoutHeaderFields_areStillRefusedAs400() {
        byte[] raw = "\r\njust a body without any header\r\n".getBytes(StandardCharsets.US_ASCII);
        RejectedInputException refused = assertThrows(RejectedInputException.class, () -> MimeEmailParser.parse(raw));
        assertEquals("malformed MIME: not a message (no header fields)", refused.reason());
    }

    // ---------------------------------------------------------------- through the routes

    @Test
    void rawMimeRoute_withAMissingStartBoundary_is200_andStoresTheTextWithItsDefect() {
        APIGatewayV2HTTPResponse response = TestHandlers.post(handler, EmailChannel.MIME, "message/rfc822",
                Fixtures.bytes("multipart_missing_start_boundary.eml"), TestHandlers.auth(), true);
        assertEquals(200, response.getStatusCode(), response.getBody());
        ConversationEntry entry = onlyEntry();
        assertEquals("nostart-0101@mail.example.com", entry.providerMessageId());
        assertTrue(entry.text().contains("invoice 2231 charges shipping twice"), entry.text());
        assertEquals(List.of("multipart start boundary not found, read as text"), entry.details().get("mimeDefects"));
    }

    @Test
    void sendGridRawRoute_withAnUnbalancedBoundaryQuote_is200_andStoresTheText() {
        byte[] body = Requests.multipart("xYzZY", List.of(
                Requests.Field.text("to", "help@parse.support.example.net"),
                Requests.Field.text("from", "Sven Berg <sven@example.se>"),
                new Requests.Field("email", null, null, Fixtures.bytes("content_type_unbalanced_quote.eml"))));
        APIGatewayV2HTTPResponse response = TestHandlers.post(handler, EmailChannel.SENDGRID,
                Requests.multipartType("xYzZY"), body, TestHandlers.auth(), true);
        assertEquals(200, response.getStatusCode(), response.getBody());
        ConversationEntry entry = onlyEntry();
        assertEquals("Parcel 88-1203 has not moved for a week.", entry.text());
        assertEquals("/email/sendgrid", entry.source());
        assertEquals(List.of("Content-Type has an unbalanced quote"), entry.details().get("mimeDefects"));
    }

    private ConversationEntry onlyEntry() {
        List<ConversationEntry> all = log.all();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }
}
