package io.switchboard.telephony;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.outbound.SendResult;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replies by SMS/MMS through Twilio's Messages API:
 * {@code POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json} with basic auth (AccountSid:AuthToken), form
 * fields To, From (the Twilio number the customer wrote to), Body, MediaUrl (repeated) and StatusCallback (this
 * deployment's SMS status route, so the reply's delivery reaches the timeline). The answer's {@code sid} is the
 * MessageSid the status callbacks name.
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 *
 * <p>Settings and secrets are read at each send, never when the bean is built.
 */
@Singleton
public class TwilioSmsSender implements ReplySender {

    /** The account the Messages API is called as (a secret). */
    public static final String ACCOUNT_SID = "TWILIO_ACCOUNT_SID";
    /** Optional: the Messages API's base URL (a stand-in's, locally). */
    public static final String API_BASE_URL = "TWILIO_API_BASE_URL";
    public static final String DEFAULT_API_BASE_URL = "https://api.twilio.com";
    /** Optional setting: seconds a send may wait for Twilio's answer (default 10). */
    public static final String SEND_TIMEOUT_SECONDS = "SEND_TIMEOUT_SECONDS";
    /**
     * The account's auth token (a secret): the password of the Messages API's basic auth, and the key the webhook
     * function checks X-Twilio-Signature with ({@code TwilioVerifier.AUTH_TOKEN}: one secret, one name).
     */
    public static final String AUTH_TOKEN = "TWILIO_AUTH_TOKEN";
    /**
     * Optional: the base URL Twilio calls this deployment at ({@code TwilioVerifier.PUBLIC_BASE_URL}), the base of
     * a reply's StatusCallback.
     */
    public static final String PUBLIC_BASE_URL = "TWILIO_PUBLIC_BASE_URL";
    /** The webhook function's SMS status route (template.yaml; {@code TwilioChannel.SMS_STATUS}). */
    static final String SMS_STATUS_PATH = "/webhooks/twilio/sms/status";
    /**
     * Twilio's prefix of a WhatsApp address in From and To, in any letter case (as {@code TelephonyIdentity} reads
     * it): a WhatsApp number the customer wrote to does not send SMS.
     * https://www.twilio.com/docs/whatsapp/api#using-phone-numbers-with-whatsapp
     */
    static final String WHATSAPP_PREFIX = "whatsapp:";

