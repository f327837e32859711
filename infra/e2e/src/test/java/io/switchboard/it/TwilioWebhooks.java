package io.switchboard.it;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds Twilio webhook form bodies with the documented parameter names
 * (https://www.twilio.com/docs/voice/twiml#request-parameters, https://www.twilio.com/docs/voice/twiml/record,
 * https://www.twilio.com/docs/messaging/guides/webhook-request) and signs them the way Twilio does
 * (https://www.twilio.com/docs/usage/security#validating-requests), computed here with the JDK alone.
 */
final class TwilioWebhooks {

    static final String ACCOUNT_SID = "AC3f2b8c9d0e1f4a5b6c7d8e9f0a1b2c3d";
    static final String COMPANY_NUMBER = "+14155550199";
    static final String SOURCE = "/twilio/" + ACCOUNT_SID;

    private TwilioWebhooks() {
    }

    static String incomingCall(String callSid, String from) {
        return form("AccountSid", ACCOUNT_SID, "ApiVersion", "2010-04-01", "CallSid", callSid, "CallStatus", "ringing",
                "Called", COMPANY_NUMBER, "Caller", from, "CallerName", "Lovelace Ada", "Direction", "inbound",
                "From", from, "FromCity", "SAN FRANCISCO", "FromCountry", "US", "FromState", "CA",
                "To", COMPANY_NUMBER, "ToCountry", "US");
    }

    static String callStatus(String callSid, String from, String status, int duration, String timestamp) {
        return form("AccountSid", ACCOUNT_SID, "ApiVersion", "2010-04-01", "CallDuration", Integer.toString(duration),
                "CallSid", callSid, "CallStatus", status, "CallbackSource", "call-progress-events", "Direction", "inbound",
                "From", from, "Timestamp", timestamp, "To", COMPANY_NUMBER);
    }

    /** Twilio's recording status callback: no From/To (the caller is in the callback URL's query). */
    static String recording(String callSid, String recordingSid, int duration, Instant startedAt) {
        return form("AccountSid", ACCOUNT_SID, "CallSid", callSid, "RecordingChannels", "1",
                "RecordingDuration", Integer.toString(duration), "RecordingSid", recordingSid,
                "RecordingSource", "RecordVerb", "RecordingStartTime", DateTimeFormatter.RFC_1123_DATE_TIME.format(startedAt.atOffset(ZoneOffset.UTC)),
                "RecordingStatus", "completed", "RecordingUrl", recordingUrl(recordingSid));
    }

    static String transcription(String callSid, String from, String recordingSid, String text) {
        return form("AccountSid", ACCOUNT_SID, "ApiVersion", "2010-04-01", "CallSid", callSid, "CallStatus", "completed",
                "Direction", "inbound", "From", from, "RecordingSid", recordingSid,
                "RecordingUrl", recordingUrl(recordingSid), "To", COMPANY_NUMBER,
                "TranscriptionSid", "TR" + recordingSid.substring(2), "TranscriptionStatus", "completed",
                "TranscriptionText", text, "TranscriptionType", "fast");
    }

    static String sms(String messageSid, String from, String body) {
        return form("AccountSid", ACCOUNT_SID, "ApiVersion", "2010-04-01", "Body", body, "From", from,
                "FromCountry", "US", "MessageSid", messageSid, "NumMedia", "0", "NumSegments", "1",
                "SmsMessageSid", messageSid, "SmsSid", messageSid, "SmsStatus", "received", "To", COMPANY_NUMBER);
    }

    static String smsStatus(String messageSid, String to, String status) {
        return form("AccountSid", ACCOUNT_SID, "ApiVersion", "2010-04-01", "From", COMPANY_NUMBER,
                "MessageSid", messageSid, "MessageStatus", status, "SmsSid", messageSid, "SmsStatus", status, "To", to);
    }

    static String recordingUrl(String recordingSid) {
        return "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT_SID + "/Recordings/" + recordingSid;
    }

    /** A form body of name/value pairs, in the order given. */
    static String form(String... namesAndValues) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    /** X-Twilio-Signature for a POST of this form body to this full URL (query included). */
    static String sign(String url, String body, String authToken) {
        List<String[]> params = new ArrayList<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            params.add(new String[] {URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(parts.length > 1 ? parts[1] : "", StandardCharsets.UTF_8)});
        }
        params.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        StringBuilder data = new StringBuilder(url);
        params.forEach(p -> data.append(p[0]).append(p[1]));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> signed(String url, String body, String authToken) {
        return Map.of("X-Twilio-Signature", sign(url, body, authToken));
    }
}
