package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.InMemoryConversationLog;
import io.switchboard.core.testing.InMemoryCustomerDirectory;
import io.switchboard.core.testing.InMemoryReplayGuard;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery-status reports come from the null sender ({@code MAILER DAEMON <>}, {@code From: <>}): they are bounces,
 * accepted, never refused as a missing sender; they mark the returned message failed where the log knows it and
 * never open a conversation.
 */
class NullSenderBounceTest {

    private static final String ORIGINAL = "agent-7003@support.example.net";

    private final InMemoryCustomerDirectory directory = new InMemoryCustomerDirectory();
    private final InMemoryConversationLog log = new InMemoryConversationLog();
    private final EmailWebhookHandler handler = TestHandlers.create(directory, log, new InMemoryReplayGuard());

    @AfterEach
    void closeHandler() {
        handler.close();
    }

    @Test
    void mailerDaemonWithEmptyAddress_isABounceOnTheFinalRecipient_thatMarksTheReturnedMessageFailed() {
        List<Interaction> interactions = MimeEmailParserTest.interactions("bounce_null_sender.eml");
        assertEquals(2, interactions.size(), interactions.toString());
        Interaction.LogReply bounce = assertInstanceOf(Interaction.LogReply.class, interactions.get(0));
        assertEquals(EntryKind.BOUNCE, bounce.entry().kind());
        assertFalse(bounce.entry().kind().opensConversations());
        assertEquals(Identity.email("joe@example.org"), bounce.customer());
        assertNull(bounce.profileName(), "the mailer daemon's name must not name the customer");
        assertEquals(Map.of("address", "", "name", "MAILER DAEMON"), bounce.entry().details().get("from"));
        assertEquals(List.of(ORIGINAL), bounce.threadReferences());
        Interaction.UpdateStatus failed = assertInstanceOf(Interaction.UpdateStatus.class, interactions.get(1));
        assertEquals(ORIGINAL, failed.change().providerMessageId());
        assertEquals(DeliveryStatus.FAILED, failed.change().status());
        assertEquals("5.2.2", failed.change().error().get("status"));
    }

    @Test
    void nullSenderReport_throughTheMimeRoute_is200_andMarksTheKnownOutboundMessageFailed() {
        Customer joe = directory.resolve(Identity.email("joe@example.org"), "Joe Hill", "/email/ses",
                Instant.parse("2026-11-30T12:00:00Z")).customer();
        log.append(joe, ConversationEntry.builder(Channel.EMAIL, ORIGINAL).source("/email/ses")
                .direction(Direction.OUTBOUND).kind(EntryKind.MESSAGE).occurredAt(Instant.parse("2026-11-30T12:00:00Z"))
                .text("Hello Joe, your replacement is on its way.").status(DeliveryStatus.SENT,
                        Instant.parse("2026-11-30T12:00:01Z")).build(), List.of());

        APIGatewayV2HTTPResponse response = TestHandlers.post(handler, EmailChannel.MIME, "message/rfc822",
                Fixtures.bytes("bounce_null_sender.eml"), TestHandlers.auth(), true);

        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(1, directory.customerCount(), "the bounce belongs to Joe, no customer for the mail system");
        ConversationEntry original = log.find(joe.id(), ConversationEntry.idFor(Channel.EMAIL, ORIGINAL)).orElseThrow();
        assertEquals(DeliveryStatus.FAILED, original.status());
        ConversationEntry bounce = log.all().stream().filter(entry -> entry.kind() == EntryKind.BOUNCE).findFirst()
                .orElseThrow();
        assertEquals("20261130122000.NULL1@mx.example.org", bounce.providerMessageId());
    }

    @Test
    void emptyFromWithoutAnyReport_isAccepted_andStoresNothing_forItNamesNobody() {
        APIGatewayV2HTTPResponse response = TestHandlers.post(handler, EmailChannel.MIME, "message/rfc822",
                Fixtures.bytes("bounce_null_sender_without_report.eml"), TestHandlers.auth(), true);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertTrue(log.all().isEmpty());
        assertEquals(0, directory.customerCount());
    }

    @Test
    void emptyFrom_isParsedAsTheNullSender_andTheMessageAsABounce() {
        ParsedEmail email = MimeEmailParser.parse(Fixtures.bytes("bounce_null_sender_without_report.eml"));
        assertTrue(email.from().isNullSender());
        assertEquals(ParsedEmail.Bounce.UNKNOWN, email.bounce());
        assertTrue(EmailInteractions.of(email, "mime", TestHandlers.NOW, new byte[0]).isEmpty());
    }

    @Test
    void postmarkFromMailerDaemonWithEmptyAddress_isAccepted_asABounceThatNamesNobody() {
        APIGatewayV2HTTPResponse response = TestHandlers.post(handler, EmailChannel.POSTMARK, "application/json",
                Requests.postmark(null, "MAILER DAEMON <>", "Delivery failed."), TestHandlers.auth(), false);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertTrue(log.all().isEmpty());
        assertEquals(0, directory.customerCount());
    }

    @Test
    void mailgunForwardOfANullSenderReport_isAccepted() {
        byte[] body = Requests.urlencoded(Requests.signedMailgun(
                Requests.mailgunMessage("<>", "Delivery failed.", "dsn-mg-1@mx.example.org"),
                TestHandlers.NOW.getEpochSecond(), "token-null-sender-0001"));
        APIGatewayV2HTTPResponse response = TestHandlers.post(handler, EmailChannel.MAILGUN,
                Requests.URLENCODED, body, Map.of(), false);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertTrue(log.all().isEmpty());
    }

    @Test
    void unqualifiedMailerDaemon_isReadAsTheNullSender_andTheMessageAsABounce() {
        ParsedEmail email = MimeEmailParser.parse(Requests.mime("MAILER-DAEMON (Mail Delivery System)", "failed"));
        assertTrue(email.from().isNullSender());
        assertEquals(ParsedEmail.Bounce.UNKNOWN, email.bounce());
    }
}
