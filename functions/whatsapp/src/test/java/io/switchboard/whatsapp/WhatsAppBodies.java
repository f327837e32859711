package io.switchboard.whatsapp;

import io.switchboard.core.testing.HostileJson;
import io.switchboard.core.testing.HostileInput;
import java.util.List;

/**
 * Structurally plausible WhatsApp Business Account webhook bodies: entries, changes, messages of every type the
 * parser knows (and unknown ones), statuses of every kind, contacts and system messages, with fields messed
 * with by {@link HostileJson}. Shapes after Meta's webhook reference:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
final class WhatsAppBodies {

    static final List<String> MESSAGE_TYPES = List.of("text", "image", "audio", "video", "document", "sticker",
            "location", "contacts", "interactive", "button", "reaction", "system", "unsupported", "unknown", "order",
            "request_welcome", "ephemeral");
    static final List<String> STATUSES = List.of("sent", "delivered", "read", "failed", "played", "deleted",
            "warning", "pending");

    private static final long NOW = WhatsAppWebhookPropertyTest.NOW;

    private final HostileJson j;
    private final HostileInput in;
    /** A few users of this body, so that contacts, messages and statuses name the same people. */
    private final List<String> phones;
    private final List<String> userIds;

    WhatsAppBodies(HostileJson j) {
        this.j = j;
        this.in = j.in();
        this.phones = List.of(plausiblePhone(), plausiblePhone(), plausiblePhone());
        this.userIds = List.of("US." + j.digits(20), "US." + j.digits(20), "US." + j.digits(20));
    }

    byte[] body() {
        return j.write(j.obj()
                .put("object", !j.odd(5) ? "whatsapp_business_account" : in.oneOf(List.of("page", "instagram", "")))
                .put("entry", j.list(1, 3, this::entry)));
    }

    private Object entry() {
        return j.obj()
                .put("id", id(15))
                .put("changes", j.list(1, 3, this::change));
    }

    private Object change() {
        return j.obj()
                .put("value", value())
                .put("field", in.chance(90) ? "messages"
                        : j.oneOf(List.of("account_update", "message_template_status_update", "statuses")));
    }

    private Object value() {
        return j.obj()
                .put("messaging_product", "whatsapp")
                .put("metadata", j.obj()
                        .put("display_phone_number", phone())
                        .put("phone_number_id", id(15)))
                .maybe(70, "contacts", () -> j.list(0, 3, this::contact))
                .maybe(70, "messages", () -> j.list(0, 4, this::message))
                .maybe(40, "statuses", () -> j.list(0, 4, this::status))
                .maybe(5, "errors", () -> j.list(0, 2, this::error));
    }

    private Object contact() {
        return j.obj()
                .put("profile", j.obj()
                        .put("name", in.text(40))
                        .maybe(20, "username", () -> in.text(30)))
                .maybe(85, "wa_id", this::phone)
                .maybe(30, "user_id", this::userId);
    }

    // ---------------------------------------------------------------- messages

    private Object message() {
        String type = j.odd(5) ? in.text(40) : in.oneOf(MESSAGE_TYPES);
        boolean usernameUser = in.chance(10);   // no phone number shared: known by the user id only
        HostileJson.Obj message = j.obj()
                .maybe(usernameUser ? 5 : 100, "from", this::phone)
                .maybe(usernameUser ? 100 : 25, "from_user_id", this::userId)
                .put("id", wamid())
                .put("timestamp", timestamp())
                .put("type", type);
        // the content is usually of the message's own type, sometimes of another (a mismatched body)
        String content = in.chance(90) ? type : in.oneOf(MESSAGE_TYPES);
        message.put(content, content(content));
        message.maybe(15, "context", this::context);
        message.maybe(5, "referral", () -> j.obj()
                .put("source_url", in.text(60))
                .put("source_id", in.digits(15))
                .put("source_type", j.oneOf(List.of("ad", "post")))
                .put("headline", in.text(40))
                .put("ctwa_clid", in.text(40)));
        message.maybe(3, "group_id", () -> in.text(30));
        message.maybe(5, "errors", () -> j.list(1, 2, this::error));
        return message;
    }

    private Object content(String type) {
        return switch (type) {
            case "text" -> j.obj().put("body", in.text(200));
            case "image", "audio", "video", "document", "sticker" -> j.obj()
                    .put("id", in.digits(16))
                    .put("mime_type", j.oneOf(List.of("image/jpeg", "audio/ogg; codecs=opus", "video/mp4",
                            "application/pdf", "image/webp")))
                    .put("sha256", in.text(44))
                    .maybe(40, "caption", () -> in.text(100))
                    .maybe(30, "filename", () -> in.text(40))
                    .maybe(20, "url", () -> "https://lookaside.fbsbx.com/" + in.text(30))
                    .maybe(30, "voice", in.random()::nextBoolean)
                    .maybe(30, "animated", in.random()::nextBoolean);
            case "location" -> j.obj()
                    .put("latitude", in.random().nextDouble() * 180 - 90)
                    .put("longitude", in.random().nextDouble() * 360 - 180)
                    .maybe(50, "name", () -> in.text(40))
                    .maybe(50, "address", () -> in.text(80))
                    .maybe(20, "url", () -> in.text(40));
            case "contacts" -> j.list(0, 2, () -> j.obj()
                    .put("name", j.obj().put("formatted_name", in.text(40)).put("first_name", in.text(20)))
                    .put("phones", j.list(0, 2, () -> j.obj().put("phone", in.text(20)).put("wa_id", phone())
                            .put("type", "CELL"))));
            case "interactive" -> {
                String subtype = (String) j.oneOf(List.of("button_reply", "list_reply", "nfm_reply",
                        "call_permission_reply"));
                yield j.obj()
                        .put("type", subtype)
                        .put(in.chance(90) ? subtype : "button_reply", j.obj()
                                .put("id", in.text(40))
                                .put("title", in.text(40))
                                .maybe(50, "description", () -> in.text(80))
                                .maybe(20, "response_json", () -> "{\"flow_token\":\"" + in.digits(8) + "\"}"));
            }
            case "button" -> j.obj().put("payload", in.text(40)).put("text", in.text(40));
            case "reaction" -> j.obj()
                    .put("message_id", wamid())
                    .maybe(70, "emoji", () -> in.oneOf(List.of("\uD83D\uDC4D", "\u2764\uFE0F", in.text(4))));
            case "system" -> j.obj()
                    .put("body", in.text(120))
                    .put("type", j.oneOf(List.of("user_changed_number", "user_changed_user_id",
                            "customer_identity_changed", "customer_changed_number")))
                    .maybe(50, "wa_id", this::phone)
                    .maybe(15, "new_wa_id", this::phone)
                    .maybe(40, "user_id", this::userId)
                    .maybe(30, "previous_user_id", this::userId)
                    .maybe(10, "customer", this::phone);
            default -> j.obj().put("text", in.text(40));
        };
    }

    private Object context() {
        return j.obj()
                .maybe(80, "from", this::phone)
                .maybe(80, "id", this::wamid)
                .maybe(20, "forwarded", in.random()::nextBoolean)
                .maybe(10, "frequently_forwarded", in.random()::nextBoolean)
                .maybe(10, "referred_product", () -> j.obj()
                        .put("catalog_id", in.digits(15))
                        .put("product_retailer_id", in.text(20)));
    }

    // ---------------------------------------------------------------- statuses

    private Object status() {
        boolean usernameUser = in.chance(10);
        HostileJson.Obj status = j.obj()
                .put("id", wamid())
                .put("status", j.oneOf(STATUSES))
                .put("timestamp", timestamp())
                .maybe(usernameUser ? 5 : 100, "recipient_id", this::phone)
                .maybe(usernameUser ? 100 : 25, "recipient_user_id", this::userId)
                .maybe(10, "recipient_type", () -> j.oneOf(List.of("individual", "group")))
                .maybe(10, "biz_opaque_callback_data", () -> in.text(40));
        status.maybe(40, "conversation", () -> j.obj()
                .put("id", in.text(32))
                .put("origin", j.obj().put("type", j.oneOf(List.of("service", "marketing", "utility"))))
                .maybe(50, "expiration_timestamp", this::timestamp));
        status.maybe(40, "pricing", () -> j.obj()
                .put("billable", in.random().nextBoolean())
                .put("pricing_model", j.oneOf(List.of("CBP", "PMP")))
                .put("category", j.oneOf(List.of("service", "marketing", "utility", "authentication"))));
        status.maybe(30, "errors", () -> j.list(0, 2, this::error));
        return status;
    }

    private Object error() {
        return j.obj()
                .put("code", in.chance(80) ? (Object) (long) (130_000 + in.random().nextInt(2_000)) : in.text(10))
                .put("title", in.text(40))
                .maybe(70, "message", () -> in.text(60))
                .maybe(60, "error_data", () -> j.obj().put("details", in.text(120)))
                .maybe(30, "href", () -> "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
    }

    // ---------------------------------------------------------------- values

    /** A phone number as Meta writes it (digits, no '+'): one of this body's, a new one, or (messy) anything. */
    private String phone() {
        if (j.odd(25)) {
            return in.chance(50) ? in.digits(12) : in.text(20);
        }
        return in.chance(80) ? in.oneOf(phones) : plausiblePhone();
    }

    private String plausiblePhone() {
        return "1555555" + String.format("%04d", in.random().nextInt(10_000));
    }

    /** A business-scoped user id, e.g. "US.73150826491037265840". */
    private String userId() {
        if (j.odd(30)) {
            return in.text(40);
        }
        return in.chance(80) ? in.oneOf(userIds) : "US." + j.digits(20);
    }

    /** A numeric id (WABA, phone number id), sometimes empty or 3000 digits long in a messy body. */
    private String id(int length) {
        return j.odd(20) ? in.digits(length) : j.digits(length);
    }

    private String wamid() {
        return !j.odd(20) ? "wamid.HBgL" + j.digits(30) + "=" : in.text(60);
    }

    /** Epoch seconds as Meta sends them (a string), sometimes not: a number, a float, ms, signs, other digits. */
    private Object timestamp() {
        if (!j.odd(40)) {
            return Long.toString(NOW - in.random().nextInt(86_400 * 30));
        }
        int roll = in.random().nextInt(100);
        if (roll < 50) {
            return Long.toString(in.epochSeconds(NOW));   // far future, zero, negative, huge...
        }
        if (roll < 75) {
            return in.epochSeconds(NOW);
        }
        return in.oneOf(List.of(NOW + ".5", NOW * 1000 + "", "+" + NOW, " " + NOW + " ", "1e9", "0x10", "",
                "\u0661\u0667\u0666\u0663", "9".repeat(19), "9".repeat(25), in.digits(12), in.text(12)));
    }

}
