package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.InMemoryReplayGuard;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mailgun signs only timestamp + token, so within the freshness window a captured request could be replayed with
 * other content. Each token is remembered with a fingerprint of the form's content: a replay with other content
 * is refused (403, nothing stored); the provider's own retry of the same request is accepted and stays one entry.
 */
class MailgunReplayTest {

    private static final long NOW = TestHandlers.NOW.getEpochSecond();
    private static final String TOKEN = "5c1f3a2b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29181716";

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final InMemoryReplayGuard replayGuard = new InMemoryReplayGuard();
    private final EmailWebhookHandler handler = TestHandlers.create(directory, log, replayGuard);

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    @Test
    void replayWithAnotherFrom_withinTheWindow_is403_andStoresNothing() {
        assertEquals(200, mailgun(Requests.urlencoded(signed("Kim Lee <kim.lee@example.com>", "Thanks, it arrived.",
                TOKEN, NOW))).getStatusCode());
        List<ConversationEntry> before = log.all();

        APIGatewayV2HTTPResponse replay = mailgun(Requests.urlencoded(signed("Mallory <mallory@example.com>",
                "Thanks, it arrived.", TOKEN, NOW)));

        assertEquals(403, replay.getStatusCode());
        assertEquals("token already used", replay.getBody());
        assertEquals(before, log.all());
        assertEquals(1, directory.customerCount());
        assertEquals(true, directory.find(Identity.email("mallory@example.com")).isEmpty());
    }

    @Test
    void replayWithAnotherBody_withinTheWindow_is403_andStoresNothing() {
        assertEquals(200, mailgun(Requests.urlencoded(signed("Kim Lee <kim.lee@example.com>", "Thanks, it arrived.",
                TOKEN, NOW))).getStatusCode());
        List<ConversationEntry> before = log.all();

        APIGatewayV2HTTPResponse replay = mailgun(Requests.urlencoded(signed("Kim Lee <kim.lee@example.com>",
                "Please send the refund to IBAN XX00 1234.", TOKEN, NOW)));

        assertEquals(403, replay.getStatusCode(), replay.getBody());
        assertEquals(before, log.all());
        assertEquals(1, directory.customerCount());
    }

    @Test
    void replayArrivingBeforeTheOriginal_takesTheToken_andTheOriginalIsThenRefused() {
        assertEquals(200, mailgun(Requests.urlencoded(signed("Kim Lee <kim.lee@example.com>", "First use wins.",
                TOKEN, NOW))).getStatusCode());
        assertEquals(403, mailgun(Requests.urlencoded(signed("Kim Lee <kim.lee@example.com>", "Second content.",
                TOKEN, NOW))).getStatusCode());
        assertEquals(1, log.all().size());
    }

    @Test
    void identicalRetry_is200_andStillOneEntry() {
        byte[] body = Requests.urlencoded(signed("Kim Lee <kim.lee@example.com>", "Thanks, it arrived.", TOKEN, NOW));
        assertEquals(200, mailgun(body).getStatusCode());
        APIGatewayV2HTTPResponse retry = mailgun(body);
        assertEquals(200, retry.getStatusCode(), retry.getBody());
        assertEquals(1, log.all().size());
        assertEquals(1, directory.customerCount());
        assertEquals(1, replayGuard.size());
    }

    @Test
    void retryOfTheSameContentInAnotherFormEncoding_isTheSameRequest() {
        List<Requests.Field> fields = signed("Kim Lee <kim.lee@example.com>", "Thanks, it arrived.", TOKEN, NOW);
        assertEquals(200, mailgun(Requests.urlencoded(fields)).getStatusCode());
        APIGatewayV2HTTPResponse asMultipart = TestHandlers.post(handler, EmailChannel.MAILGUN,
                Requests.multipartType("retry-boundary-1"), Requests.multipart("retry-boundary-1", fields), Map.of(), true);
        assertEquals(200, asMultipart.getStatusCode(), asMultipart.getBody());
        assertEquals(1, log.all().size());
    }

