package io.switchboard.telephony;

import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.StandInAnswer;
import io.switchboard.core.channel.StandInContext;
import io.switchboard.core.channel.StandInRequest;
import io.switchboard.core.channel.StatusWebhook;
import io.switchboard.core.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twilio's Messages API, stood in for by the local cloud (never by a function): {@code POST
 * /2010-04-01/Accounts/{sid}/Messages.json} with basic auth (the account sid and the auth token the telephony
 * function verifies Twilio's signatures with) is answered 201 with the Message resource (sid SM or MM + 32 hex), then
 * the status callbacks sent and delivered are posted to the request's StatusCallback, signed with
 * {@code X-Twilio-Signature}. Refusals are Twilio's error object {@code {code, message, more_info, status}}.
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
public final class TwilioStandIn implements ProviderStandIn {

    /** The settings the SMS sender reads (TwilioSmsSender's): its API base URL and account sid. */
    static final String API_BASE_URL = "TWILIO_API_BASE_URL";
    static final String ACCOUNT_SID = "TWILIO_ACCOUNT_SID";

    private static final Pattern PATH = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public String api() {
        return "Twilio Messages API";
    }

    @Override
    public boolean accepts(StandInRequest request) {
        return "POST".equals(request.method()) && PATH.matcher(request.path()).matches();
    }

    @Override
    public Map<String, String> senderSettings(String baseUrl) {
        return Map.of(API_BASE_URL, baseUrl);
    }

    @Override
    public Map<String, String> senderCredentials() {
        return Map.of(ACCOUNT_SID, "AC00000000000000000000000000000000");
    }

    @Override
    public StandInAnswer answer(StandInRequest request, StandInContext context) {
        Matcher path = PATH.matcher(request.path());
        if (!path.matches()) {
            throw new IllegalArgumentException("not a Messages.json path: " + request.path());
        }
        String accountSid = path.group(1);
        // The auth token of the function that receives the status callbacks: the account's one token.
        String authToken = context.setting(TwilioChannel.SMS_STATUS, TwilioVerifier.AUTH_TOKEN);
        String expected = "Basic " + Base64.getEncoder().encodeToString((accountSid + ":" + authToken)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(request.header("authorization"))) {
            return StandInAnswer.refused(401, error(20003, "Authenticate", 401));
        }
        String to = request.formValue("To").orElse(null);
        String from = request.formValue("From").orElse(null);
        if (to == null) {
            return StandInAnswer.refused(400, error(21604, "A 'To' phone number is required.", 400));
        }
        if (from == null) {
            return StandInAnswer.refused(400, error(21603, "A 'From' phone number is required.", 400));
        }
        if (request.formValue("Body").isEmpty() && request.formValues("MediaUrl").isEmpty()) {
            return StandInAnswer.refused(400, error(21602, "Message body is required.", 400));
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String sid = (request.formValues("MediaUrl").isEmpty() ? "SM" : "MM") + HexFormat.of().formatHex(random);
        String uri = "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid;
        Map<String, Object> resource = new TreeMap<>();
        resource.put("account_sid", accountSid);
        resource.put("api_version", "2010-04-01");
        resource.put("body", request.formValue("Body").orElse(""));
        resource.put("date_created", DateTimeFormatter.RFC_1123_DATE_TIME.format(request.at().atZone(ZoneOffset.UTC)));
        resource.put("direction", "outbound-api");
        resource.put("from", from);
        resource.put("num_media", String.valueOf(request.formValues("MediaUrl").size()));
        resource.put("num_segments", "1");
        resource.put("price_unit", "USD");
        resource.put("sid", sid);
        resource.put("status", "queued");
        resource.put("subresource_uris", Map.of("media", uri + "/Media.json"));
        resource.put("to", to);
        resource.put("uri", uri + ".json");
        List<StatusWebhook> webhooks = request.formValue("StatusCallback")
                .map(callback -> statusCallbacks(callback, authToken, accountSid, sid, from, to))
                .orElse(List.of());
        return StandInAnswer.accepted(201, Json.write(resource), sid, webhooks);
    }

    /** Twilio's error object, its codes listed at https://www.twilio.com/docs/api/errors */
    public static String error(int code, String message, int status) {
        return Json.write(Map.of("code", code, "message", message,
                "more_info", "https://www.twilio.com/docs/errors/" + code, "status", status));
    }

    /**
     * The message status callbacks (MessageStatus sent, then delivered) to the request's StatusCallback URL, signed
     * with the auth token over that URL and the parameters.
     * https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
     * https://www.twilio.com/docs/usage/security#validating-requests
     */
    static List<StatusWebhook> statusCallbacks(String statusCallback, String authToken, String accountSid,
                                               String messageSid, String from, String to) {
        List<StatusWebhook> webhooks = new ArrayList<>();
        for (String status : new String[] {"sent", "delivered"}) {
            List<TwilioForm.Param> params = List.of(
                    new TwilioForm.Param("SmsSid", messageSid), new TwilioForm.Param("SmsStatus", status),
                    new TwilioForm.Param("MessageStatus", status), new TwilioForm.Param("To", to),
                    new TwilioForm.Param("MessageSid", messageSid), new TwilioForm.Param("AccountSid", accountSid),
                    new TwilioForm.Param("From", from), new TwilioForm.Param("ApiVersion", "2010-04-01"));
            StringBuilder form = new StringBuilder();
            for (TwilioForm.Param param : params) {
                form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(param.name(), StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(param.value(), StandardCharsets.UTF_8));
            }
            webhooks.add(new StatusWebhook(status, statusCallback, Map.of(
                    "Content-Type", "application/x-www-form-urlencoded",
                    TwilioSignature.HEADER, TwilioSignature.sign(statusCallback, params, authToken)),
                    form.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return webhooks;
    }
}
