package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.json.Json;
import io.switchboard.email.SesStandIn;
import io.switchboard.local.LocalCloud;
import io.switchboard.local.standin.ProviderStandIns;
import io.switchboard.local.standin.SentRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Replies end to end on the embedded cloud: a command on the commands queue, the outbound function, the channel's
 * sender calling the provider stand-in over HTTP, the stand-in's signed status webhooks through the channel
 * functions, and the outcome as events on the events queue.
 */
class EmbeddedRepliesTest {

    static final String WHATSAPP_TOKEN = "test-whatsapp-access-token";
    static final String PAGE_TOKEN = "test-page-access-token";
    private static final Map<String, String> SENDER_SETTINGS = Map.of(
            "WHATSAPP_ACCESS_TOKEN", WHATSAPP_TOKEN,
            "MESSENGER_PAGE_ACCESS_TOKEN", PAGE_TOKEN,
            "TWILIO_ACCOUNT_SID", TwilioWebhooks.ACCOUNT_SID,
            "SUPPORT_EMAIL_ADDRESS", "support@support.example.net",
            // A hung provider is given up on after 10 s here (the default); generous for a loaded machine.
            "SEND_TIMEOUT_SECONDS", "10",
            "SEND_RETRY_FIRST_MS", "50");

    private static PipelineCloud cloud;

