package io.switchboard.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.outbound.SendResult;
import io.switchboard.core.outbound.WindowVerdict;
import io.switchboard.meta.GraphApiClient;
import io.switchboard.meta.GraphSend;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replies on WhatsApp through the Cloud API: {@code POST {base}/{version}/{phone-number-id}/messages} with the
 * system user's token as a Bearer header; the answer's {@code messages[0].id} is the wamid later statuses name.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/message-api
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
 *
 * <p>Settings and the token are read at each send, never when the bean is built.
 */
@Singleton
public class WhatsAppSender implements ReplySender {

    /** The Cloud API access token (a secret). */
    public static final String ACCESS_TOKEN = "WHATSAPP_ACCESS_TOKEN";
    /** Optional: the business phone number id to send from when the customer never wrote to one. */
    public static final String PHONE_NUMBER_ID = "WHATSAPP_PHONE_NUMBER_ID";

    /** The customer service window: free-form messages only within 24 hours of the customer's last message. */
    static final Duration SERVICE_WINDOW = Duration.ofHours(24);
    /** Longest text body. https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/text-messages */
    static final int MAX_TEXT = 4096;

    private static final String SOURCE_PREFIX = "/whatsapp/";

    private final GraphApiClient graph;
    private final Secrets secrets;
    private final Settings settings;

    public WhatsAppSender(GraphApiClient graph, Secrets secrets, Settings settings) {
        this.graph = graph;
        this.secrets = secrets;
        this.settings = settings;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(Channel.WHATSAPP);
    }

    /** Message templates are how a business writes first or after the 24-hour window. */
    @Override
    public boolean sendsTemplates() {
        return true;
    }

    @Override
    public int maxTextLength(Channel channel) {
        return MAX_TEXT;
    }

    /**
     * To: the customer's phone as a wa_id (E.164 digits without '+'). From: the phone number id the customer last
     * wrote to (the source of their latest WhatsApp entry), else {@link #PHONE_NUMBER_ID}, else empty (the send is
     * then refused, naming the missing setting).
     */
    @Override
    public Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound) {
        Optional<String> waId = customer.identityValue("phone").map(e164 -> e164.substring(1));
        if (waId.isEmpty()) {
            return Optional.empty();
        }
        String account = latestInbound != null && latestInbound.source().startsWith(SOURCE_PREFIX)
                && latestInbound.source().length() > SOURCE_PREFIX.length()
                ? latestInbound.source().substring(SOURCE_PREFIX.length())
                : settings.get(PHONE_NUMBER_ID).map(String::trim).orElse("");
        return Optional.of(new ReplyRoute(SOURCE_PREFIX + account, account, waId.get()));
    }

    /**
     * Free text and media need the customer to have written within 24 hours; a template may be sent any time.
     * Refused here, Meta would refuse it anyway (error 131047) after a billed round trip.
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages#customer-service-windows
     */
    @Override
    public WindowVerdict window(OutboundMessage message, Instant latestInboundAt, Instant now) {
        if (message.template() != null) {
            return WindowVerdict.OPEN;
        }
        if (latestInboundAt == null || now.isAfter(latestInboundAt.plus(SERVICE_WINDOW))) {
            return new WindowVerdict.Refused("outside_customer_service_window",
                    "more than 24 hours have passed since the customer's last WhatsApp message: "
                            + "only a template message can be sent until the customer writes again");
        }
        return WindowVerdict.OPEN;
    }

    @Override
    public SendResult send(OutboundMessage message) {
        if (message.route().account().isEmpty()) {
            return new SendResult.Refused("not_configured", "no WhatsApp phone number to send from: the customer "
                    + "never wrote to one and " + PHONE_NUMBER_ID + " is not set");
        }
        Map<String, Object> body;
        try {
            body = body(message);
        } catch (IllegalArgumentException unsupported) {
            return new SendResult.Refused("unsupported_content", unsupported.getMessage());
        }
        return GraphSend.messages(graph, settings, message.route().account(), secrets.require(ACCESS_TOKEN), body,
                WhatsAppSender::wamid);
    }

    /** The Cloud API message object. One media file per message: the API has no multi-attachment message. */
    static Map<String, Object> body(OutboundMessage message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messaging_product", "whatsapp");
        body.put("recipient_type", "individual");
        body.put("to", message.route().recipient());
        if (message.replyTo() != null) {
            body.put("context", Map.of("message_id", message.replyTo().providerMessageId()));
        }
        if (message.template() != null) {
            body.put("type", "template");
            body.put("template", message.template());
            return body;
        }
        if (message.attachments().size() > 1) {
            throw new IllegalArgumentException("WhatsApp sends one media file per message");
        }
        if (message.attachments().isEmpty()) {
            if (message.text() == null || message.text().isBlank()) {
                throw new IllegalArgumentException("the message has no text, attachment or template");
            }
            body.put("type", "text");
            body.put("text", Map.of("preview_url", hasLink(message.text()), "body", message.text()));
            return body;
        }
        Attachment attachment = message.attachments().get(0);
        String type = mediaType(attachment);
        Map<String, Object> media = new LinkedHashMap<>();
        media.put("link", attachment.url());
        String caption = message.text() != null && !message.text().isBlank() ? message.text() : attachment.caption();
        if (caption != null && !caption.isBlank()) {
            if (type.equals("audio")) {
                // https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/audio-messages
                throw new IllegalArgumentException("WhatsApp audio messages take no text: send the text separately");
            }
            media.put("caption", caption);
        }
        if (type.equals("document") && attachment.filename() != null) {
            media.put("filename", attachment.filename());
        }
        body.put("type", type);
        body.put(type, media);
        return body;
    }

    /** image, audio, video or document, from the attachment's type, else its MIME type. */
    static String mediaType(Attachment attachment) {
        String type = attachment.type() == null ? "" : attachment.type().toLowerCase(Locale.ROOT);
        if (Set.of("image", "audio", "video", "document").contains(type)) {
            return type;
        }
        String mime = attachment.mimeType() == null ? "" : attachment.mimeType().toLowerCase(Locale.ROOT);
        for (String kind : new String[] {"image", "audio", "video"}) {
            if (mime.startsWith(kind + "/")) {
                return kind;
            }
        }
        return "document";
    }

    private static boolean hasLink(String text) {
        return text != null && (text.contains("https://") || text.contains("http://"));
    }

    private static String wamid(JsonNode answer) {
        JsonNode id = answer.path("messages").path(0).path("id");
        return id.isTextual() ? id.asText() : null;
    }
}
