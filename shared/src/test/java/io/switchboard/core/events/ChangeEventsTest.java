package io.switchboard.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.log.LogChange;
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