    @BeforeAll
    static void start() {
        cloud = PipelineCloud.start(new LocalCloud.Options(), SENDER_SETTINGS);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @BeforeEach
    void automaticStatuses() {
        for (ProviderStandIns.StandIn standIn : standIns().all()) {
            standIn.statusMode(ProviderStandIns.StatusMode.AUTOMATIC);
        }
    }

    private static ProviderStandIns standIns() {
        return cloud.local().standIns();
    }

    // ------------------------------------------------------------------ helpers

    /** A new customer's WhatsApp message; returns the message.received event. */
    private static JsonNode whatsAppCustomer(String waId, Instant at) {
        String wamid = "wamid.in-" + UUID.randomUUID();
        assertEquals(200, cloud.postWhatsApp(WhatsAppWebhooks.text(waId, "Ann Example", wamid, at, "Where is my order?")).statusCode());
        return received(cloud.customerIdOf("phone:+" + waId).orElseThrow());
    }

    /** A new customer's SMS; returns the customer id once its message.received is out. */
    private static String smsCustomer(String from, String text) {
        assertEquals(200, cloud.postTwilio("/webhooks/twilio/sms",
                TwilioWebhooks.sms("SM" + UUID.randomUUID().toString().replace("-", ""), from, text)).statusCode());
        String customerId = cloud.customerIdOf("phone:" + from).orElseThrow();
        received(customerId);
        return customerId;
    }

    /** The reply failed with this code and a reason in plain words. */
    private static void assertFailedWith(JsonNode sent, String code) {
        assertEquals("failed", sent.at("/data/entry/status").asText());
        assertEquals(code, sent.at("/data/entry/statusError/code").asText());
        assertFalse(sent.at("/data/entry/statusError/reason").asText().isBlank());
    }

    private static JsonNode received(String customerId) {
        List<JsonNode> events = cloud.awaitEvents(customerId, list -> list.stream()
                .anyMatch(event -> event.path("type").asText().equals("switchboard.message.received")));
        return events.stream().filter(event -> event.path("type").asText().equals("switchboard.message.received"))
                .reduce((first, second) -> second).orElseThrow();
    }

    static String command(String id, String customerId, String channel, String text, String extraData) {
        ObjectNode command = Json.MAPPER.createObjectNode()
                .put("specversion", "1.0").put("id", id).put("source", "/helpdesk/test")
                .put("type", "switchboard.message.send").put("subject", customerId)
                .put("datacontenttype", "application/json");
        ObjectNode data = command.putObject("data").put("customerId", customerId);
        if (channel != null) {
            data.put("channel", channel);
        }
        if (text != null) {
            data.put("text", text);
        }
        if (extraData != null) {
            try {
                data.setAll((ObjectNode) Json.MAPPER.readTree(extraData));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return command.toString();
    }

    /** Sends a command as a helpdesk does: FIFO group = customer, deduplication id given. */
    static String sendCommand(String body, String groupId, String deduplicationId) {
        return cloud.local().sqs().sendMessage(b -> b.queueUrl(cloud.local().queueUrl("CommandsQueue"))
                .messageBody(body).messageGroupId(groupId).messageDeduplicationId(deduplicationId)).messageId();
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(event -> event.path("type").asText().equals(type)).toList();
    }

    private static JsonNode awaitSent(String customerId, String commandId) {
        List<JsonNode> events = cloud.awaitEvents(customerId, list -> ofType(list, "switchboard.message.sent").stream()
                .anyMatch(event -> commandId.equals(event.at("/data/entry/details/commandId").asText())));
        return ofType(events, "switchboard.message.sent").stream()
                .filter(event -> commandId.equals(event.at("/data/entry/details/commandId").asText())).findFirst().orElseThrow();
    }

    private static List<String> statusesOf(String customerId, String entryId) {
        return ofType(cloud.eventsFor(customerId), "switchboard.message.status").stream()
                .filter(event -> entryId.equals(event.at("/data/entry/id").asText()))
                .map(event -> event.at("/data/entry/status").asText()).toList();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PipelineCloud.DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " did not happen in time");
            sleep(Duration.ofMillis(100));
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<SentRequest> requestsTo(ProviderStandIns.StandIn standIn, String recipientFragment) {
        return standIn.requests().stream().filter(request -> request.body().contains(recipientFragment)).toList();
    }

    // ------------------------------------------------------------------ WhatsApp

    @Test
    void givenAWhatsAppMessage_whenAReplyCommandArrives_thenOneDocumentedRequestOneEntryAndStatusesInOrder() {
        JsonNode inbound = whatsAppCustomer("14155550101", Instant.now().minusSeconds(60));
        String customerId = inbound.path("subject").asText();
        String inboundEntry = inbound.at("/data/entry/id").asText();
        standIns().standIn("whatsapp").statusMode(ProviderStandIns.StatusMode.HELD);

        sendCommand(command("cmd-wa-reply", customerId, null, "Your order ships today.",
                "{\"replyToEntryId\":\"" + inboundEntry + "\"}"), customerId, "cmd-wa-reply");
        JsonNode sent = awaitSent(customerId, "cmd-wa-reply");

        List<SentRequest> requests = requestsTo(standIns().standIn("whatsapp"), "14155550101");
        assertEquals(1, requests.size());
        SentRequest request = requests.get(0);
        assertEquals("Bearer " + WHATSAPP_TOKEN, request.header("Authorization"));
        assertEquals("/v21.0/" + WhatsAppWebhooks.PHONE_NUMBER_ID + "/messages", request.path());
        assertEquals("whatsapp", request.json().path("messaging_product").asText());
        assertEquals("14155550101", request.json().path("to").asText());
        assertEquals("Your order ships today.", request.json().at("/text/body").asText());
        assertEquals(inbound.at("/data/entry/providerMessageId").asText(), request.json().at("/context/message_id").asText());

        JsonNode entry = sent.at("/data/entry");
        assertEquals(request.providerMessageId(), entry.path("providerMessageId").asText());
        assertEquals("outbound", entry.path("direction").asText());
        assertEquals(inbound.at("/data/conversationId").asText(), sent.at("/data/conversationId").asText());
        assertEquals(customerId, sent.path("subject").asText());

        standIns().standIn("whatsapp").release(request.providerMessageId());
        String entryId = entry.path("id").asText();
        cloud.awaitEvents(customerId, events -> statusesOf(customerId, entryId).contains("read"));
        assertEquals(List.of("sent", "delivered", "read"), statusesOf(customerId, entryId));
        List<JsonNode> events = cloud.eventsFor(customerId);
        assertTrue(events.indexOf(sent) < events.indexOf(ofType(events, "switchboard.message.status").get(0)),
                "message.sent comes before its statuses");
    }

    @Test
    void givenAReadStatusBeforeTheSendCallReturned_whenTheReplyIsRecorded_thenTheReadIsKept() {
        String customerId = whatsAppCustomer("14155550102", Instant.now().minusSeconds(60)).path("subject").asText();
        standIns().standIn("whatsapp").statusMode(ProviderStandIns.StatusMode.BEFORE_ANSWER);

        sendCommand(command("cmd-wa-early-read", customerId, "whatsapp", "Hello again", null), customerId, "cmd-wa-early-read");

        String entryId = awaitSent(customerId, "cmd-wa-early-read").at("/data/entry/id").asText();
        cloud.awaitEvents(customerId, events -> statusesOf(customerId, entryId).contains("read"));
        assertEquals(1, requestsTo(standIns().standIn("whatsapp"), "14155550102").size());
        long outbound = cloud.entries(customerId).stream()
                .filter(item -> "outbound".equals(item.get("direction").s())).count();
        assertEquals(1, outbound);
        assertEquals("read", cloud.entries(customerId).stream()
                .filter(item -> entryId.equals(item.get("entryId").s())).findFirst().orElseThrow().get("status").s());
    }

    @Test
    void givenTheSameCommandDeliveredThreeTimes_whenCarriedOut_thenOneRequestOneEntryOneSentEvent() {
        String customerId = whatsAppCustomer("14155550103", Instant.now().minusSeconds(60)).path("subject").asText();
        String body = command("cmd-wa-thrice", customerId, "whatsapp", "Only once, please", null);

        // Three deliveries SQS's own deduplication does not catch (a helpdesk retrying after the 5-minute window).
        for (int delivery = 1; delivery <= 3; delivery++) {
            sendCommand(body, customerId, "cmd-wa-thrice-delivery-" + delivery);
        }
        awaitSent(customerId, "cmd-wa-thrice");
        await("the commands queue to empty", () -> queueDepth("CommandsQueue") == 0);
        cloud.drainQueue();

        assertEquals(1, requestsTo(standIns().standIn("whatsapp"), "14155550103").size());
        assertEquals(1, sentEntries(customerId));
        assertEquals(1, cloud.entries(customerId).stream().filter(item -> "outbound".equals(item.get("direction").s())).count());
    }

    @Test
    void givenTheLastWhatsAppMessage26HoursAgo_whenFreeTextIsSent_thenFailedOutsideTheWindowAndATemplateIsSent() {
        String customerId = whatsAppCustomer("14155550104", Instant.now().minus(26, ChronoUnit.HOURS)).path("subject").asText();

        sendCommand(command("cmd-wa-late-text", customerId, "whatsapp", "Are you still there?", null), customerId, "cmd-wa-late-text");
        JsonNode failed = awaitSent(customerId, "cmd-wa-late-text");

        assertFailedWith(failed, "outside_customer_service_window");
        assertTrue(requestsTo(standIns().standIn("whatsapp"), "14155550104").isEmpty());

        sendCommand(command("cmd-wa-late-template", customerId, "whatsapp", null,
                "{\"template\":{\"name\":\"order_update\",\"language\":{\"code\":\"en_US\"}}}"), customerId, "cmd-wa-late-template");
        JsonNode template = awaitSent(customerId, "cmd-wa-late-template");

        List<SentRequest> requests = requestsTo(standIns().standIn("whatsapp"), "14155550104");
        assertEquals(1, requests.size());
        assertEquals("template", requests.get(0).json().path("type").asText());
        assertEquals("order_update", requests.get(0).json().at("/template/name").asText());
        assertEquals("accepted", template.at("/data/entry/status").asText());
    }

    @Test
    void givenAProviderRefusal_whenSent_thenFailedWithTheProvidersCodeAndAPlainReason() {
        String customerId = whatsAppCustomer("14155550105", Instant.now().minusSeconds(60)).path("subject").asText();
        standIns().standIn("whatsapp").failNext(1, 400, "{\"error\":{\"message\":\"(#131026) Message Undeliverable\","
                + "\"type\":\"OAuthException\",\"code\":131026,\"error_data\":{\"messaging_product\":\"whatsapp\","
                + "\"details\":\"Message Undeliverable.\"},\"fbtrace_id\":\"AbCdEf\"}}");

        sendCommand(command("cmd-wa-refused", customerId, "whatsapp", "Hello", null), customerId, "cmd-wa-refused");
        JsonNode failed = awaitSent(customerId, "cmd-wa-refused");

        assertFailedWith(failed, "131026");
        assertEquals(1, requestsTo(standIns().standIn("whatsapp"), "14155550105").size());
    }

    @Test
    void givenA503ThenSuccess_whenSent_thenOneMessageIsSent() {
        String customerId = whatsAppCustomer("14155550106", Instant.now().minusSeconds(60)).path("subject").asText();
        standIns().standIn("whatsapp").failNext(1, 503, "{\"error\":{\"message\":\"Service temporarily unavailable\",\"code\":2}}");

        sendCommand(command("cmd-wa-503", customerId, "whatsapp", "Hello", null), customerId, "cmd-wa-503");
        JsonNode sent = awaitSent(customerId, "cmd-wa-503");

        List<SentRequest> requests = requestsTo(standIns().standIn("whatsapp"), "14155550106");
        assertEquals(2, requests.size(), "the 503 and the retry");
        assertEquals(1, requests.stream().filter(request -> request.providerMessageId() != null).count());
        assertEquals("accepted", sent.at("/data/entry/status").asText());
    }

    @Test
    void givenAProviderThatNeverAnswers_whenSent_thenFailedOutcomeUnknownAndNoSecondRequest() {
        String customerId = whatsAppCustomer("14155550107", Instant.now().minusSeconds(60)).path("subject").asText();
        standIns().standIn("whatsapp").hangNext();

        sendCommand(command("cmd-wa-hang", customerId, "whatsapp", "Hello", null), customerId, "cmd-wa-hang");
        JsonNode failed = awaitSent(customerId, "cmd-wa-hang");

        assertEquals("failed", failed.at("/data/entry/status").asText());
        assertEquals("outcome_unknown", failed.at("/data/entry/statusError/code").asText());
        await("the commands queue to empty", () -> queueDepth("CommandsQueue") == 0);
        assertEquals(1, requestsTo(standIns().standIn("whatsapp"), "14155550107").size());
    }

    // ------------------------------------------------------------------ Messenger, SMS, email

    @Test
    void givenAMessengerMessage_whenReplied_thenResponseTypeAndTheEchoMakesNoSecondEntry() {
        String psid = "61200000000" + (1000 + (int) (Math.random() * 8000));
        String inbound = MessengerWebhooks.page(Instant.now(),
                MessengerWebhooks.text(psid, MessengerWebhooks.PAGE_ID, "m_in-" + UUID.randomUUID(), Instant.now(), "Hi"));
        assertEquals(200, cloud.post("/webhooks/messenger", inbound, signMessenger(inbound)).statusCode());
        String customerId = cloud.customerIdOf("messenger:" + MessengerWebhooks.PAGE_ID + ":" + psid).orElseThrow();
        received(customerId);

        sendCommand(command("cmd-ms-reply", customerId, "messenger", "Happy to help", null), customerId, "cmd-ms-reply");
        JsonNode sent = awaitSent(customerId, "cmd-ms-reply");
        String entryId = sent.at("/data/entry/id").asText();
        cloud.awaitEvents(customerId, events -> statusesOf(customerId, entryId).contains("read"));
        cloud.drainQueue();

        List<SentRequest> requests = requestsTo(standIns().standIn("messenger"), psid);
        assertEquals(1, requests.size());
        assertEquals("RESPONSE", requests.get(0).json().path("messaging_type").asText());
        assertEquals(psid, requests.get(0).json().at("/recipient/id").asText());
        assertEquals("Happy to help", requests.get(0).json().at("/message/text").asText());
        assertEquals(1, sentEntries(customerId), "the echo is not a second message");
        assertEquals(1, cloud.entries(customerId).stream().filter(item -> "outbound".equals(item.get("direction").s())).count());
    }

    private static String signMessenger(String body) {
        return io.switchboard.meta.HubSignature.sign(body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                PipelineCloud.MESSENGER_APP_SECRET);
    }

    @Test
    void givenAnSms_whenReplied_thenFromIsTheNumberTheCustomerWroteToAndStatusCallbacksDeliverIt() {
        String from = "+14155550108";
        String customerId = smsCustomer(from, "Call me back?");

        sendCommand(command("cmd-sms-reply", customerId, null, "We will call at 3pm.", null), customerId, "cmd-sms-reply");
        JsonNode sent = awaitSent(customerId, "cmd-sms-reply");
        String entryId = sent.at("/data/entry/id").asText();
        cloud.awaitEvents(customerId, events -> statusesOf(customerId, entryId).contains("delivered"));

        List<SentRequest> requests = standIns().standIn("twilio").requests().stream()
                .filter(request -> request.formValue("To").orElse("").equals(from)).toList();
        assertEquals(1, requests.size());
        SentRequest request = requests.get(0);
        assertEquals(TwilioWebhooks.COMPANY_NUMBER, request.formValue("From").orElseThrow());
        assertEquals("We will call at 3pm.", request.formValue("Body").orElseThrow());
        assertEquals(cloud.baseUrl() + "/webhooks/twilio/sms/status", request.formValue("StatusCallback").orElseThrow());
        assertTrue(request.header("Authorization").startsWith("Basic "));
        assertEquals(request.providerMessageId(), sent.at("/data/entry/providerMessageId").asText());
        assertEquals("sms", sent.at("/data/entry/channel").asText());
    }

    @Test
    void givenTwilioRefusesTheNumber_whenReplied_thenFailedWith21211AndAPlainReason() {
        String from = "+14155550111";
        String customerId = smsCustomer(from, "Hi");
        // Twilio's documented error answer: https://www.twilio.com/docs/api/errors/21211
        standIns().standIn("twilio").failNext(1, 400, "{\"code\": 21211, \"message\": \"The 'To' number " + from
                + " is not a valid phone number.\", \"more_info\": \"https://www.twilio.com/docs/errors/21211\", \"status\": 400}");

        sendCommand(command("cmd-sms-refused", customerId, "sms", "Hello", null), customerId, "cmd-sms-refused");
        JsonNode failed = awaitSent(customerId, "cmd-sms-refused");

        assertFailedWith(failed, "21211");
    }

    @Test
    void givenAnEmail_whenReplied_thenTheMimeThreadsAndTheCustomersAnswerJoinsTheConversation() {
        String address = "ann." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String messageId = "order-42-" + UUID.randomUUID() + "@mail.example.com";
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(address, "Ann Example", messageId,
                Instant.now().minusSeconds(120), "Order 42", "Where is order 42?", null, List.of())).statusCode());
        String customerId = cloud.customerIdOf("email:" + address).orElseThrow();
        JsonNode inbound = received(customerId);

        sendCommand(command("cmd-email-reply", customerId, "email", "It ships today.", null), customerId, "cmd-email-reply");
        JsonNode sent = awaitSent(customerId, "cmd-email-reply");

        List<SentRequest> requests = requestsTo(standIns().standIn("ses"), address);
        assertEquals(1, requests.size());
        String mime = new String(SesStandIn.rawMessage(requests.get(0).json()), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(mime.contains("In-Reply-To: <" + messageId + ">"), mime);
        assertTrue(mime.contains("References: <" + messageId + ">"), mime);
        assertTrue(mime.contains("Subject: Re: Order 42"), mime);
        String sesMessageId = sent.at("/data/entry/providerMessageId").asText();
        assertFalse(sesMessageId.isBlank());

        // The customer answers the reply: their client references the Message-ID SES gave it.
        String answerId = "answer-" + UUID.randomUUID() + "@mail.example.com";
        String referenced = sesMessageId.replaceAll("^<|>$", "");
        assertEquals(200, cloud.postMime(EmailWebhooks.mime(address, "Ann Example", answerId, Instant.now(),
                "Re: Order 42", "Thanks!", referenced, List.of(messageId, referenced))).statusCode());
        List<JsonNode> events = cloud.awaitEvents(customerId, list -> ofType(list, "switchboard.message.received").size() >= 2);
        JsonNode answer = ofType(events, "switchboard.message.received").get(1);
        assertEquals(sent.at("/data/conversationId").asText(), answer.at("/data/conversationId").asText());
        assertEquals(inbound.at("/data/conversationId").asText(), answer.at("/data/conversationId").asText());
    }

    // ------------------------------------------------------------------ rejections and faults

    @Test
    void givenBadCommands_whenReceived_thenRejectedWithAReasonNothingSentAndNothingLeftOnTheQueues() {
        String customerId = whatsAppCustomer("14155550109", Instant.now().minusSeconds(60)).path("subject").asText();
        int requestsBefore = standIns().requests().size();
        Map<String, String> commands = Map.of(
                "bad-unknown-customer", command("bad-unknown-customer", "no-such-customer", "whatsapp", "Hi", null),
                "bad-no-identity", command("bad-no-identity", customerId, "messenger", "Hi", null),
                "bad-empty", command("bad-empty", customerId, "whatsapp", null, null),
                "bad-too-long", command("bad-too-long", customerId, "whatsapp", "x".repeat(4097), null),
                "bad-type", command("bad-type", customerId, "whatsapp", "Hi", null)
                        .replace("switchboard.message.send", "switchboard.message.unsend"));
        commands.forEach((id, body) -> sendCommand(body, customerId, id));
        String malformedMessageId = sendCommand("{not json", customerId, "bad-json");

        List<JsonNode> events = new java.util.ArrayList<>(cloud.awaitEvents(customerId,
                list -> ofType(list, "switchboard.command.rejected").size() >= commands.size() - 1));
        // A rejection travels in the group of the customer the command named, here one that does not exist.
        events.addAll(cloud.awaitEventCount("no-such-customer", 1));
        assertEquals(commands.size(), ofType(events, "switchboard.command.rejected").size());
        Map<String, String> codes = Map.of("bad-unknown-customer", "unknown_customer", "bad-no-identity",
                "no_identity_on_channel", "bad-empty", "empty_message", "bad-too-long", "text_too_long",
                "bad-type", "unknown_type");
        for (JsonNode rejected : ofType(events, "switchboard.command.rejected")) {
            String id = rejected.at("/data/commandId").asText();
            assertEquals(codes.get(id), rejected.at("/data/code").asText(), id);
            assertFalse(rejected.at("/data/reason").asText().isBlank());
        }
        // The malformed one names no customer and has no id: it is known by its SQS message id, in a group of its own.
        JsonNode malformed = cloud.awaitEventCount("command:" + malformedMessageId, 1).get(0);
        assertEquals("malformed_json", malformed.at("/data/code").asText());
        await("the commands queue to empty", () -> queueDepth("CommandsQueue") == 0);
        assertEquals(0, queueDepth("CommandsDeadLetterQueue"));
        assertEquals(requestsBefore, standIns().requests().size());
    }

    @Test
    void givenACommandIdReusedOnTheQueueForAnotherTextOrCustomer_thenEachReuseIsRejectedOnce_andTheFirstIsSentOnce() {
        String annId = whatsAppCustomer("14155550131", Instant.now().minusSeconds(60)).path("subject").asText();
        String bobId = whatsAppCustomer("14155550132", Instant.now().minusSeconds(60)).path("subject").asText();
        String first = command("cmd-reused", annId, "whatsapp", "Your order shipped", null);
        String otherText = command("cmd-reused", annId, "whatsapp", "Your order was cancelled", null);
        String otherCustomer = command("cmd-reused", bobId, "whatsapp", "Your order shipped", null);

        sendCommand(first, annId, "cmd-reused-1");
        awaitSent(annId, "cmd-reused");
        // Each with a deduplication id of its own, as a helpdesk retrying after SQS's 5-minute window would send them.
        sendCommand(otherText, annId, "cmd-reused-2");
        sendCommand(otherCustomer, bobId, "cmd-reused-3");
        sendCommand(otherText, annId, "cmd-reused-4");
        sendCommand(first, annId, "cmd-reused-5");
        List<JsonNode> annEvents = cloud.awaitEvents(annId, list -> !ofType(list, "switchboard.command.rejected").isEmpty());
        List<JsonNode> bobEvents = cloud.awaitEvents(bobId, list -> !ofType(list, "switchboard.command.rejected").isEmpty());
        await("the commands queue to empty", () -> queueDepth("CommandsQueue") == 0);
        cloud.drainQueue();

        for (JsonNode rejected : List.of(ofType(annEvents, "switchboard.command.rejected").get(0),
                ofType(bobEvents, "switchboard.command.rejected").get(0))) {
            assertEquals("cmd-reused", rejected.at("/data/commandId").asText());
            assertEquals("duplicate_command_id_conflict", rejected.at("/data/code").asText());
            assertFalse(rejected.at("/data/reason").asText().isBlank());
        }
        assertEquals(1, ofType(cloud.eventsFor(annId), "switchboard.command.rejected").size(), "a redelivered reuse is not announced again");
        assertEquals(1, ofType(cloud.eventsFor(bobId), "switchboard.command.rejected").size());
        assertEquals(1, sentEntries(annId));
        assertEquals(0, ofType(cloud.eventsFor(bobId), "switchboard.message.sent").size());
        List<SentRequest> sent = requestsTo(standIns().standIn("whatsapp"), "14155550131");
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).body().contains("Your order shipped"));
        assertTrue(requestsTo(standIns().standIn("whatsapp"), "14155550132").isEmpty());
        assertEquals(0, queueDepth("CommandsDeadLetterQueue"));
    }

