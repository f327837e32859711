package io.switchboard.telephony;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookHandler;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.model.Identity;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's voice and messaging webhooks: incoming calls (answered with TwiML), call status, voicemail recordings
 * and their transcriptions, incoming SMS/MMS/WhatsApp messages and message status. Every request is authenticated
 * by {@code X-Twilio-Signature} over the public URL and the form parameters before anything else is read; a
 * forged request gets 403 and stores nothing.
 */
public class TwilioWebhookHandler extends WebhookHandler {

    /** The account's auth token: the HMAC key of X-Twilio-Signature (a secret). */
    public static final String AUTH_TOKEN = "TWILIO_AUTH_TOKEN";
    /**
     * The base URL Twilio calls (scheme, host, optional path prefix), e.g. {@code https://hooks.example.com}. Behind
     * API Gateway's own domain it may be left out: the URL is then rebuilt from X-Forwarded-Proto and Host.
     */
    public static final String PUBLIC_BASE_URL = "TWILIO_PUBLIC_BASE_URL";
    /** An agent's number or a {@code sip:} address incoming calls are forwarded to; absent: take a voicemail. */
    public static final String FORWARD_TO = "VOICE_FORWARD_TO";
    /** What callers hear before the beep when no agent number is configured. */
    public static final String GREETING = "VOICE_GREETING";

    static final String DEFAULT_GREETING = "Thank you for calling. We can't take your call right now. "
            + "Please leave a message after the tone.";
    static final int VOICEMAIL_MAX_SECONDS = 180;

    static final String VOICE = "/webhooks/twilio/voice";
    static final String VOICE_STATUS = VOICE + "/status";
    static final String VOICE_RECORDING = VOICE + "/recording";
    static final String VOICE_TRANSCRIPTION = VOICE + "/transcription";
    static final String SMS = "/webhooks/twilio/sms";
    static final String SMS_STATUS = SMS + "/status";

    private static final Logger LOG = LoggerFactory.getLogger(TwilioWebhookHandler.class);

    @Inject
    InteractionRecorder recorder;

    @Inject
    Secrets secrets;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    private final TwilioPayloadParser parser = new TwilioPayloadParser();

