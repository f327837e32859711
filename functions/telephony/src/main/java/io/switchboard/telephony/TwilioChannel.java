package io.switchboard.telephony;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.webhook.WebhookChannel;
import io.switchboard.core.webhook.WebhookRoute;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Twilio's voice and messaging webhooks as a channel of the core's pipeline: incoming calls (answered with TwiML),
 * call status, voicemail recordings and their transcriptions, incoming SMS/MMS/WhatsApp messages and message status.
 * Every route is a signed form POST ({@link TwilioVerifier}); its parser turns the form into interactions
 * ({@link TwilioPayloadParser}); the answer is TwiML: {@code <Dial>} or a voicemail prompt for a call, an empty
 * {@code <Response/>} for everything else.
 */
@Singleton
public class TwilioChannel implements WebhookChannel {

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

    private static final WebhookRoute.Answer EMPTY_RESPONSE = (request, interactions, summary) -> twiml(TwiML.empty());

    private final Settings settings;
    private final Clock clock;
    private final TwilioVerifier verifier;
    private final TwilioPayloadParser parser = new TwilioPayloadParser();
    private final List<WebhookRoute> routes;

    /** Reads no setting and no secret: they are read at use (several functions may share this JVM). */
    public TwilioChannel(Secrets secrets, Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.verifier = new TwilioVerifier(secrets, settings);
        this.routes = List.of(
                route(VOICE, (form, request, now) -> TwilioPayloadParser.isRecordAction(form)
                        ? List.of() : parser.incomingCall(form, now), this::answerCall),
                route(VOICE_STATUS, (form, request, now) -> parser.callStatus(form, now), EMPTY_RESPONSE),
                route(VOICE_RECORDING, (form, request, now) -> parser.recording(form,
                        request.queryParameter(TwilioPayloadParser.CUSTOMER_QUERY), now), EMPTY_RESPONSE),
                route(VOICE_TRANSCRIPTION, (form, request, now) -> parser.transcription(form,
                        request.queryParameter(TwilioPayloadParser.CUSTOMER_QUERY), now), EMPTY_RESPONSE),
                route(SMS, (form, request, now) -> parser.inboundMessage(form, now), EMPTY_RESPONSE),
                route(SMS_STATUS, (form, request, now) -> parser.messageStatus(form, now), EMPTY_RESPONSE));
    }

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public List<WebhookRoute> routes() {
        return routes;
    }

    /** The signature check, the incoming-call parse and the voicemail TwiML, on a synthetic signed call; no I/O. */
    @Override
    public void prime() {
        byte[] body = ("AccountSid=AC0&CallSid=CA0&CallStatus=ringing&Direction=inbound&From=%2B15555550100"
                + "&To=%2B15555550199").getBytes(StandardCharsets.UTF_8);
        String base = "https://priming.invalid";
        TwilioForm form = TwilioForm.parse(body);
        String signature = TwilioSignature.sign(base + VOICE, form.params(), "priming");
        WebhookRequest request = new WebhookRequest("POST", VOICE,
                Map.of(TwilioSignature.HEADER.toLowerCase(Locale.ROOT), signature), Map.of(), "", body);
        TwilioVerifier.check(request, form, base, "priming");
        routes.get(0).parser().parse(request); // the incoming-call route
        TwiML.voicemail(DEFAULT_GREETING, base + VOICE, base + VOICE_RECORDING, base + VOICE_TRANSCRIPTION,
                VOICEMAIL_MAX_SECONDS);
    }

    /**
     * An incoming call is answered once it is logged: forwarded to the agent when one is configured, else greeted
     * and recorded. Every caller is logged, also one without a phone number (a SIP address, a client, or the
     * anonymous caller of this call alone), so the voicemail callbacks name that caller in their query and the
     * message lands on the same customer.
     */
    private APIGatewayV2HTTPResponse answerCall(WebhookRequest request, List<Interaction> interactions,
                                                InteractionRecorder.Summary summary) {
        if (interactions.isEmpty()) {
            // The <Record> action: the voicemail is taken (its recording callback logs it); end the call.
            return twiml(TwiML.hangup());
        }
        Optional<String> forwardTo = settings.get(FORWARD_TO).map(String::trim).filter(value -> !value.isEmpty());
        if (forwardTo.isPresent()) {
            return twiml(TwiML.dial(forwardTo.get()));
        }
        String base = verifier.publicBaseUrl(request);
        String query = "?" + TwilioPayloadParser.CUSTOMER_QUERY + "="
                + URLEncoder.encode(TelephonyIdentity.callbackValue(interactions.get(0).customer()),
                StandardCharsets.UTF_8);
        return twiml(TwiML.voicemail(settings.get(GREETING).orElse(DEFAULT_GREETING),
                base + VOICE, base + VOICE_RECORDING + query, base + VOICE_TRANSCRIPTION + query,
                VOICEMAIL_MAX_SECONDS));
    }

    private static APIGatewayV2HTTPResponse twiml(String document) {
        return Responses.of(200, TwiML.CONTENT_TYPE, document);
    }

    /** A signed form POST to {@code path}, parsed with the request's arrival time (Twilio's forms carry none). */
    private WebhookRoute route(String path, FormParser parser, WebhookRoute.Answer answer) {
        return WebhookRoute.ingest("POST", path, verifier,
                request -> parser.parse(TwilioForm.parse(request), request, clock.instant()), answer);
    }

    /** A route's parse of the (already authenticated) form; pure apart from the arrival time it is handed. */
    @FunctionalInterface
    private interface FormParser {
        List<Interaction> parse(TwilioForm form, WebhookRequest request, Instant receivedAt);
    }
}