    @Test
    void givenABatchOfTenWithOneCommandWhoseCustomerIdTheStoreWouldRefuse_thenItIsRejected_andTheNineAreEachSentOnce() {
        String customerId = whatsAppCustomer("14155550133", Instant.now().minusSeconds(60)).path("subject").asText();
        String poisonId = "cmd-poison-" + UUID.randomUUID();
        List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = i == 3 ? poisonId : "cmd-batch-" + i + "-" + poisonId;
            String body = command(id, i == 3 ? "c".repeat(10_000) : customerId, "whatsapp", "Batch reply " + i, null);
            batch.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder().id("m" + i)
                    .messageBody(body).messageGroupId(customerId).messageDeduplicationId(id).build());
        }
        assertTrue(cloud.local().sqs().sendMessageBatch(b -> b.queueUrl(cloud.local().queueUrl("CommandsQueue"))
                .entries(batch)).failed().isEmpty());

        // A customer id no store key can hold names nobody: the rejection travels in a group of its own.
        JsonNode rejected = ofType(cloud.awaitEventCount("command:" + poisonId, 1), "switchboard.command.rejected").get(0);
        cloud.awaitEvents(customerId, list -> ofType(list, "switchboard.message.sent").size() >= 9);
        await("the commands queue to empty", () -> queueDepth("CommandsQueue") == 0);
        cloud.drainQueue();

        assertEquals("unknown_customer", rejected.at("/data/code").asText());
        assertEquals(poisonId, rejected.at("/data/commandId").asText());
        List<SentRequest> sent = requestsTo(standIns().standIn("whatsapp"), "14155550133");
        for (int i = 0; i < 10; i++) {
            String text = "Batch reply " + i;
            assertEquals(i == 3 ? 0 : 1, sent.stream().filter(request -> request.body().contains(text)).count(), text);
        }
        assertEquals(9, sentEntries(customerId));
        assertEquals(0, queueDepth("CommandsDeadLetterQueue"));
    }

    /**
     * The customer's sent messages as a consumer keeps them (docs/consuming-events.md): one per entry id, however often
     * announced (a reply whose provider status arrived before the outbound function recorded it is announced as a
     * placeholder, then with its content); the latest announcement of each carries its content.
     */
    private static long sentEntries(String customerId) {
        Map<String, JsonNode> latest = new java.util.LinkedHashMap<>();
        ofType(cloud.eventsFor(customerId), "switchboard.message.sent")
                .forEach(event -> latest.put(event.at("/data/entry/id").asText(), event));
        latest.values().forEach(event -> assertFalse(event.at("/data/entry/placeholder").asBoolean(false), event.toString()));
        return latest.size();
    }

    private static long queueDepth(String queueId) {
        Map<QueueAttributeName, String> attributes = cloud.local().sqs().getQueueAttributes(b -> b
                .queueUrl(cloud.local().queueUrl(queueId))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void givenDynamoDbDownWhenACommandArrives_whenItRecovers_thenExactlyOneSend(@TempDir Path dataDir) {
        try (PipelineCloud own = PipelineCloud.start(new LocalCloud.Options().dataDir(dataDir), SENDER_SETTINGS)) {
            String waId = "14155550110";
            assertEquals(200, own.postWhatsApp(WhatsAppWebhooks.text(waId, "Ann", "wamid.down-1",
                    Instant.now().minusSeconds(30), "Hello")).statusCode());
            String customerId = own.customerIdOf("phone:+" + waId).orElseThrow();
            own.awaitEventCount(customerId, 3);
            var outbound = own.local().function("OutboundFunction");
            assertNotNull(outbound);

            own.local().stopDynamoDb();
            own.local().sqs().sendMessage(b -> b.queueUrl(own.local().queueUrl("CommandsQueue"))
                    .messageBody(command("cmd-db-down", customerId, "whatsapp", "Sorry for the wait", null))
                    .messageGroupId(customerId).messageDeduplicationId("cmd-db-down"));
            long deadline = System.nanoTime() + PipelineCloud.DEADLINE.toNanos();
            while (own.local().queuePollers().stream().mapToLong(poller -> poller.failedBatches()).sum() == 0) {
                assertTrue(System.nanoTime() < deadline, "the outbound function never saw the command");
                sleep(Duration.ofMillis(50));
            }
            assertTrue(own.local().standIns().standIn("whatsapp").requests().isEmpty(), "nothing is sent while the store is down");
            own.local().startDynamoDb();

            List<JsonNode> events = own.awaitEvents(customerId, list -> ofType(list, "switchboard.message.sent").size() >= 1);
            own.drainQueue();
            assertEquals(1, own.local().standIns().standIn("whatsapp").requests().size());
            assertEquals(1, ofType(own.eventsFor(customerId), "switchboard.message.sent").size());
            assertEquals("cmd-db-down", ofType(events, "switchboard.message.sent").get(0).at("/data/entry/details/commandId").asText());
        }
    }
}
