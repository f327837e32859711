package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.json.Json;
import static io.switchboard.core.json.JsonValues.bool;
import static io.switchboard.core.json.JsonValues.plain;
import static io.switchboard.core.json.JsonValues.requiredText;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import static io.switchboard.meta.MetaPayload.object;
import static io.switchboard.meta.MetaPayload.text;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Messages, attachments ({@link AttachmentMapper}), quick replies, replies, story replies and mentions, echoes and
 * deletions.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messages
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes
 * https://developers.facebook.com/docs/messenger-platform/instagram/features/story-mention
 */
final class MessageMapper {

    /**
     * What the metadata of a reply this system sent starts with ({@code MessengerSender.REPLY_METADATA_PREFIX} of the
     * send module, which writes it): Messenger echoes a sent message's metadata back.
     * https://developers.facebook.com/docs/messenger-platform/reference/send-api/
     */
    static final String REPLY_METADATA_PREFIX = "switchboard-reply:";

    private MessageMapper() {
    }

    static void message(JsonNode message, Event event, List<Interaction> out) {
        String mid = requiredText(message, "mid", event.where() + ".message.mid");
        Instant at = event.requireTime();
        Direction direction = event.echo() ? Direction.OUTBOUND : event.party().direction();

        if (message.path("is_deleted").asBoolean(false)) {
            // The customer unsent the message (Instagram). Its content is removed, as Meta's platform terms
            // expect of unsent messages; the entry keeps its place in the timeline, marked deleted. If we never
            // saw it, a marker entry takes its place.
            Map<String, Object> deleted = Map.of("deleted", true, "deletedAt", at.toString());
            ConversationEntry marker = event.entry(mid, at).direction(direction).kind(EntryKind.MESSAGE)
                    .text("").detail("deleted", true).detail("deletedAt", at.toString()).build();
            out.add(new Interaction.AmendEntry(event.party().customer(), event.account().platform().channel(), mid, "",
                    deleted, at, marker));
            return;
        }

        if (event.echo() && String.valueOf(text(message, "metadata")).startsWith(REPLY_METADATA_PREFIX)) {
            // The echo of a reply this system sent: the outbound function records that reply itself (with its
            // command id), so the echo, which may come back before the send call returns, adds nothing.
            return;
        }
        ConversationEntry.Builder entry = event.entry(mid, at).direction(direction);
        String text = text(message, "text");
        entry.text(text);
        if (event.echo()) {
            // app_id tells a page's own replies (Page inbox, no app id or Meta's) from this or another app's.
            entry.detail("echo", true)
                    .detail("appId", text(message, "app_id"))
                    .detail("metadata", text(message, "metadata"));
        }
        JsonNode quickReply = object(message.get("quick_reply"));
        if (quickReply != null) {
            entry.detail("quickReplyPayload", text(quickReply, "payload"));
        }
        JsonNode replyTo = object(message.get("reply_to"));
        if (replyTo != null) {
            entry.replyTo(text(replyTo, "mid"));
            entry.detail("selfReply", bool(replyTo.get("is_self_reply")));
            JsonNode story = object(replyTo.get("story"));
            if (story != null) {
                // Instagram: a reply to the account's story; the story is no message of ours, so no replyTo.
                entry.detail("storyReply", true)
                        .detail("storyId", text(story, "id"))
                        .detail("storyUrl", text(story, "url"));
            }
        }
        entry.detail("referral", plain(message.get("referral")));   // a message that came from an ad or a shop

        List<Attachment> attachments = new ArrayList<>();
        boolean onlyLocations = AttachmentMapper.attachments(message.get("attachments"), entry, attachments,
                event.account().platform().channel() != Channel.INSTAGRAM);
        entry.attachments(attachments);

        if (text == null && attachments.isEmpty() || message.path("is_unsupported").asBoolean(false)) {
            // Instagram sends is_unsupported for content the API cannot show; other empty messages likewise.
            entry.kind(EntryKind.UNSUPPORTED).detail("type", "message").detail("raw", Json.write(message));
        } else if (text == null && onlyLocations) {
            entry.kind(EntryKind.LOCATION);
        } else {
            entry.kind(EntryKind.MESSAGE);
        }
        out.add(new Interaction.LogEntry(event.party().customer(), null, entry.build()));
    }
}
