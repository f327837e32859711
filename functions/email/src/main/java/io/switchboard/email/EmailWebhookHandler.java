package io.switchboard.email;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookHandler;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.replay.ReplayGuard;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound email: Postmark's JSON, Mailgun route forwards, SendGrid Inbound Parse (parsed or raw) and raw RFC 5322
 * messages (SES or any relay). Each request is authenticated before its content is read: Mailgun by its
 * signature fields, the others by HTTP basic auth in the webhook URL. A refused or malformed request stores
 * nothing.
 *
 * <p>Mailgun's signature covers only its timestamp and token, not the message: a captured request could be
 * replayed with other content while its timestamp is fresh. Each token is therefore remembered with a
 * fingerprint of the form's content ({@link ReplayGuard}, scope {@value #MAILGUN_REPLAY_SCOPE}) until its
 * timestamp expires: the same token with other content is refused (403, nothing stored); the same request
 * again (a provider retry) is accepted, and appending it again changes nothing.
 */
public class EmailWebhookHandler extends WebhookHandler {

    /** Mailgun's HTTP webhook signing key (a secret). */
    public static final String MAILGUN_SIGNING_KEY = "MAILGUN_SIGNING_KEY";
    /** Basic-auth user and password of the Postmark, SendGrid and raw MIME webhook URLs (secrets). */
    public static final String WEBHOOK_USER = "EMAIL_WEBHOOK_USER";
    public static final String WEBHOOK_PASSWORD = "EMAIL_WEBHOOK_PASSWORD";

    static final String POSTMARK = "/webhooks/email/postmark";
    static final String MAILGUN = "/webhooks/email/mailgun";
    static final String SENDGRID = "/webhooks/email/sendgrid";
    static final String MIME = "/webhooks/email/mime";

    /** The scope Mailgun's tokens are remembered under. */
    static final String MAILGUN_REPLAY_SCOPE = "mailgun";

    /**
     * 4 MiB. API Gateway HTTP APIs accept payloads up to 10 MB, but a synchronous Lambda invocation carries at most
     * 6 MB, and API Gateway hands binary bodies (multipart with attachments, raw MIME) to Lambda base64-encoded,
     * i.e. 4/3 larger: about 4.5 MB of raw body is the most that can ever arrive. 4 MiB stays under that with room
     * for the event's headers, so a body this function refuses is refused here with a clear 413 rather than by
     * the platform. Providers split or drop larger mail themselves (SendGrid's limit is 30 MB, Postmark's 35 MB):
     * such messages need an S3-based route (SES receipt rule), not this webhook.
     */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(EmailWebhookHandler.class);

    @Inject
    InteractionRecorder recorder;

    @Inject
    Secrets secrets;

    @Inject
    Clock clock;

    @Inject
    ReplayGuard replayGuard;

    /** For Lambda: configuration from the environment. */
    public EmailWebhookHandler() {
        super();
        prime();
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public EmailWebhookHandler(ApplicationContextBuilder builder) {
        super(builder);
        prime();
    }

    /** Loads the MIME parser and the hot path's classes at init (and into the SnapStart snapshot). */
    private void prime() {
        byte[] message = ("From: Priming <priming@example.invalid>\r\nTo: support@example.invalid\r\n"
                + "Message-ID: <priming@example.invalid>\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\n"
                + "Subject: =?UTF-8?Q?priming?=\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n> quoted\r\n"
                + "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hello</p>\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        EmailInteractions.of(MimeEmailParser.parse(message), "mime", Instant.EPOCH, message);
        FormFields.parse("a=1".getBytes(StandardCharsets.US_ASCII), "application/x-www-form-urlencoded").fingerprint();
        MailgunSignature.sign("priming", "0", "token");
        EmailAddresses.isValid("priming@example.invalid");
    }

    @Override
    protected int maxBodyBytes() {
        return MAX_BODY_BYTES;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(WebhookRequest request) {
        if (!"POST".equals(request.method())) {
            throw new WebhookException(405, "method not allowed");
        }
        String route = route(request.path());
        String contentType = request.header("content-type").orElse(null);
        Instant now = clock.instant();
        ParsedEmail email;
        String provider;
        switch (route) {
            case MAILGUN: {
                FormFields form = FormFields.parse(request.body(), contentType);
                MailgunSignature.Verified verified = MailgunSignature.verify(form, secrets.require(MAILGUN_SIGNING_KEY), now);
                if (!replayGuard.firstUse(MAILGUN_REPLAY_SCOPE, verified.token(), form.fingerprint(), verified.expiresAt())) {
                    throw WebhookException.forbidden("token already used");
                }
                email = MailgunParser.parse(form);
                provider = "mailgun";
                break;
            }
            case POSTMARK:
                if (!authorized(request)) {
                    return challenge();
                }
                email = PostmarkParser.parse(request.body());
                provider = "postmark";
                break;
            case SENDGRID:
                if (!authorized(request)) {
                    return challenge();
                }
                email = SendGridParser.parse(FormFields.parse(request.body(), contentType));
                provider = "sendgrid";
                break;
            case MIME:
                if (!authorized(request)) {
                    return challenge();
                }
                email = MimeEmailParser.parse(request.body());
                provider = "mime";
                break;
            default:
                throw new WebhookException(404, "not found");
        }
        List<Interaction> interactions = EmailInteractions.of(email, provider, now, request.body());
        InteractionRecorder.Summary summary = recorder.record(interactions);
        LOG.info("email {}: {} interactions, {}", provider, interactions.size(), summary);
        return Responses.text(200, "ok");
    }

    private boolean authorized(WebhookRequest request) {
        return BasicAuth.matches(request.header("authorization").orElse(null),
                secrets.require(WEBHOOK_USER), secrets.require(WEBHOOK_PASSWORD));
    }

    /** 401 with the challenge a client needs to retry with credentials; nothing is read or stored. */
    private static APIGatewayV2HTTPResponse challenge() {
        LOG.info("refused email webhook: 401 missing or wrong credentials");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(401)
                .withHeaders(Map.of("content-type", "text/plain; charset=utf-8", "www-authenticate", BasicAuth.CHALLENGE))
                .withBody("missing or wrong credentials")
                .withIsBase64Encoded(false)
                .build();
    }

    /** The route a path names; also under a path prefix (a custom domain's base path). */
    private static String route(String path) {
        String trimmed = path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String route : List.of(POSTMARK, MAILGUN, SENDGRID, MIME)) {
            if (trimmed.endsWith(route)) {
                return route;
            }
        }
        throw new WebhookException(404, "not found");
    }
}