    /** Longest Body. https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource */
    static final int MAX_BODY = 1600;
    /** At most 10 MediaUrl per message (same page). */
    static final int MAX_MEDIA = 10;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);

    /** Plain words for the refusals a helpdesk meets most; others keep Twilio's message. https://www.twilio.com/docs/api/errors */
    static final Map<String, String> PLAIN_REASONS = Map.of(
            "21211", "the customer's number is not a valid phone number",
            "21610", "the customer has opted out (replied STOP): Twilio sends nothing until they reply START",
            "21614", "the customer's number cannot receive text messages",
            "21408", "sending to this country is not enabled on the Twilio account",
            "21606", "the number the customer wrote to cannot send text messages",
            "21660", "the From number does not belong to the Twilio account",
            "20003", "Twilio refused the account credentials");

    private static final String TWILIO_SOURCE = "/twilio/";

    private final Secrets secrets;
    private final Settings settings;

    public TwilioSmsSender(Secrets secrets, Settings settings) {
        this.secrets = secrets;
        this.settings = settings;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(Channel.SMS);
    }

    /** A text answers the customer's texts and calls alike: the number they called takes texts too. */
    @Override
    public boolean answers(Channel channel, Channel inbound) {
        return inbound == Channel.SMS || inbound == Channel.VOICE;
    }

    @Override
    public int maxTextLength(Channel channel) {
        return MAX_BODY;
    }

    /**
     * To: the customer's phone (E.164). From: the Twilio number their latest message or call went to (its
     * {@code to} detail), else empty (the send is then refused). Source: the account, as inbound entries name it.
     */
    @Override
    public Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound) {
        Optional<String> phone = customer.identityValue("phone");
        if (phone.isEmpty()) {
            return Optional.empty();
        }
        String from = "";
        String source = null;
        if (latestInbound != null) {
            Object to = latestInbound.details().get("to");
            if (to instanceof String number && !number.isBlank() && !isWhatsApp(number)) {
                from = number.trim();
            }
            if (latestInbound.source().startsWith(TWILIO_SOURCE)) {
                source = latestInbound.source();
            }
        }
        if (source == null) {
            source = TWILIO_SOURCE + secrets.get(ACCOUNT_SID).orElse("");
        }
        return Optional.of(new ReplyRoute(source, from, phone.get()));
    }

    @Override
    public SendResult send(OutboundMessage message) {
        if (message.route().account().isEmpty()) {
            return new SendResult.Refused("not_configured",
                    "no Twilio number to send from: the customer never texted or called one");
        }
        if (message.attachments().size() > MAX_MEDIA) {
            return new SendResult.Refused("unsupported_content", "Twilio sends at most 10 media files per message");
        }
        String accountSid = secrets.require(ACCOUNT_SID);
        String authToken = secrets.require(AUTH_TOKEN);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(apiBase() + "/2010-04-01/Accounts/"
                            + URLEncoder.encode(accountSid, StandardCharsets.UTF_8) + "/Messages.json"))
                    .timeout(sendTimeout())
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form(message, statusCallback())))
                    .build();
        } catch (IllegalArgumentException badUrl) {
            return new SendResult.Refused("not_configured", API_BASE_URL + " is not a URL");
        }
        HttpResponse<String> answer;
        try {
            answer = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException notConnected) {
            return new SendResult.Transient("could not connect to Twilio");
        } catch (IOException noAnswer) {
            // The request may have been written: Twilio may have sent it. Resending could send twice.
            return new SendResult.Unknown("no answer from Twilio (" + noAnswer.getClass().getSimpleName() + ")");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new SendResult.Unknown("interrupted while waiting for Twilio");
        }
        return ofAnswer(answer.statusCode(), answer.body());
    }

    /** The form fields, in the order Twilio documents them; MediaUrl once per attachment. */
    static String form(OutboundMessage message, String statusCallback) {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"To", message.route().recipient()});
        fields.add(new String[] {"From", message.route().account()});
        if (message.text() != null && !message.text().isEmpty()) {
            fields.add(new String[] {"Body", message.text()});
        }
        for (Attachment attachment : message.attachments()) {
            fields.add(new String[] {"MediaUrl", attachment.url()});
        }
        if (statusCallback != null) {
            fields.add(new String[] {"StatusCallback", statusCallback});
        }
        StringBuilder form = new StringBuilder();
        for (String[] field : fields) {
            form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(field[0], StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(field[1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    /**
     * 2xx with a sid: sent. 429, 5xx and Twilio's 20429 (too many requests): worth trying again. Any other 4xx:
     * refused, with Twilio's error code ({@code {"code", "message", "more_info", "status"}}).
     * https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions
     */
    static SendResult ofAnswer(int status, String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException notJson) {
            json = null;
        }
        if (status >= 200 && status < 300) {
            JsonNode sid = json == null ? null : json.get("sid");
            return sid != null && sid.isTextual() && !sid.asText().isBlank() ? new SendResult.Sent(sid.asText())
                    : new SendResult.Unknown("Twilio accepted the message without a sid");
        }
        String code = json == null || !json.hasNonNull("code") ? null : json.get("code").asText();
        if (status == 429 || status >= 500 || "20429".equals(code)) {
            return new SendResult.Transient("Twilio answered " + status + (code == null ? "" : " (error " + code + ")"));
        }
        if (code == null) {
            return new SendResult.Refused("http_" + status, "Twilio answered HTTP " + status);
        }
        String message = json.hasNonNull("message") ? json.get("message").asText() : "Twilio refused the message";
        return new SendResult.Refused(code, PLAIN_REASONS.getOrDefault(code, message));
    }

    /**
     * This deployment's SMS status route on its public URL ({@link #PUBLIC_BASE_URL}, without a trailing '/'); null
     * when that is not configured (the reply is then sent without delivery statuses).
     */
    private String statusCallback() {
        return settings.get(PUBLIC_BASE_URL).map(String::trim).filter(value -> !value.isEmpty())
                .map(base -> base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                .map(base -> base + SMS_STATUS_PATH).orElse(null);
    }

    private static boolean isWhatsApp(String address) {
        return address.regionMatches(true, 0, WHATSAPP_PREFIX, 0, WHATSAPP_PREFIX.length());
    }

    private String apiBase() {
        String base = settings.get(API_BASE_URL).map(String::trim).filter(value -> !value.isEmpty())
                .orElse(DEFAULT_API_BASE_URL);
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private Duration sendTimeout() {
        return settings.get(SEND_TIMEOUT_SECONDS).map(String::trim).map(Long::parseLong).map(Duration::ofSeconds)
                .orElse(DEFAULT_SEND_TIMEOUT);
    }

    /** Built on the first send only: the webhook functions that never send never pay for it. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
