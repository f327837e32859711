package io.switchboard.it.webchat;

import io.switchboard.core.model.Channel;

/**
 * A channel that exists only in tests, added the way docs/adding-a-channel.md says: a web chat widget's backend that
 * POSTs each visitor message as one signed JSON webhook and takes replies on a small REST API. Its wire name,
 * {@code webchat}, is new to the core: the module defines it, the core learns it from the module.
 *
 * <p>Webhook: {@code POST /webhooks/webchat}, body {@code {"id", "site", "sentAt", "visitor": {"id", "name"?,
 * "email"?}, "text"}}, header {@code X-Webchat-Signature: sha256=<hex HMAC-SHA256(signing secret, raw body)>}.
 * Replies: {@code POST {api}/v1/sites/{site}/messages} with {@code Authorization: Bearer <api token>} and
 * {@code {"visitorId", "text", "clientMessageId"}}; the answer {@code 201 {"id"}}.
 */
public final class WebChat {

    /** Defined here, the one place that names it; the webhook and the send part both use this constant. */
    public static final Channel CHANNEL = Channel.define("webchat");

    /** The secret that signs webhooks (a secret of the webhook function). */
    public static final String SIGNING_SECRET = "WEBCHAT_SIGNING_SECRET";
    /** The API token replies are sent with (a secret of the outbound function). */
    public static final String API_TOKEN = "WEBCHAT_API_TOKEN";
    /** Where the reply API is (locally: the stand-in). */
    public static final String API_BASE_URL = "WEBCHAT_API_BASE_URL";

    static final String PATH = "/webhooks/webchat";
    static final String SIGNATURE_HEADER = "x-webchat-signature";
    /** Visitors are the widget's own records: {@code external:webchat:<visitor id>}. */
    static final String VISITOR_SYSTEM = "webchat";

    private WebChat() {
    }

    static String source(String site) {
        return "/webchat/" + site;
    }
}
