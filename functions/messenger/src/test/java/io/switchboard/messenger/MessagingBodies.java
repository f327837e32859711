package io.switchboard.messenger;

import io.switchboard.core.testing.HostileJson;
import io.switchboard.core.testing.HostileInput;
import java.util.List;

/**
 * Structurally plausible Messenger Platform webhook bodies of one platform ({@code object: page} or
 * {@code instagram}): entries with messaging and standby arrays of every event the parser knows (messages with
 * every attachment type, echoes, edits, deletions, postbacks, reactions, deliveries, reads, referrals, opt-ins)
 * and unknown ones, with fields messed with by {@link HostileJson}. Shapes after Meta's webhook references:
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
 * https://developers.facebook.com/documentation/business-messaging/instagram-messaging/webhooks
 */
final class MessagingBodies {

    static final List<String> EVENTS = List.of("message", "message", "message", "echo", "message_edit", "postback",
            "reaction", "delivery", "read", "referral", "optin", "pass_thread_control", "account_linking",
            "policy-enforcement", "game_play", "unknown_event");
    static final List<String> ATTACHMENT_TYPES = List.of("image", "video", "audio", "file", "location", "template",
            "fallback", "story_mention", "share", "ig_reel", "reel", "sticker", "product", "unknown");

    /** "Now" of generated times, in epoch milliseconds: fixed, so a seed always gives the same body. */
    private final long nowMillis;
    private final Platform platform;
    private final HostileJson j;
    private final HostileInput in;
    /** The account of the entry being built, and a few users of this body (so events meet the same customer). */
    private String accountId;
    private final List<String> users;

    MessagingBodies(Platform platform, HostileJson j, long nowSeconds) {
        this.platform = platform;
        this.j = j;
        this.in = j.in();
        this.nowMillis = nowSeconds * 1000;
        this.users = List.of(j.digits(16), j.digits(16), j.digits(16));
    }

    byte[] body() {
        String object = platform.object();
        return j.write(j.obj()
                .put("object", !j.odd(5) ? object : in.oneOf(List.of("page", "instagram", "whatsapp_business_account")))
                .put("entry", j.list(1, 3, this::entry)));
    }

    private Object entry() {
        accountId = id(platform == Platform.MESSENGER ? 15 : 17);
        HostileJson.Obj entry = j.obj()
                .put("id", accountId)
                .put("time", millis());
        if (in.chance(85)) {
            entry.put("messaging", j.list(0, 4, this::event));
        }
        entry.maybe(15, "standby", () -> j.list(0, 3, this::event));
        entry.maybe(5, "changes", () -> j.list(0, 2, () -> j.obj()
                .put("field", j.oneOf(List.of("feed", "comments", "mentions")))
                .put("value", j.obj().put("text", in.text(40)))));
        return entry;
    }

    // ---------------------------------------------------------------- events

    private Object event() {
        String kind = j.odd(5) ? in.text(in.chance(10) ? 3_000 : 30) : in.oneOf(EVENTS);
        boolean echo = "echo".equals(kind);
        String user = user();
        HostileJson.Obj sender = j.obj();
        if (!echo && in.chance(5)) {
            sender.put("user_ref", in.text(30));   // checkbox plugin: no page-scoped id yet
        } else {
            sender.put("id", echo ? accountId : user);
        }
        HostileJson.Obj event = j.obj()
                .put("sender", sender)
                .put("recipient", j.obj().put("id", echo ? user : accountId));
        if (!"delivery".equals(kind) || in.chance(30)) {
            event.put("timestamp", millis());
        }
        switch (kind) {
            case "message" -> event.put("message", message(false));
            case "echo" -> event.put("message", message(true));
            case "message_edit" -> event.put("message_edit", j.obj()
                    .put("mid", mid())
                    .put("text", in.text(200))
                    .maybe(70, "num_edit", () -> (long) in.random().nextInt(6)));
            case "postback" -> event.put("postback", j.obj()
                    .maybe(80, "mid", this::mid)
                    .put("title", in.text(30))
                    .put("payload", in.text(40))
                    .maybe(20, "referral", this::referral));
            case "reaction" -> event.put("reaction", j.obj()
                    .put("mid", mid())
                    .put("action", j.oneOf(List.of("react", "unreact")))
                    .maybe(80, "reaction", () -> j.oneOf(List.of("smile", "angry", "sad", "wow", "love", "like",
                            "dislike", "other")))
                    .maybe(80, "emoji", () -> in.oneOf(List.of("\uD83D\uDC4D", "\u2764\uFE0F", in.text(4)))));
            case "delivery" -> event.put("delivery", j.obj()
                    .maybe(70, "mids", () -> j.list(0, 3, this::mid))
                    .put("watermark", millis()));
            case "read" -> event.put("read", platform == Platform.INSTAGRAM && in.chance(60)
                    ? j.obj().put("mid", mid())
                    : j.obj().put("watermark", millis()));
            case "referral" -> event.put("referral", referral());
            case "optin" -> event.put("optin", j.obj()
                    .put("type", j.oneOf(List.of("notification_messages", "one_time_notif_req")))
                    .put("payload", in.text(30))
                    .maybe(50, "title", () -> in.text(30))
                    .maybe(50, "ref", () -> in.text(30))
                    .maybe(60, "notification_messages_token", () -> j.digits(19))
                    .maybe(40, "notification_messages_frequency", () -> j.oneOf(List.of("DAILY", "WEEKLY", "MONTHLY")))
                    .maybe(40, "token_expiry_timestamp", this::millis)
                    .maybe(40, "notification_messages_status", () -> j.oneOf(List.of("RESUME_NOTIFICATIONS",
                            "STOP_NOTIFICATIONS"))));
            default -> event.put(kind, j.obj()
                    .put("new_owner_app_id", j.digits(15))
                    .put("metadata", in.text(40)));
        }
        return event;
    }

