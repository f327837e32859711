package io.switchboard.email;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.replay.ReplayGuard;
import io.switchboard.core.webhook.WebhookChannel;
import io.switchboard.core.webhook.WebhookRoute;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
 *
 * <p>Secrets are read when a request is verified, never when the bean is built.
 */
@Singleton
public class EmailChannel implements WebhookChannel {

    /** Mailgun's HTTP webhook signing key (a secret). */
    static final String MAILGUN_SIGNING_KEY = "MAILGUN_SIGNING_KEY";
    /** Basic-auth user and password of the Postmark, SendGrid and raw MIME webhook URLs (secrets). */
    static final String WEBHOOK_USER = "EMAIL_WEBHOOK_USER";
    static final String WEBHOOK_PASSWORD = "EMAIL_WEBHOOK_PASSWORD";

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
     * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
     */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    /**
     * What a basic-auth refusal tells the client, so that it can retry with credentials (RFC 7235 §4.1,
     * https://www.rfc-editor.org/rfc/rfc7235#section-4.1).
     */
    private static final Map<String, String> CHALLENGE = Map.of("www-authenticate", BasicAuth.CHALLENGE);

    private final Secrets secrets;
    private final ReplayGuard replayGuard;
    private final Clock clock;
    private final List<WebhookRoute> routes;

    public EmailChannel(Secrets secrets, ReplayGuard replayGuard, Clock clock) {
        this.secrets = secrets;
        this.replayGuard = replayGuard;
        this.clock = clock;
        this.routes = List.of(
                route(POSTMARK, this::verifyBasicAuth, request -> PostmarkParser.parse(request.utf8Body()), "postmark"),
                route(MAILGUN, this::verifyMailgun, request -> MailgunParser.parse(form(request)), "mailgun"),
                route(SENDGRID, this::verifyBasicAuth, request -> SendGridParser.parse(form(request)), "sendgrid"),
                route(MIME, this::verifyBasicAuth, request -> MimeEmailParser.parse(request.body()), "mime"));
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public List<WebhookRoute> routes() {
        return routes;
    }

    @Override
    public int maxBodyBytes() {
        return MAX_BODY_BYTES;
    }

    /** Loads the MIME parser and the hot path's classes (no secrets, no store). */
    @Override
    public void prime() {
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

    /**
     * A POST route of one provider: verified, its body parsed to an email (pure), that email turned into
     * interactions under the entry source {@code /email/<provider>}, answered 200 once stored.
     */
    private WebhookRoute route(String path, WebhookRoute.Verifier verifier,
                               Function<WebhookRequest, ParsedEmail> parser, String provider) {
        return WebhookRoute.ingest("POST", path, verifier,
                request -> EmailInteractions.of(parser.apply(request), provider, clock.instant(), request.body()),
                (request, interactions, summary) -> Responses.text(200, "ok"));
    }

    /** Postmark, SendGrid and raw MIME: the basic-auth credentials of the webhook URL; 401 with a challenge if not. */
    private void verifyBasicAuth(WebhookRequest request) {
        if (!BasicAuth.matches(request.header("authorization").orElse(null),
                secrets.require(WEBHOOK_USER), secrets.require(WEBHOOK_PASSWORD))) {
            throw new WebhookException(401, "missing or wrong credentials", CHALLENGE);
        }
    }

    /**
     * Mailgun: the signature over timestamp + token and its freshness ({@link MailgunSignature}), then the token's
     * first use with this content ({@link ReplayGuard}). The form is read here, for the signature fields are in
     * it and the fingerprint covers it, and read again by the route's parser, which takes nothing but the request.
     */
    private void verifyMailgun(WebhookRequest request) {
        FormFields form = form(request);
        MailgunSignature.Verified verified = MailgunSignature.verify(form, secrets.require(MAILGUN_SIGNING_KEY),
                clock.instant());
        if (!replayGuard.firstUse(MAILGUN_REPLAY_SCOPE, verified.token(), form.fingerprint(), verified.expiresAt())) {
            throw WebhookException.forbidden("token already used");
        }
    }

    private static FormFields form(WebhookRequest request) {
        return FormFields.parse(request.body(), request.header("content-type").orElse(null));
    }
}
