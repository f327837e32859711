package io.switchboard.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.outbound.SendResult;
import io.switchboard.core.outbound.WindowVerdict;
import io.switchboard.meta.AccessTokens;
import io.switchboard.meta.GraphApiClient;
import io.switchboard.meta.GraphSend;
import io.switchboard.meta.MetaIdentities;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replies on Messenger and Instagram through the Send API: {@code POST {base}/{version}/{page or IG account id}/messages}
 * with that account's access token; the answer's {@code message_id} is the mid the page's echo, delivery and read
 * webhooks name.
 * https://developers.facebook.com/docs/messenger-platform/reference/send-api
 * https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message
 *
 * <p>Settings and tokens are read at each send, never when the bean is built.
 */
@Singleton
public class MessengerSender implements ReplySender {

    /**
     * The Page access token of Messenger replies (a secret): a token, or a JSON object of page id to token when the
     * deployment serves several Pages. The same name the webhook function's profile lookups read
     * ({@code MessengerWebhookHandler.PAGE_ACCESS_TOKEN}; this module's tests check they agree).
     */
    public static final String PAGE_ACCESS_TOKEN = "MESSENGER_PAGE_ACCESS_TOKEN";
    /** The access token of Instagram replies (a secret): a token, or a JSON object of account id to token. */
    public static final String INSTAGRAM_ACCESS_TOKEN = "INSTAGRAM_ACCESS_TOKEN";
    /** Optional: {@code true} lets human agents answer with the HUMAN_AGENT tag up to 7 days after the last message. */
    public static final String HUMAN_AGENT_ENABLED = "MESSENGER_HUMAN_AGENT_ENABLED";

    static final String HUMAN_AGENT = "HUMAN_AGENT";
    /** https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#standard_messaging */
    static final Duration STANDARD_WINDOW = Duration.ofHours(24);
    /** https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags#human_agent */
    static final Duration HUMAN_AGENT_WINDOW = Duration.ofDays(7);
    /** Messenger text: 2000 characters (Send API reference); Instagram: 1000 (Instagram Messaging, send message). */
    static final int MAX_MESSENGER_TEXT = 2000;
    static final int MAX_INSTAGRAM_TEXT = 1000;

    private final GraphApiClient graph;
    private final Secrets secrets;
    private final Settings settings;

    public MessengerSender(GraphApiClient graph, Secrets secrets, Settings settings) {
        this.graph = graph;
        this.secrets = secrets;
        this.settings = settings;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(Channel.MESSENGER, Channel.INSTAGRAM);
    }

    @Override
    public int maxTextLength(Channel channel) {
        return channel == Channel.INSTAGRAM ? MAX_INSTAGRAM_TEXT : MAX_MESSENGER_TEXT;
    }

