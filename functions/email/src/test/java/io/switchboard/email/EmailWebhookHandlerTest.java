package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmailWebhookHandlerTest {

    static final String USER = TestHandlers.USER;
    static final String PASSWORD = TestHandlers.PASSWORD;
    static final String FORM = "application/x-www-form-urlencoded";

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final InMemoryReplayGuard replayGuard = new InMemoryReplayGuard();
    /** Built with Contexts.with(settings, directory, log, replayGuard), on a fixed clock (see TestHandlers). */
    private final EmailWebhookHandler handler = TestHandlers.create(directory, log, replayGuard);

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    // ---------------------------------------------------------------- Postmark

    @Test
    void postmarkInbound_withCredentials_isLoggedWithTheStrippedReplyAndTheHeaderMessageId() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.POSTMARK, "application/json",
                Fixtures.bytes("postmark_inbound.json"), auth(), false);
        assertEquals(200, response.getStatusCode(), response.getBody());
        ConversationEntry entry = onlyEntry();
        assertEquals("CAGXpo2WKfxHWZ5UFYCR3H_J9SNMG+5AXUovfEFL6DjWBJSyZaA@mail.example.com", entry.providerMessageId());
        assertEquals("/email/postmark", entry.source());
        assertEquals("Still nothing here, can you check with the courier?\n\nIvy", entry.text());
        assertEquals(Instant.parse("2026-12-01T09:05:00Z"), entry.occurredAt());
        assertEquals("agent-parcel-0001@support.example.net", entry.replyTo());
        assertEquals(true, entry.details().get("hasHtml"));
        assertEquals(List.of(Map.of("address", "jon.chen@example.com", "name", "Jon Chen")), entry.details().get("cc"));
        assertEquals(List.of(new Attachment("image", "image/png", "cid:ii_tracking01", null, "tracking.png", null, 70L)
                        .withStatus(AttachmentStatus.REFERENCE)),
                entry.attachments());
        assertEquals("Ivy Chen", directory.find(Identity.email("Ivy.Chen@example.com")).orElseThrow().displayName());
    }

    @Test
    void postmarkWithWrongPassword_is401WithAChallenge_andStoresNothing() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.POSTMARK, "application/json",
                Fixtures.bytes("postmark_inbound.json"), Map.of("Authorization", BasicAuth.header(USER, "guess")), false);
        assertEquals(401, response.getStatusCode());
        assertTrue(response.getHeaders().get("www-authenticate").startsWith("Basic realm="));
        assertNothingRecorded();
    }

    @Test
    void postmarkWithoutCredentials_is401_andStoresNothing() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.POSTMARK, "application/json",
                Fixtures.bytes("postmark_inbound.json"), Map.of(), false);
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void postmarkMalformedJson_is400_andStoresNothing() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.POSTMARK, "application/json",
                "{\"FromFull\":".getBytes(StandardCharsets.UTF_8), auth(), false);
        assertEquals(400, response.getStatusCode());
        assertEquals("malformed JSON", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void givenPostmarkJsonInTheLatin1ItDeclares_whenItArrivesBase64Encoded_thenItIsStoredDecodedByThatCharset() {
        APIGatewayV2HTTPResponse response = postLatin1Postmark(true);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("Still nothing here, can you check with the courier?\n\nZo\u00e9", onlyEntry().text());
    }

    @Test
    void givenPostmarkJsonInTheLatin1ItDeclares_whenTheGatewayHandsItOverAsText_thenItIsStoredDecodedByThatCharset() {
        APIGatewayV2HTTPResponse response = postLatin1Postmark(false);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("Still nothing here, can you check with the courier?\n\nZo\u00e9", onlyEntry().text());
    }

    /**
     * The Postmark body in ISO-8859-1 (the reply ends in "Zo\u00e9"), as its Content-Type says, handed over by API
     * Gateway base64-encoded, or as text decoded by the declared charset.
     */
    private APIGatewayV2HTTPResponse postLatin1Postmark(boolean base64) {
        byte[] latin1 = new String(Fixtures.bytes("postmark_inbound.json"), StandardCharsets.UTF_8)
                .replace("courier?\\n\\nIvy", "courier?\\n\\nZo\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        Map<String, String> headers = new java.util.HashMap<>(auth());
        headers.put("Content-Type", "application/json; charset=ISO-8859-1");
        String eventBody = base64 ? java.util.Base64.getEncoder().encodeToString(latin1)
                : new String(latin1, StandardCharsets.ISO_8859_1);
        return handler.handleRequest(io.switchboard.core.testing.ApiGatewayEvents
                .request("POST", EmailChannel.POSTMARK, headers, null, eventBody, base64), null);
    }

    // ---------------------------------------------------------------- Mailgun

    @Test
    void mailgunUrlencodedForward_signedNow_isLoggedWithStrippedTextAndThreadReferences() {
        byte[] body = Fixtures.mailgunSignedAt("mailgun_inbound.form", TestHandlers.NOW.getEpochSecond(), Fixtures.MAILGUN_KEY);
        APIGatewayV2HTTPResponse response = post(EmailChannel.MAILGUN, FORM, body, Map.of(), false);
        assertEquals(200, response.getStatusCode(), response.getBody());
        ConversationEntry entry = onlyEntry();
        assertEquals("CAKimLee0002@mail.example.com", entry.providerMessageId());
        assertEquals("Thanks, the refund arrived.", entry.text());
        assertEquals("/email/mailgun", entry.source());
        assertEquals(Instant.parse("2026-12-01T11:00:00Z"), entry.occurredAt());
        assertEquals(List.of("kim-first-6120@mail.example.com", "agent-6120@support.example.net"),
                entry.details().get("references"));
        assertEquals("Kim Lee", directory.find(Identity.email("kim.lee@example.com")).orElseThrow().displayName());
    }

    @Test
    void givenASignedMailgunFormWithAByteThatIsNoUtf8_whenPosted_thenItIsStoredNotRefusedAsForged() {
        // given a correctly signed form (Mailgun signs timestamp and token) whose body-plain holds %E9 (no UTF-8)
        byte[] body = new String(Fixtures.mailgunSignedAt("mailgun_inbound.form", TestHandlers.NOW.getEpochSecond(),
                Fixtures.MAILGUN_KEY), StandardCharsets.UTF_8).replace("body-plain=Thanks%2C", "body-plain=Merci%E9%2C")
                .getBytes(StandardCharsets.US_ASCII);
        // when
        APIGatewayV2HTTPResponse response = post(EmailChannel.MAILGUN, FORM, body, Map.of(), true);
        // then the email is kept (the byte it cannot read becomes U+FFFD)
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("CAKimLee0002@mail.example.com", onlyEntry().providerMessageId());
    }

    @Test
    void mailgunMultipartForward_withAnAttachment_keepsItsMetadataOnly() {
        byte[] body = Fixtures.mailgunSignedAt("mailgun_inbound.multipart", TestHandlers.NOW.getEpochSecond(), Fixtures.MAILGUN_KEY);
        APIGatewayV2HTTPResponse response = post(EmailChannel.MAILGUN, Fixtures.MAILGUN_MULTIPART_TYPE, body,
                Map.of(), true);
        assertEquals(200, response.getStatusCode(), response.getBody());
        ConversationEntry entry = onlyEntry();
        assertEquals("CAKimLee0003@mail.example.com", entry.providerMessageId());
        assertEquals(1, entry.attachments().size());
        Attachment receipt = entry.attachments().get(0);
        assertEquals("receipt-6120.pdf", receipt.filename());
        assertEquals("application/pdf", receipt.mimeType());
        assertEquals(69L, receipt.sizeBytes());
        assertEquals(AttachmentStatus.REFERENCE, receipt.status(), "its bytes are not kept yet");
    }

    @Test
    void mailgunSignedWithAnotherKey_is403_andStoresNothing() {
        byte[] body = Fixtures.mailgunSignedAt("mailgun_inbound.form", TestHandlers.NOW.getEpochSecond(), "someone-elses-key");
        APIGatewayV2HTTPResponse response = post(EmailChannel.MAILGUN, FORM, body, Map.of(), false);
        assertEquals(403, response.getStatusCode());
        assertEquals("invalid signature", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void mailgunWithAStaleTimestamp_is403_andStoresNothing() {
        long tenMinutesAgo = TestHandlers.NOW.minusSeconds(600).getEpochSecond();
        byte[] body = Fixtures.mailgunSignedAt("mailgun_inbound.form", tenMinutesAgo, Fixtures.MAILGUN_KEY);
        APIGatewayV2HTTPResponse response = post(EmailChannel.MAILGUN, FORM, body, Map.of(), false);
        assertEquals(403, response.getStatusCode());
        assertEquals("stale timestamp", response.getBody());
        assertNothingRecorded();
    }

    @Test
    void mailgunWithATimestampFarInTheFuture_is403_andStoresNothing() {
        long tenMinutesAhead = TestHandlers.NOW.plusSeconds(600).getEpochSecond();
        byte[] body = Fixtures.mailgunSignedAt("mailgun_inbound.form", tenMinutesAhead, Fixtures.MAILGUN_KEY);
        assertEquals(403, post(EmailChannel.MAILGUN, FORM, body, Map.of(), false).getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void mailgunFixtureAsDelivered_withItsOldTimestamp_isRefused() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.MAILGUN, FORM,
                Fixtures.bytes("mailgun_inbound.form"), Map.of(), false);
        assertEquals(403, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void mailgunWithoutSignatureFields_is401_andStoresNothing() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.MAILGUN, FORM,
                "from=a%40example.com&subject=hi".getBytes(StandardCharsets.US_ASCII), Map.of(), false);
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- SendGrid

    @Test
    void sendGridParsedForm_isLoggedWithDecodedSubjectAndAttachmentInfo() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.SENDGRID, Fixtures.SENDGRID_TYPE,
                Fixtures.bytes("sendgrid_parsed.multipart"), auth(), true);
        assertEquals(200, response.getStatusCode(), response.getBody());
        ConversationEntry entry = onlyEntry();
        assertEquals("CALiam0004@mail.example.com", entry.providerMessageId());
        assertEquals("Cancel my subscription – account 3310", entry.details().get("subject"));
        assertEquals("Please cancel my subscription for account 3310 at the end of the month.", entry.text());
        assertEquals(Instant.parse("2026-12-02T09:00:00Z"), entry.occurredAt());
        assertEquals(List.of(new Attachment("image", "image/png", "cid:ii_screenshot01", null, "screenshot.png", null, 70L)
                        .withStatus(AttachmentStatus.REFERENCE)),
                entry.attachments());
        assertEquals("/email/sendgrid", entry.source());
    }

    @Test
    void sendGridRawForm_isParsedFromTheWholeMimeMessage() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.SENDGRID, Fixtures.SENDGRID_TYPE,
                Fixtures.bytes("sendgrid_raw.multipart"), auth(), true);
        assertEquals(200, response.getStatusCode(), response.getBody());
        ConversationEntry entry = onlyEntry();
        assertEquals("CAMia0005@mail.example.com", entry.providerMessageId());
        assertEquals("I ordered a medium and got a small. Can I exchange it?", entry.text());
        assertEquals(true, entry.details().get("hasHtml"));
        assertEquals("Mia Park", directory.find(Identity.email("mia@example.com")).orElseThrow().displayName());
    }

    @Test
    void sendGridWithWrongUser_is401_andStoresNothing() {
        APIGatewayV2HTTPResponse response = post(EmailChannel.SENDGRID, Fixtures.SENDGRID_TYPE,
                Fixtures.bytes("sendgrid_raw.multipart"), Map.of("Authorization", BasicAuth.header("admin", PASSWORD)), true);
        assertEquals(401, response.getStatusCode());
        assertNothingRecorded();
    }

    // ---------------------------------------------------------------- raw MIME

    @Test
    void rawMimeDeliveredTwice_isOneEntry() {
        byte[] body = Fixtures.bytes("plain.eml");
        assertEquals(200, post(EmailChannel.MIME, "message/rfc822", body, auth(), true).getStatusCode());
        assertEquals(200, post(EmailChannel.MIME, "message/rfc822", body, auth(), true).getStatusCode());
        assertEquals(1, log.all().size());
        assertEquals(1, directory.customerCount());
    }

    @Test
    void rawMimeBounce_isLoggedAsABounceOnTheOriginalRecipient() {
        assertEquals(200, post(EmailChannel.MIME, "message/rfc822", Fixtures.bytes("bounce.eml"), auth(), false)
                .getStatusCode());
        ConversationEntry entry = onlyEntry();
        assertEquals(EntryKind.BOUNCE, entry.kind());
        assertTrue(directory.find(Identity.email("hal@example.com")).isPresent());
        assertNull(directory.find(Identity.email("hal@example.com")).orElseThrow().displayName());
    }

    @Test
    void malformedMime_is400WithAReason_andStoresNothing() {
        // Bytes that are no message: no header field at all. (A multipart without any boundary line, the example
        // this test used before, is real mail that lenient readers recover: see the lenient MIME tests.)
        byte[] body = ("no parts here, no headers either\r\n\r\njust some text\r\n").getBytes(StandardCharsets.US_ASCII);
        APIGatewayV2HTTPResponse response = post(EmailChannel.MIME, "message/rfc822", body, auth(), false);
        assertEquals(400, response.getStatusCode());
        assertTrue(response.getBody().startsWith("malformed MIME"), response.getBody());
        assertNothingRecorded();
    }

    @Test
    void bodyOverTheLimit_is413_andStoresNothing() {
        byte[] body = new byte[EmailWebhookHandler.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(body, (byte) 'a');
        APIGatewayV2HTTPResponse response = post(EmailChannel.MIME, "message/rfc822", body, auth(), true);
        assertEquals(413, response.getStatusCode());
        assertNothingRecorded();
    }

    @Test
    void getRequest_is405() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("GET", EmailChannel.MIME, null, auth(), false), null);
        assertEquals(405, response.getStatusCode());
    }

    // ---------------------------------------------------------------- helpers

    private ConversationEntry onlyEntry() {
        List<ConversationEntry> all = log.all();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    private void assertNothingRecorded() {
        assertTrue(log.all().isEmpty(), "nothing may be logged");
        assertEquals(0, directory.customerCount(), "no customer may be created");
    }

    private static Map<String, String> auth() {
        return Map.of("Authorization", BasicAuth.header(USER, PASSWORD));
    }

    private APIGatewayV2HTTPResponse post(String path, String contentType, byte[] body, Map<String, String> headers,
                                          boolean base64) {
        return TestHandlers.post(handler, path, contentType, body, headers, base64);
    }

    /** As API Gateway (HTTP API, payload 2.0) delivers it: binary bodies base64-encoded. */
    private static APIGatewayV2HTTPEvent event(String method, String path, byte[] body, Map<String, String> headers,
                                               boolean base64) {
        return TestHandlers.event(method, path, body, headers, base64);
    }
}
