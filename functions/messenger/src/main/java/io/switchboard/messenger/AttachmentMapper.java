package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import static io.switchboard.core.json.JsonValues.plain;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.ConversationEntry;
import static io.switchboard.meta.MetaPayload.coordinate;
import static io.switchboard.meta.MetaPayload.text;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code message.attachments[]}: each becomes an {@link Attachment} of its type (its URL, title); what a type
 * carries besides (a location's coordinates, a template's payload, a reel's media id) goes into the entry's
 * details as Meta sent it, so nothing is dropped.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messages
 */
final class AttachmentMapper {

    /** Attachment types whose payload is just a URL (plus a sticker id, say) we keep as an Attachment. */
    private static final Set<String> MEDIA = Set.of("image", "video", "audio", "file");

    private AttachmentMapper() {
    }

    /**
     * @param keepsMedia false on Instagram: its media are kept as references and never fetched (docs/architecture.md,
     *                   "Media"); on Messenger, the media types' URLs are fetched by the media function (pending)
     * @return true when every attachment is a location
     */
    static boolean attachments(JsonNode list, ConversationEntry.Builder entry, List<Attachment> attachments,
                               boolean keepsMedia) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            return false;
        }
        boolean onlyLocations = true;
        List<Object> templates = new ArrayList<>();
        List<Object> others = new ArrayList<>();
        for (JsonNode attachment : list) {
            if (!attachment.isObject()) {
                continue;
            }
            String type = text(attachment, "type");
            JsonNode payload = attachment.path("payload");
            String title = text(attachment, "title");
            String url = text(payload, "url");
            if (url == null) {
                url = text(attachment, "url");   // fallback and template carry it outside
            }
            onlyLocations &= "location".equals(type);
            if (type == null) {
                others.add(plain(attachment));
                continue;
            }
            // Only media the customer sent are fetched; a link, a post, a reel, a template or a location is a
            // reference: what it names is content of its own, not the message's media.
            Attachment mapped = new Attachment(type, null, null, url, null, title, null);
            attachments.add(keepsMedia && MEDIA.contains(type) ? mapped : mapped.withStatus(AttachmentStatus.REFERENCE));
            switch (type) {
                case "location" -> {
                    // Location shared from the composer (older Messenger clients): payload.coordinates.lat/long.
                    // Not in Meta's current messages reference; kept for the clients that still send it.
                    JsonNode coordinates = payload.path("coordinates");
                    entry.detail("latitude", coordinate(coordinates.get("lat")))
                            .detail("longitude", coordinate(coordinates.get("long")))
                            .detail("locationTitle", title);
                }
                case "template" -> templates.add(plain(payload));
                case "story_mention" -> entry.detail("storyMention", true);
                case "fallback" -> entry.detail("fallbackTitle", title);
                default -> {
                    if (!MEDIA.contains(type)) {
                        // reel, ig_reel, share, ig_post, sticker, product...: the URL is the attachment, the rest
                        // (media id, caption, sticker id) is kept as Meta sent it.
                        others.add(plain(attachment));
                    }
                }
            }
        }
        if (!templates.isEmpty()) {
            entry.detail("templates", templates);
        }
        if (!others.isEmpty()) {
            entry.detail("attachmentPayloads", others);
        }
        return onlyLocations;
    }
}
