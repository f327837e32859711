package io.switchboard.whatsapp;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.model.Channel;
import io.switchboard.meta.MetaChannel;
import io.switchboard.meta.MetaWebhooks;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;

/**
 * The WhatsApp Business Cloud API webhook on {@code /webhooks/whatsapp}: the GET subscription handshake, and
 * POSTed notifications (messages and statuses) authenticated by {@code X-Hub-Signature-256} over the raw body
 * before anything is parsed ({@link WhatsAppPayloadParser}).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
@Singleton
public class WhatsAppChannel extends MetaChannel {

    /** The route in template.yaml. */
    static final String PATH = "/webhooks/whatsapp";

    /** A text message, verified and parsed by {@link #prime()} so the hot path's classes are loaded early. */
    private static final byte[] PRIMING_BODY = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"0\","
            + "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
            + "{\"display_phone_number\":\"15555550100\",\"phone_number_id\":\"0\"},\"contacts\":[{\"profile\":"
            + "{\"name\":\"Priming\"},\"wa_id\":\"15555550100\"}],\"messages\":[{\"from\":\"15555550100\",\"id\":"
            + "\"wamid.priming\",\"timestamp\":\"1763805600\",\"type\":\"text\",\"text\":{\"body\":\"priming\"}}]}}]}]}")
            .getBytes(StandardCharsets.UTF_8);

    private static final WhatsAppPayloadParser PARSER = new WhatsAppPayloadParser();

    public WhatsAppChannel(Secrets secrets) {
        super(Channel.WHATSAPP, MetaWebhooks.routes(PATH, secrets, WhatsAppWebhookHandler.VERIFY_TOKEN,
                WhatsAppWebhookHandler.APP_SECRET, request -> PARSER.parse(request.body()), MetaWebhooks.RECEIVED),
                PRIMING_BODY);
    }
}