    @Test
    void replayWithAnotherAttachment_is403() {
        List<Requests.Field> fields = new ArrayList<>(signed("Kim Lee <kim.lee@example.com>", "Receipt attached.",
                TOKEN, NOW));
        fields.add(Requests.Field.file("attachment-1", "receipt.pdf", "application/pdf",
                "%PDF-1.4 receipt".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(200, mailgun(fields, "b-one").getStatusCode());
        fields.set(fields.size() - 1, Requests.Field.file("attachment-1", "receipt.pdf", "application/pdf",
                "%PDF-1.4 forged!".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(403, mailgun(fields, "b-two").getStatusCode());
        assertEquals(1, log.all().size());
    }

    @Test
    void tokenLongerThanAnyMailgunToken_isRefusedAs400() {
        APIGatewayV2HTTPResponse response = mailgun(Requests.urlencoded(signed("Kim Lee <kim.lee@example.com>", "hi",
                "t".repeat(MailgunSignature.MAX_TOKEN_CHARS + 1), NOW)));
        assertEquals(400, response.getStatusCode());
        assertEquals(0, replayGuard.size());
        assertEquals(0, log.all().size());
    }

    // ---------------------------------------------------------------- the fingerprint

    @Test
    void fingerprint_isTheSameForUrlencodedAndMultipartWithAnyBoundary() {
        List<Requests.Field> fields = signed("Kim Lee <kim.lee@example.com>", "Grüße & thanks=yes", TOKEN, NOW);
        String urlencoded = FormFields.parse(Requests.urlencoded(fields), Requests.URLENCODED).fingerprint();
        String multipartA = FormFields.parse(Requests.multipart("aaa", fields), Requests.multipartType("aaa")).fingerprint();
        String multipartB = FormFields.parse(Requests.multipart("zz-99", fields), Requests.multipartType("zz-99")).fingerprint();
        assertEquals(urlencoded, multipartA);
        assertEquals(urlencoded, multipartB);
    }

    @Test
    void fingerprint_doesNotDependOnFieldOrder_butOnEveryNameAndValue() {
        List<Requests.Field> fields = signed("Kim Lee <kim.lee@example.com>", "hello", TOKEN, NOW);
        List<Requests.Field> reversed = new ArrayList<>(fields);
        java.util.Collections.reverse(reversed);
        String original = fingerprint(fields);
        assertEquals(original, fingerprint(reversed));
        List<Requests.Field> renamed = new ArrayList<>(fields);
        renamed.set(0, Requests.Field.text("recipient-x", "support@mg.support.example.net"));
        assertNotEquals(original, fingerprint(renamed));
        // "ab" + "c" and "a" + "bc" are different forms.
        assertNotEquals(fingerprint(List.of(Requests.Field.text("ab", "c"))), fingerprint(List.of(Requests.Field.text("a", "bc"))));
    }

    private static String fingerprint(List<Requests.Field> fields) {
        return FormFields.parse(Requests.urlencoded(fields), Requests.URLENCODED).fingerprint();
    }

    private static List<Requests.Field> signed(String from, String bodyPlain, String token, long timestamp) {
        return Requests.signedMailgun(Requests.mailgunMessage(from, bodyPlain, "replay-0001@mail.example.com"),
                timestamp, token);
    }

    private APIGatewayV2HTTPResponse mailgun(byte[] urlencoded) {
        return TestHandlers.post(handler, EmailChannel.MAILGUN, Requests.URLENCODED, urlencoded, Map.of(), false);
    }

    private APIGatewayV2HTTPResponse mailgun(List<Requests.Field> fields, String boundary) {
        return TestHandlers.post(handler, EmailChannel.MAILGUN, Requests.multipartType(boundary),
                Requests.multipart(boundary, fields), Map.of(), true);
    }
}