    /**
     * The customer's id scoped to the Page (or IG account) they last wrote to, from the source of their latest entry
     * on the channel ({@code /messenger/<pageId>}, {@code /instagram/<accountId>}, as the webhook function writes
     * it); without one, their first identity on the channel. Ids are scoped to one Page: a PSID of another Page
     * reaches nobody.
     */
    @Override
    public Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound) {
        String identityType = channel == Channel.INSTAGRAM ? MetaIdentities.INSTAGRAM : MetaIdentities.MESSENGER;
        List<MetaIdentities.ScopedId> ids = customer.identities().stream().map(Identity::new)
                .filter(identity -> identityType.equals(identity.type()))
                .map(MetaIdentities::scopedId).toList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        String sourcePrefix = "/" + channel.wireName() + "/";
        String lastAccount = latestInbound == null ? null : accountOf(latestInbound.source(), sourcePrefix);
        MetaIdentities.ScopedId id = ids.stream().filter(scoped -> scoped.accountId().equals(lastAccount))
                .findFirst().orElse(ids.get(0));
        return Optional.of(new ReplyRoute(sourcePrefix + id.accountId(), id.accountId(), id.userId()));
    }

    /**
     * Within 24 hours of the customer's last message: a RESPONSE. Up to 7 days: the HUMAN_AGENT tag, where the
     * deployment enabled it (the app needs Meta's Human Agent permission). Later, or never written: refused.
     */
    @Override
    public WindowVerdict window(OutboundMessage message, Instant latestInboundAt, Instant now) {
        if (latestInboundAt != null && !now.isAfter(latestInboundAt.plus(STANDARD_WINDOW))) {
            return WindowVerdict.OPEN;
        }
        boolean humanAgent = settings.get(HUMAN_AGENT_ENABLED).map(String::trim).map("true"::equalsIgnoreCase)
                .orElse(false);
        if (latestInboundAt != null && humanAgent && !now.isAfter(latestInboundAt.plus(HUMAN_AGENT_WINDOW))) {
            return new WindowVerdict.Allowed(HUMAN_AGENT);
        }
        return new WindowVerdict.Refused("outside_customer_service_window", humanAgent || latestInboundAt == null
                ? "the customer has not written in the last 7 days: Meta allows no reply until they write again"
                : "the customer has not written in the last 24 hours: a reply needs the HUMAN_AGENT tag, which is "
                        + "not enabled (" + HUMAN_AGENT_ENABLED + ")");
    }

    @Override
    public SendResult send(OutboundMessage message) {
        Map<String, Object> body;
        try {
            body = body(message);
        } catch (IllegalArgumentException unsupported) {
            return new SendResult.Refused("unsupported_content", unsupported.getMessage());
        }
        String secretName = message.channel() == Channel.INSTAGRAM ? INSTAGRAM_ACCESS_TOKEN : PAGE_ACCESS_TOKEN;
        Optional<String> token = AccessTokens.forAccount(secrets.require(secretName), message.route().account());
        if (token.isEmpty()) {
            return new SendResult.Refused("not_configured", secretName + " holds no token for account "
                    + message.route().account());
        }
        return GraphSend.messages(graph, settings, message.route().account(), token.get(), body,
                MessengerSender::messageId);
    }

    /**
     * What a reply's {@code message.metadata} starts with: Messenger delivers the metadata back in the message echo,
     * which tells the echo of our own reply from a message the page sent some other way (the webhook function's
     * {@code MessageMapper.REPLY_METADATA_PREFIX}; this module's tests check they agree).
     * https://developers.facebook.com/docs/messenger-platform/reference/send-api/
     */
    static final String REPLY_METADATA_PREFIX = "switchboard-reply:";

    /** The Send API request. Text and an attachment are two messages on Messenger: one per request. */
    static Map<String, Object> body(OutboundMessage message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recipient", Map.of("id", message.route().recipient()));
        if (message.messagingTag() == null) {
            body.put("messaging_type", "RESPONSE");
        } else {
            body.put("messaging_type", "MESSAGE_TAG");
            body.put("tag", message.messagingTag());
        }
        boolean hasText = message.text() != null && !message.text().isBlank();
        if (message.attachments().size() > 1 || (hasText && !message.attachments().isEmpty())) {
            throw new IllegalArgumentException("the Send API takes text or one attachment per message: "
                    + "send each as its own command");
        }
        Map<String, Object> content = new LinkedHashMap<>();
        if (hasText) {
            content.put("text", message.text());
        } else if (!message.attachments().isEmpty()) {
            Attachment attachment = message.attachments().get(0);
            content.put("attachment", Map.of("type", attachmentType(attachment),
                    "payload", Map.of("url", attachment.url(), "is_reusable", true)));
        } else {
            throw new IllegalArgumentException("the message has no text and no attachment");
        }
        if (message.channel() == Channel.MESSENGER) {
            content.put("metadata", REPLY_METADATA_PREFIX + message.commandId());
        }
        body.put("message", content);
        if (message.replyTo() != null) {
            body.put("reply_to", Map.of("mid", message.replyTo().providerMessageId()));
        }
        return body;
    }

    /** image, audio, video or file (the Send API's attachment types). */
    static String attachmentType(Attachment attachment) {
        String type = attachment.type() == null ? "" : attachment.type().toLowerCase(Locale.ROOT);
        String mime = attachment.mimeType() == null ? "" : attachment.mimeType().toLowerCase(Locale.ROOT);
        for (String kind : new String[] {"image", "audio", "video"}) {
            if (type.equals(kind) || mime.startsWith(kind + "/")) {
                return kind;
            }
        }
        return "file";
    }

    /** The account id of a source of this platform ({@code /messenger/<pageId>}), or null. */
    private static String accountOf(String source, String prefix) {
        return source != null && source.startsWith(prefix) && source.length() > prefix.length()
                ? source.substring(prefix.length()) : null;
    }

    private static String messageId(JsonNode answer) {
        JsonNode id = answer.path("message_id");
        return id.isTextual() ? id.asText() : null;
    }
}
