package io.switchboard.core.outbound;

import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One reply, ready for a sender: the command's content with its route resolved.
 *
 * @param commandId     the command's id (the idempotency key; a sender may pass it where a provider keeps one)
 * @param channel       the channel to send on
 * @param route         who sends to whom
 * @param text          may be null when attachments or a template carry the message
 * @param attachments   media by URL ({@link Attachment#url()}, mime type, filename, caption)
 * @param replyTo       the entry this message quotes or answers (a channel's quoted reply, or the email thread it
 *                      continues), or null
 * @param subject       email only: the subject asked for, or null for "Re: " + the thread's subject
 * @param template      for a sender that {@link ReplySender#sendsTemplates() sends templates}: the template object
 *                      as its provider takes it ({name, language, components}), or null
 * @param messagingTag  the message tag the channel's window rule chose for a send outside its standard window
 *                      (see {@link WindowVerdict.Allowed}), or null for a plain response inside it
 */
public record OutboundMessage(String commandId, Channel channel, ReplyRoute route, String text,
                              List<Attachment> attachments, ConversationEntry replyTo, String subject,
                              Map<String, Object> template, String messagingTag) {
    public OutboundMessage {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(route, "route");
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public OutboundMessage withMessagingTag(String tag) {
        return new OutboundMessage(commandId, channel, route, text, attachments, replyTo, subject, template, tag);
    }
}
