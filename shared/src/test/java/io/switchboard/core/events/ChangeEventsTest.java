package io.switchboard.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.log.LogChange;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentUpdate;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.store.LogItems;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ChangeEventsTest {

    @Test
    void givenTwoReusesOfOneCommandId_whenAnnounced_thenEachHasItsOwnEventId_andARedeliveredRecordTheSameOne() {
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        java.util.function.Function<LogChange.CommandRejected, String> idOf =
                rejected -> ChangeEvents.of(rejected, null).get(0).id();
        LogChange.CommandRejected first = new LogChange.CommandRejected("cmd-1", "c1", "/helpdesk/x",
                "duplicate_command_id_conflict", "reused", at);
        LogChange.CommandRejected second = new LogChange.CommandRejected("cmd-1", "c1", "/helpdesk/x",
                "duplicate_command_id_conflict", "reused", at.plusMillis(40));
        LogChange.CommandRejected plain = new LogChange.CommandRejected("cmd-1", "c1", "/helpdesk/x",
                "unknown_customer", "no such customer", at);

        assertTrue(!idOf.apply(first).equals(idOf.apply(second)));
        assertEquals(idOf.apply(first), idOf.apply(first));
        assertTrue(!idOf.apply(plain).equals(idOf.apply(first)));
        assertEquals(idOf.apply(plain), ChangeEvents.of(new LogChange.CommandRejected("cmd-1", "c1", "/helpdesk/x",
                "unknown_customer", "no such customer", at.plusSeconds(5)), null).get(0).id(), "one per command id");
    }


    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");
    private final Customer customer = new Customer("cust-1", "Ann", List.of("phone:+14155550100"), AT, "/whatsapp/1", null);

    @Test
    void insertedCustomerRecord_announcesCustomerCreated() {
        var events = ChangeEvents.of(LogItems.changeOf(null, LogItems.customerItem(customer)), null);

        assertEquals(1, events.size());
        assertEquals(EventTypes.CUSTOMER_CREATED, events.get(0).type());
        assertEquals("cust-1", events.get(0).subject());
        assertEquals("/whatsapp/1", events.get(0).source());
    }

    @Test
    void customerRecordGainingMergedInto_announcesCustomerMergedOnce_withTheSurvivorAsSubject() {
        Customer merged = new Customer("cust-2", null, List.of("email:ann@example.com"), AT, "/email/1", null);
        Map<String, AttributeValue> before = new HashMap<>(LogItems.customerItem(merged));
        Map<String, AttributeValue> after = new HashMap<>(before);
        after.put(LogItems.MERGED_INTO, AttributeValue.fromS("cust-1"));
        after.put(LogItems.MERGED_AT, AttributeValue.fromS("2026-11-20T11:00:00.000Z"));
        Customer survivor = new Customer("cust-1", "Ann", List.of("phone:+14155550100", "email:ann@example.com"), AT,
                "/whatsapp/1", null, null, List.of("cust-2"));

        var events = ChangeEvents.of(LogItems.changeOf(before, after), survivor);
        assertEquals(List.of(EventTypes.CUSTOMER_MERGED), types(events));
        assertEquals("cust-1", events.get(0).subject());
        assertEquals("/api", events.get(0).source());
        assertEquals("cust-2", events.get(0).data().get("merged"));
        assertEquals("cust-1", ((Map<?, ?>) events.get(0).data().get("survivor")).get("id"));
        assertEquals(events, ChangeEvents.of(LogItems.changeOf(before, after), survivor), "a replay has the same id");
        assertTrue(ChangeEvents.of(LogItems.changeOf(after, after), survivor).isEmpty(), "later writes: nothing");
        assertEquals("cust-1", LogItems.customerFrom(after).mergedInto());
        after.put(LogItems.MERGED, AttributeValue.fromL(List.of(AttributeValue.fromS("cust-0"))));
        assertEquals(List.of("cust-0"), LogItems.customerFrom(after).merged());
    }

    @Test
    void insertedEntryOpeningConversation_announcesOpenedThenReceived() {
        var events = ChangeEvents.of(LogItems.changeOf(null, entryItem(inbound().inConversation("conv-1", true), null)), customer);

        assertEquals(List.of(EventTypes.CONVERSATION_OPENED, EventTypes.MESSAGE_RECEIVED), types(events));
        assertEquals("conv-1", events.get(1).data().get("conversationId"));
    }

    @Test
    void sameChangeReadTwice_yieldsSameEventIds() {
        var item = entryItem(inbound().inConversation("conv-1", true), null);
        assertEquals(ChangeEvents.of(LogItems.changeOf(null, item), customer), ChangeEvents.of(LogItems.changeOf(null, item), customer));
    }

    @Test
    void statusMovingForward_announcesStatus_andStaleRewriteAnnouncesNothing() {
        var sent = entryItem(outbound("conv-1"), DeliveryStatus.SENT);
        var read = entryItem(outbound("conv-1"), DeliveryStatus.READ);

        var forward = ChangeEvents.of(LogItems.changeOf(sent, read), customer);
        assertEquals(List.of(EventTypes.MESSAGE_STATUS), types(forward));
        assertEquals("read", ((Map<?, ?>) forward.get(0).data().get("entry")).get("status"));
        assertTrue(ChangeEvents.of(LogItems.changeOf(read, read), customer).isEmpty());
    }

    @Test
    void placeholderFromStatus_announcesSentAndStatus_thenContentOnce() {
        var placeholder = entryItem(outbound("conv-1"), DeliveryStatus.DELIVERED);
        placeholder.put(LogItems.PLACEHOLDER, AttributeValue.fromBool(true));
        var filled = entryItem(outbound("conv-1"), DeliveryStatus.DELIVERED);

        var first = ChangeEvents.of(LogItems.changeOf(null, placeholder), customer);
        var second = ChangeEvents.of(LogItems.changeOf(placeholder, filled), customer);

        assertEquals(List.of(EventTypes.MESSAGE_SENT, EventTypes.MESSAGE_STATUS), types(first));
        assertEquals(List.of(EventTypes.MESSAGE_SENT), types(second));
        assertTrue(!first.get(0).id().equals(second.get(0).id()), "content event is not deduped against the placeholder's");
    }

    @Test
    void callReachingAnEndingStatus_announcesCallEndedOnce_andLateEndingStatusesNothing() {
        var call = ConversationEntry.builder(Channel.VOICE, "CA1").source("/twilio/AC1")
                .kind(io.switchboard.core.model.EntryKind.CALL).occurredAt(AT).build().inConversation("conv-1", false);
        var ringing = entryItem(call, DeliveryStatus.RINGING);
        var completed = entryItem(call, DeliveryStatus.COMPLETED);
        var failedLater = entryItem(call, DeliveryStatus.FAILED);

        assertEquals(List.of(EventTypes.CALL_ENDED), types(ChangeEvents.of(LogItems.changeOf(ringing, completed), customer)));
        assertEquals(List.of(EventTypes.CALL_ENDED), types(ChangeEvents.of(LogItems.changeOf(null, completed), customer)).subList(1, 2));
        assertTrue(ChangeEvents.of(LogItems.changeOf(failedLater, completed), customer).isEmpty());
    }

    @Test
    void newCall_announcesCallStartedWithTheCallersRecentEntries() {
        var call = ConversationEntry.builder(Channel.VOICE, "CA2").source("/twilio/AC1")
                .kind(io.switchboard.core.model.EntryKind.CALL).occurredAt(AT).build().inConversation("conv-1", false);
        var earlier = inbound().inConversation("conv-1", false);

        var events = ChangeEvents.of(LogItems.changeOf(null, entryItem(call, null)), customer, id -> List.of(earlier, call));

        assertEquals(List.of(EventTypes.CALL_STARTED), types(events));
        List<?> recent = (List<?>) events.get(0).data().get("recentEntries");
        assertEquals(1, recent.size());
        assertEquals("hi", ((Map<?, ?>) recent.get(0)).get("text"));
    }

    @Test
    void amendedEntry_isAnnouncedAgainOncePerAmendment() {
        var before = entryItem(inbound().inConversation("conv-1", false), null);
        var after = new HashMap<>(before);
        after.put(LogItems.TEXT, AttributeValue.fromS("hi (edited)"));
        after.put(LogItems.AMENDED_AT, AttributeValue.fromS("2026-11-20T10:05:00.000Z"));

        var events = ChangeEvents.of(LogItems.changeOf(before, after), customer);

        assertEquals(List.of(EventTypes.MESSAGE_RECEIVED), types(events));
        assertEquals("hi (edited)", ((Map<?, ?>) events.get(0).data().get("entry")).get("text"));
        assertTrue(ChangeEvents.of(LogItems.changeOf(after, after), customer).isEmpty());
    }

    @Test
    void anAttachmentStored_isAnnouncedOnce_asAttachmentStored_notAsTheEntryAgain_andAReplayHasTheSameId() {
        ConversationEntry entry = withMedia();
        Map<String, AttributeValue> pending = entryItem(entry, null);
        Map<String, AttributeValue> stored = withAttachment(pending, entry, 1,
                entry.attachments().get(1).with(AttachmentUpdate.stored("application/pdf", 2048L, SHA, "cust-1/" + entry.id() + "/1",
                        AT.plusSeconds(30))));

        List<CloudEvent> events = ChangeEvents.of(LogItems.changeOf(pending, stored), customer);

        assertEquals(List.of(EventTypes.ATTACHMENT_STORED), types(events));
        CloudEvent event = events.get(0);
        assertEquals("cust-1", event.subject());
        assertEquals("/whatsapp/1", event.source());
        assertEquals("2026-11-20T10:00:30.000Z", event.time(), "when it was stored");
        assertEquals(entry.id(), event.data().get("entryId"));
        assertEquals(1, event.data().get("index"));
        Map<?, ?> attachment = (Map<?, ?>) event.data().get("attachment");
        assertEquals("stored", attachment.get("status"));
        assertEquals("application/pdf", attachment.get("contentType"));
        assertEquals(2048L, attachment.get("sizeBytes"));
        assertEquals(SHA, attachment.get("sha256"));
        assertEquals("/v1/customers/cust-1/entries/" + entry.id() + "/attachments/1", attachment.get("downloadPath"));
        assertFalse(io.switchboard.core.json.Json.write(event).contains("objectKey"), "the bucket's key stays in the store");
        assertFalse(io.switchboard.core.json.Json.write(event).contains("cust-1/" + entry.id()), "nor its value");

        assertEquals(events, ChangeEvents.of(LogItems.changeOf(pending, stored), customer), "a replayed record: same event");
        assertTrue(ChangeEvents.of(LogItems.changeOf(stored, stored), customer).isEmpty(), "a later write: nothing");
    }

    @Test
    void anAttachmentFailed_isAnnouncedOnce_withItsReason_andNoDownloadPath_thenStoredLater_onceMore() {
        ConversationEntry entry = withMedia();
        Map<String, AttributeValue> pending = entryItem(entry, null);
        Attachment failedOne = entry.attachments().get(0).with(AttachmentUpdate.failed(Attachment.EXPIRED, AT.plusSeconds(5)));
        Map<String, AttributeValue> failed = withAttachment(pending, entry, 0, failedOne);
        Map<String, AttributeValue> storedLater = withAttachment(failed, entry, 0,
                failedOne.with(AttachmentUpdate.stored("image/jpeg", 10L, SHA, "k", AT.plusSeconds(60))));

        List<CloudEvent> failure = ChangeEvents.of(LogItems.changeOf(pending, failed), customer);
        List<CloudEvent> success = ChangeEvents.of(LogItems.changeOf(failed, storedLater), customer);

        assertEquals(List.of(EventTypes.ATTACHMENT_FAILED), types(failure));
        Map<?, ?> attachment = (Map<?, ?>) failure.get(0).data().get("attachment");
        assertEquals("failed", attachment.get("status"));
        assertEquals("expired", attachment.get("reason"));
        assertFalse(attachment.containsKey("downloadPath"));
        assertEquals(0, failure.get(0).data().get("index"));
        assertEquals(List.of(EventTypes.ATTACHMENT_STORED), types(success));
        assertNotEquals(failure.get(0).id(), success.get(0).id(), "each state reached has its own id");
    }

    @Test
    void anEntry_showsEachAttachmentsState_withADownloadPathOnlyOnceStored() {
        ConversationEntry entry = withMedia();
        Map<String, AttributeValue> item = withAttachment(entryItem(entry, null), entry, 1,
                entry.attachments().get(1).with(AttachmentUpdate.stored("application/pdf", 3L, SHA, "k", AT)));

        List<CloudEvent> arrival = ChangeEvents.of(LogItems.changeOf(null, item), customer);

        assertEquals(List.of(EventTypes.MESSAGE_RECEIVED), types(arrival), "stored with its entry: announced with it, not again");
        List<?> attachments = (List<?>) ((Map<?, ?>) arrival.get(0).data().get("entry")).get("attachments");
        Map<?, ?> first = (Map<?, ?>) attachments.get(0);
        Map<?, ?> second = (Map<?, ?>) attachments.get(1);
        assertEquals("pending", first.get("status"));
        assertEquals("media-1", first.get("mediaId"));
        assertFalse(first.containsKey("downloadPath"));
        assertEquals("stored", second.get("status"));
        assertEquals("/v1/customers/cust-1/entries/" + entry.id() + "/attachments/1", second.get("downloadPath"));
    }

    @Test
    void anAttachmentEventOfAHugeEntry_stillFits_andTheEntrysOwnEventsAreCutAsBefore() {
        List<Attachment> many = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(new Attachment("image", "image/jpeg", "media-" + i, "https://lookaside.example/" + "x".repeat(2000),
                    "f".repeat(200) + ".jpg", "c".repeat(1000), 1L));
        }
        ConversationEntry entry = ConversationEntry.builder(Channel.WHATSAPP, "wamid.big").source("/whatsapp/1")
                .occurredAt(AT).text("t".repeat(30_000)).attachments(many).build().inConversation("conv-1", false);
        Map<String, AttributeValue> pending = entryItem(entry, null);
        Map<String, AttributeValue> stored = withAttachment(pending, entry, 49,
                many.get(49).with(AttachmentUpdate.stored("image/jpeg", 5L, SHA, "k", AT)));

        CloudEvent arrival = EventSizes.fit(ChangeEvents.of(LogItems.changeOf(null, stored), customer).get(0), 40_000);
        CloudEvent storedEvent = ChangeEvents.of(LogItems.changeOf(pending, stored), customer).get(0);

        assertTrue(EventSizes.size(arrival) <= 40_000);
        assertEquals(true, arrival.data().get(EventSizes.TRUNCATED));
        assertEquals(storedEvent, EventSizes.fit(storedEvent), "one attachment always fits");
        assertTrue(EventSizes.size(storedEvent) < 8_000);
    }

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static ConversationEntry withMedia() {
        return ConversationEntry.builder(Channel.WHATSAPP, "wamid.media").source("/whatsapp/1").occurredAt(AT)
                .attachments(List.of(new Attachment("image", "image/jpeg", "media-1", null, null, "look", null),
                        new Attachment("document", "application/pdf", "media-2", null, "terms.pdf", null, 2000L)))
                .build().inConversation("conv-1", false);
    }

    /** The item as the log's attachment update leaves it: only the attachments attribute differs. */
    private static Map<String, AttributeValue> withAttachment(Map<String, AttributeValue> item, ConversationEntry entry,
                                                              int index, Attachment attachment) {
        List<Attachment> attachments = new java.util.ArrayList<>(LogItems.entryFrom(item).attachments());
        attachments.set(index, attachment);
        Map<String, AttributeValue> updated = new HashMap<>(item);
        updated.put(LogItems.ATTACHMENTS, AttributeValue.fromS(LogItems.attachmentsJson(attachments)));
        return updated;
    }

    private static List<String> types(List<CloudEvent> events) {
        return events.stream().map(CloudEvent::type).toList();
    }

    private static ConversationEntry inbound() {
        return ConversationEntry.builder(Channel.WHATSAPP, "wamid.1").source("/whatsapp/1").occurredAt(AT).text("hi").build();
    }

    private static ConversationEntry outbound(String conversationId) {
        return ConversationEntry.builder(Channel.WHATSAPP, "wamid.2").source("/whatsapp/1").direction(Direction.OUTBOUND)
                .occurredAt(AT).build().inConversation(conversationId, false);
    }

    private Map<String, AttributeValue> entryItem(ConversationEntry entry, DeliveryStatus status) {
        Map<String, AttributeValue> item = new HashMap<>(LogItems.entryAttributes(entry));
        item.putAll(LogItems.key(customer.id(), LogItems.entrySk(entry.id())));
        if (status != null) {
            item.put(LogItems.STATUS, AttributeValue.fromS(status.wireName()));
            item.put(LogItems.STATUS_RANK, AttributeValue.fromN(Integer.toString(status.rank())));
            item.put(LogItems.STATUS_AT, AttributeValue.fromS(LogItems.time(AT)));
        }
        return item;
    }
}