    private Object message(boolean echo) {
        HostileJson.Obj message = j.obj().put("mid", mid());
        if (echo) {
            message.put("is_echo", true)
                    .maybe(70, "app_id", () -> Long.parseLong(j.digits(16)))
                    .maybe(30, "metadata", () -> in.text(40));
        }
        int shape = in.random().nextInt(10);
        if (shape < 5 || in.chance(20)) {
            message.put("text", in.text(300));
        }
        if (shape >= 5 && shape < 8) {
            message.put("attachments", j.list(1, 3, this::attachment));
        }
        if (shape == 8) {
            message.put(in.chance(50) ? "is_deleted" : "is_unsupported", true);
        }
        message.maybe(10, "quick_reply", () -> j.obj().put("payload", in.text(40)));
        message.maybe(10, "reply_to", () -> {
            HostileJson.Obj replyTo = j.obj();
            if (platform == Platform.INSTAGRAM && in.chance(40)) {
                replyTo.put("story", j.obj().put("url", "https://lookaside.fbsbx.com/" + in.text(20))
                        .put("id", j.digits(17)));
            } else {
                replyTo.put("mid", mid()).maybe(30, "is_self_reply", in.random()::nextBoolean);
            }
            return replyTo;
        });
        message.maybe(5, "referral", this::referral);
        message.maybe(3, "commands", () -> j.list(1, 2, () -> j.obj().put("name", in.text(10))));
        return message;
    }

    private Object attachment() {
        String type = in.oneOf(ATTACHMENT_TYPES);
        HostileJson.Obj attachment = j.obj().put("type", type);
        HostileJson.Obj payload = j.obj();
        switch (type) {
            case "location" -> payload.put("coordinates", j.obj()
                    .put("lat", in.random().nextDouble() * 180 - 90)
                    .put("long", in.random().nextDouble() * 360 - 180));
            case "template" -> payload.put("template_type", j.oneOf(List.of("generic", "button", "receipt")))
                    .put("elements", j.list(0, 2, () -> j.obj().put("title", in.text(30))
                            .put("subtitle", in.text(30))));
            case "fallback" -> attachment.put("title", in.text(30)).put("url", "https://example.com/" + in.text(20));
            case "sticker", "product" -> payload.put("url", url()).put("sticker_id", Long.parseLong(j.digits(15)))
                    .maybe(30, "id", () -> j.digits(15));
            default -> payload.put("url", url()).maybe(20, "title", () -> in.text(30))
                    .maybe(20, "reel_video_id", () -> j.digits(17));
        }
        if (!"fallback".equals(type) || in.chance(30)) {
            attachment.put("payload", payload);
        }
        attachment.maybe(10, "title", () -> in.text(30));
        return attachment;
    }

    private Object referral() {
        return j.obj()
                .put("ref", in.text(30))
                .put("source", j.oneOf(List.of("SHORTLINK", "ADS", "MESSENGER_CODE", "CUSTOMER_CHAT_PLUGIN")))
                .put("type", "OPEN_THREAD")
                .maybe(30, "ad_id", () -> j.digits(15))
                .maybe(20, "ads_context_data", () -> j.obj().put("ad_title", in.text(30))
                        .put("photo_url", url()));
    }

    // ---------------------------------------------------------------- values

    /** One of this body's users, or (in a messy body) anything. */
    private String user() {
        return j.odd(15) ? (in.chance(50) ? in.digits(16) : in.text(30)) : in.oneOf(users);
    }

    /** A numeric id, sometimes empty or 3000 digits long in a messy body. */
    private String id(int length) {
        return j.odd(15) ? in.digits(length) : j.digits(length);
    }

    private String mid() {
        return !j.odd(20) ? (platform == Platform.MESSENGER ? "m_" : "aWdfZAG1faXRlbToxOklH") + j.digits(24)
                : in.text(60);
    }

    private String url() {
        return "https://scontent.xx.fbcdn.net/v/" + (j.odd(20) ? in.text(40) : j.digits(10)) + ".jpg";
    }

    /**
     * Epoch milliseconds as a JSON number, as Meta sends them; in a messy body also seconds, strings, floats,
     * negatives, far futures and values too large for any clock.
     */
    private Object millis() {
        if (!j.odd(40)) {
            return nowMillis - in.random().nextInt(86_400_000);
        }
        long seconds = in.epochSeconds(nowMillis / 1000);
        return switch (in.random().nextInt(8)) {
            case 0, 1 -> seconds * 1000;
            case 2 -> seconds;
            case 3 -> Long.toString(seconds);
            case 4 -> new HostileJson.Raw(seconds + "000.5");
            case 5 -> new HostileJson.Raw("9".repeat(16 + in.random().nextInt(30)));
            case 6 -> in.oneOf(List.of("", " ", "-1", "+1763805600000", "1e12", "\u0661\u0667\u0666\u0663",
                    "9".repeat(19), in.digits(13)));
            default -> in.text(13);
        };
    }
}
