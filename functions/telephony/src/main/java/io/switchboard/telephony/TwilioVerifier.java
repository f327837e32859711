package io.switchboard.telephony;

import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.webhook.WebhookRoute;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Authenticates a request to any Twilio webhook route: {@code X-Twilio-Signature} over the public URL Twilio
 * requested (with its query) and the form parameters ({@link TwilioSignature}), checked before anything else of the
 * request is read; a forged request gets 403 and stores nothing.
 * https://www.twilio.com/docs/usage/security#validating-requests
 *
 * <p>The settings and the auth token are read at each request, never when the bean is built (several functions
 * share one JVM locally, and Lambda builds every singleton eagerly).
 */
public final class TwilioVerifier implements WebhookRoute.Verifier {

    /** The account's auth token: the HMAC key of X-Twilio-Signature (a secret). */
    public static final String AUTH_TOKEN = "TWILIO_AUTH_TOKEN";
    /**
     * The base URL Twilio calls (scheme, host, optional path prefix), e.g. {@code https://hooks.example.com}. Behind
     * API Gateway's own domain it may be left out: the URL is then rebuilt from X-Forwarded-Proto and Host.
     */
    public static final String PUBLIC_BASE_URL = "TWILIO_PUBLIC_BASE_URL";

    private final Secrets secrets;
    private final Settings settings;

    public TwilioVerifier(Secrets secrets, Settings settings) {
        this.secrets = secrets;
        this.settings = settings;
    }

    /**
     * @throws WebhookException 400 when the body is no well-formed form (the signature covers the decoded
     *                          parameters), 403 when the signature is missing or wrong or the URL Twilio signed
     *                          cannot be told
     * @throws Settings.MissingSettingException when no auth token is configured (500, so Twilio retries)
     */
    @Override
    public void verify(WebhookRequest request) {
        TwilioForm form = TwilioForm.parse(request);
        String base = publicBaseUrl(request);
        check(request, form, base, secrets.require(AUTH_TOKEN));
    }

    /**
     * The signature check itself, without settings or secrets (so it can be primed): the request's signature must
     * have been made with {@code authToken} over {@code base}, the request's path and query, and {@code form}.
     */
    static void check(WebhookRequest request, TwilioForm form, String base, String authToken) {
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
     * X-Forwarded-Proto and Host (what API Gateway and the local cloud pass on). Also the base of the callback URLs
     * this function writes into its TwiML.
     *
     * @throws WebhookException 403 when there is no Host header to rebuild it from
     */
    public String publicBaseUrl(WebhookRequest request) {
        Optional<String> configured = configuredPublicBaseUrl(settings);
        if (configured.isPresent()) {
            return configured.get();
        }
        String proto = request.header("x-forwarded-proto").map(value -> value.split(",")[0].trim())
                .filter(value -> !value.isEmpty()).orElse("https");
        String host = request.header("host").map(String::trim).filter(value -> !value.isEmpty())
                .orElseThrow(() -> WebhookException.forbidden("cannot tell the URL Twilio signed: no Host header"));
        return proto.toLowerCase(Locale.ROOT) + "://" + host;
    }

    /**
     * {@link #PUBLIC_BASE_URL} without a trailing '/', or empty when it is not configured: the base of callback URLs
     * written where there is no request to rebuild it from (the StatusCallback of a reply).
     */
    public static Optional<String> configuredPublicBaseUrl(Settings settings) {
        return settings.get(PUBLIC_BASE_URL).map(String::trim).filter(value -> !value.isEmpty())
                .map(base -> base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
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
}