    /** For Lambda: configuration from the environment. */
    public TwilioWebhookHandler() {
        super();
        prime();
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public TwilioWebhookHandler(ApplicationContextBuilder builder) {
        super(builder);
        prime();
    }

    /** Loads the hot path's classes at init (and into the SnapStart snapshot) before the first real call. */
    private void prime() {
        byte[] body = ("AccountSid=AC0&CallSid=CA0&CallStatus=ringing&Direction=inbound&From=%2B15555550100"
                + "&To=%2B15555550199").getBytes(StandardCharsets.UTF_8);
        TwilioForm form = TwilioForm.parse(body);
        String url = "https://priming.invalid" + VOICE;
        TwilioSignature.isValid(TwilioSignature.sign(url, form.params(), "priming"), url, form, "priming");
        parser.incomingCall(form, Instant.EPOCH);
        TwiML.voicemail(DEFAULT_GREETING, url, url, url, VOICEMAIL_MAX_SECONDS);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(WebhookRequest request) {
        if (!"POST".equals(request.method())) {
            throw new WebhookException(405, "method not allowed");
        }
        String route = route(request.path());
        TwilioForm form = TwilioForm.parse(request.body());
        String base = publicBaseUrl(request);
        verify(request, form, base);
        Instant now = clock.instant();
        switch (route) {
            case VOICE:
                return incomingCall(form, base, now);
            case VOICE_STATUS:
                return acknowledge(route, parser.callStatus(form, now));
            case VOICE_RECORDING:
                return acknowledge(route, parser.recording(form, request.queryParameter(TwilioPayloadParser.CUSTOMER_QUERY), now));
            case VOICE_TRANSCRIPTION:
                return acknowledge(route, parser.transcription(form, request.queryParameter(TwilioPayloadParser.CUSTOMER_QUERY), now));
            case SMS:
                return acknowledge(route, parser.inboundMessage(form, now));
            case SMS_STATUS:
                return acknowledge(route, parser.messageStatus(form, now));
            default:
                throw new WebhookException(404, "not found");
        }
    }

    // ------------------------------------------------------------------ voice

    private APIGatewayV2HTTPResponse incomingCall(TwilioForm form, String base, Instant now) {
        if (form.has("RecordingUrl")) {
            // The <Record> action: the voicemail is taken (its recording callback logs it); end the call.
            return twiml(TwiML.hangup());
        }
        // Every caller is logged: one without a phone number is a SIP address, a client, or an anonymous caller of
        // this call alone, whose voicemail callbacks name that identity so the message lands on the same customer.
        List<Interaction> interactions = parser.incomingCall(form, now);
        Identity caller = parser.callCustomer(form);
        InteractionRecorder.Summary summary = recorder.record(interactions);
        LOG.info("twilio {}: caller of type {}, {}", VOICE, caller.type(), summary);
        Optional<String> forwardTo = settings.get(FORWARD_TO).map(String::trim).filter(value -> !value.isEmpty());
        if (forwardTo.isPresent()) {
            return twiml(TwiML.dial(forwardTo.get()));
        }
        String query = "?" + TwilioPayloadParser.CUSTOMER_QUERY + "="
                + URLEncoder.encode(TelephonyIdentity.callbackValue(caller), StandardCharsets.UTF_8);
        return twiml(TwiML.voicemail(settings.get(GREETING).orElse(DEFAULT_GREETING),
                base + VOICE, base + VOICE_RECORDING + query, base + VOICE_TRANSCRIPTION + query,
                VOICEMAIL_MAX_SECONDS));
    }

    private APIGatewayV2HTTPResponse acknowledge(String route, List<Interaction> interactions) {
        InteractionRecorder.Summary summary = recorder.record(interactions);
        LOG.info("twilio {}: {} interactions, {}", route, interactions.size(), summary);
        return twiml(TwiML.empty());
    }

    private static APIGatewayV2HTTPResponse twiml(String document) {
        return Responses.of(200, TwiML.CONTENT_TYPE, document);
    }

    // ------------------------------------------------------------------ security

    private void verify(WebhookRequest request, TwilioForm form, String base) {
        String authToken = secrets.require(AUTH_TOKEN);
        String signature = request.header(TwilioSignature.HEADER).orElse("");
        if (signature.isBlank()) {
            throw WebhookException.forbidden("missing signature");
        }
        String url = base + request.path()
                + (request.rawQuery().isEmpty() ? query(request.query()) : "?" + request.rawQuery());
        if (!TwilioSignature.isValid(signature, url, form, authToken)) {
            throw WebhookException.forbidden("invalid signature");
        }
    }

    /**
     * The scheme, host and path prefix Twilio called: {@link #PUBLIC_BASE_URL} when configured, else rebuilt from
     * X-Forwarded-Proto and Host (what API Gateway and the local cloud pass on).
     */
    private String publicBaseUrl(WebhookRequest request) {
        Optional<String> configured = settings.get(PUBLIC_BASE_URL).map(String::trim).filter(value -> !value.isEmpty());
        if (configured.isPresent()) {
            String base = configured.get();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
        String proto = request.header("x-forwarded-proto").map(value -> value.split(",")[0].trim())
                .filter(value -> !value.isEmpty()).orElse("https");
        String host = request.header("host").map(String::trim).filter(value -> !value.isEmpty())
                .orElseThrow(() -> WebhookException.forbidden("cannot tell the URL Twilio signed: no Host header"));
        return proto.toLowerCase(Locale.ROOT) + "://" + host;
    }

    /**
     * The query string rebuilt from decoded parameters (names sorted, values form-encoded), for events that carry
     * no raw query string (API Gateway payload v2 and the local cloud do). It reproduces the callback URLs this
     * function writes into its TwiML (a single {@code customer} parameter).
     */
    static String query(Map<String, String> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            return "";
        }
        StringBuilder query = new StringBuilder();
        new TreeMap<>(parameters).forEach((name, value) -> query.append(query.length() == 0 ? "?" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return query.toString();
    }

    /** The route a path names; also under a path prefix (a custom domain's base path). */
    private static String route(String path) {
        String trimmed = path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String route : List.of(VOICE_STATUS, VOICE_RECORDING, VOICE_TRANSCRIPTION, SMS_STATUS, VOICE, SMS)) {
            if (trimmed.endsWith(route)) {
                return route;
            }
        }
        throw new WebhookException(404, "not found");
    }
}
