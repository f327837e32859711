package io.switchboard.email;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.FreshSample;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.model.Channel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The email channel (Postmark, SendGrid and raw MIME behind basic auth; Mailgun's signed form), described for the
 * local cloud: its credentials' development values, samples signed as each provider authenticates, and the stand-in
 * for the replies' SES v2 SendEmail.
 */
public final class EmailDescriptor implements ChannelDescriptor {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String name() {
        return "email";
    }

    @Override
    public List<Channel> channels() {
        return List.of(Channel.EMAIL);
    }

    @Override
    public Map<String, String> localSecrets() {
        return Map.of("MAILGUN_SIGNING_KEY", "local-mailgun-key", "EMAIL_WEBHOOK_USER", "switchboard",
                "EMAIL_WEBHOOK_PASSWORD", "local-email-password");
    }

    @Override
    public SampleRequest signSample(SampleRequest sample, String baseUrl, Function<String, String> settings) {
        SampleRequest signed = sample;
        if (signed.headers().getOrDefault("authorization", "").startsWith("Basic ")) {
            String credentials = ChannelDescriptor.require(settings, "EMAIL_WEBHOOK_USER") + ":"
                    + ChannelDescriptor.require(settings, "EMAIL_WEBHOOK_PASSWORD");
            signed = signed.withHeader("authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        if (signed.path().endsWith("/mailgun")) {
            signed = signed.withBody(freshMailgunSignature(signed.body(),
                    ChannelDescriptor.require(settings, "MAILGUN_SIGNING_KEY"), Instant.now()));
        }
        return signed;
    }

    @Override
    public Optional<ProviderStandIn> standIn() {
        return Optional.of(new SesStandIn());
    }

    /**
     * The message's Message-ID (what the function keys the entry by) with the marker put before its '@', wherever
     * the body carries it (a header of the raw message, Postmark's {@code Headers}, Mailgun's {@code message-headers},
     * SendGrid's {@code headers}); {@link #signSample} then authenticates the new body. A message without one, or
     * whose id is written in a way this does not find, is left as it is.
     */
    @Override
    public FreshSample freshSample(SampleRequest sample, String marker) {
        String before = messageId(sample);
        if (before == null) {
            return FreshSample.unchanged(sample);
        }
        int at = before.lastIndexOf('@');
        String after = at < 0 ? before + marker : before.substring(0, at) + marker + before.substring(at);
        byte[] body;
        if (sample.headers().getOrDefault("content-type", "").toLowerCase(Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded")) {
            body = UrlEncodedForm.encode(UrlEncodedForm.parse(sample.body()).stream()
                    .map(field -> Map.entry(field.getKey(), field.getValue().replace(before, after))).toList());
        } else {
            // Byte for byte outside the id (the id is ASCII; ISO-8859-1 maps every byte to one char and back).
            body = new String(sample.body(), StandardCharsets.ISO_8859_1).replace(before, after)
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
        SampleRequest renamed = sample.withBody(body);
        return after.equals(messageId(renamed)) ? new FreshSample(renamed, List.of(after)) : FreshSample.unchanged(sample);
    }

    /** The Message-ID the route's parser reads from the sample, or null. */
    private static String messageId(SampleRequest sample) {
        String contentType = sample.headers().get("content-type");
        try {
            ParsedEmail email;
            if (sample.path().endsWith("/postmark")) {
                email = PostmarkParser.parse(sample.body());
            } else if (sample.path().endsWith("/mailgun")) {
                email = MailgunParser.parse(FormFields.parse(sample.body(), contentType));
            } else if (sample.path().endsWith("/sendgrid")) {
                email = SendGridParser.parse(FormFields.parse(sample.body(), contentType));
            } else if (sample.path().endsWith("/mime")) {
                email = MimeEmailParser.parse(sample.body());
            } else {
                return null;
            }
            return email.messageId();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * The form with a new timestamp, token and signature: the function refuses a timestamp older than 5 minutes and
     * a token seen before (https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#securing-webhooks).
     */
    public static byte[] freshMailgunSignature(byte[] form, String signingKey, Instant now) {
        String timestamp = String.valueOf(now.getEpochSecond());
        byte[] random = new byte[25];
        RANDOM.nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Map<String, String> replaced = Map.of("timestamp", timestamp, "token", token,
                "signature", MailgunSignature.sign(signingKey, timestamp, token));
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> field : UrlEncodedForm.parse(form)) {
            if (out.length() > 0) {
                out.append('&');
            }
            String value = replaced.getOrDefault(field.getKey(), field.getValue());
            out.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
