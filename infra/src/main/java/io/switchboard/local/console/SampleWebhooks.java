package io.switchboard.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.email.MailgunSignature;
import io.switchboard.meta.HubSignature;
import io.switchboard.telephony.TwilioForm;
import io.switchboard.telephony.TwilioSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The webhook samples of {@code events/} (API Gateway payload 2.0 events, as {@code sam local invoke -e} takes them),
 * signed again for where they are sent: each sample is signed with the development secrets for a deployment at
 * {@code execute-api}; sent to the local gateway, the signature must cover this deployment's secrets and, for Twilio,
 * its URL, and a Mailgun signature must be fresh. The signing rules are the providers' (see each channel's verifier).
 */
public final class SampleWebhooks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sample ready to send: the request as the provider would make it. */
    public record Request(String name, String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
    }

    /** One webhook sample of events/: its file name without .json, its route and the channel it belongs to. */
    public record Sample(String name, String method, String path, String channel, Path file) {
    }

    private SampleWebhooks() {
    }

    /** The webhook samples in this folder (POST deliveries and GET handshakes), in name order. */
    public static List<Sample> list(Path eventsDir) {
        if (eventsDir == null || !Files.isDirectory(eventsDir)) {
            return List.of();
        }
        List<Sample> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(eventsDir)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".json") || fileName.endsWith(".body.json")) {
                    continue;
                }
                JsonNode event = read(file);
                String routeKey = event.path("routeKey").asText("");
                String path = event.path("rawPath").asText("");
                String method = routeKey.contains(" ") ? routeKey.substring(0, routeKey.indexOf(' ')) : "";
                if (!path.startsWith("/webhooks/") || !(method.equals("POST") || method.equals("GET"))) {
                    continue;
                }
                samples.add(new Sample(fileName.substring(0, fileName.length() - ".json".length()), method, path,
                        channelOf(path), file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    /** "whatsapp", "messenger", "instagram", "twilio", "email": the first segment after /webhooks/. */
    static String channelOf(String path) {
        String rest = path.substring("/webhooks/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /**
     * The sample as a request to {@code baseUrl}, signed with the settings of the function that serves it.
     *
     * @param settings the serving function's settings (secrets and TWILIO_PUBLIC_BASE_URL)
     */
    public static Request prepare(Sample sample, String baseUrl, Function<String, String> settings) {
        JsonNode event = read(sample.file());
        byte[] body = body(event);
        String query = event.path("rawQueryString").asText("");
        if (query.contains("hub.verify_token=")) {
            // Meta's handshake: https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
            String token = require(settings, sample.channel().toUpperCase(Locale.ROOT) + "_VERIFY_TOKEN");
            query = query.replaceAll("hub\\.verify_token=[^&]*",
                    java.util.regex.Matcher.quoteReplacement("hub.verify_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        }
        String pathAndQuery = sample.path() + (query.isEmpty() ? "" : "?" + query);
        Map<String, String> headers = new LinkedHashMap<>();
        event.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        // The gateway sets these itself, as API Gateway does.
        for (String name : List.of("host", "content-length", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto")) {
            headers.remove(name);
        }
        if (headers.containsKey(HubSignature.HEADER)) {
            // Meta: https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
            String secretName = sample.channel().toUpperCase(Locale.ROOT) + "_APP_SECRET";
            headers.put(HubSignature.HEADER, HubSignature.sign(body, require(settings, secretName)));
        }
        if (headers.containsKey(TwilioSignature.HEADER.toLowerCase(Locale.ROOT))) {
            // Twilio: https://www.twilio.com/docs/usage/security#validating-requests (the URL it called + sorted params)
            String base = settings.apply("TWILIO_PUBLIC_BASE_URL");
            String url = (base == null || base.isBlank() ? baseUrl : base) + pathAndQuery;
            headers.put(TwilioSignature.HEADER.toLowerCase(Locale.ROOT), TwilioSignature.sign(url,
                    TwilioForm.parse(body).params(), require(settings, "TWILIO_AUTH_TOKEN")));
        }
        if (headers.getOrDefault("authorization", "").startsWith("Basic ")) {
            String credentials = require(settings, "EMAIL_WEBHOOK_USER") + ":" + require(settings, "EMAIL_WEBHOOK_PASSWORD");
            headers.put("authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        if (sample.path().endsWith("/mailgun")) {
            body = freshMailgunSignature(body, require(settings, "MAILGUN_SIGNING_KEY"), Instant.now());
        }
        return new Request(sample.name(), sample.method(), pathAndQuery, headers, body);
    }

    /**
     * The form with a new timestamp, token and signature: Mailgun refuses nothing itself, but the function refuses a
     * timestamp older than 5 minutes and a token seen before (https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#securing-webhooks).
     */
    static byte[] freshMailgunSignature(byte[] form, String signingKey, Instant now) {
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

    private static String require(Function<String, String> settings, String name) {
        String value = settings.apply(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set for the function that serves this sample");
        }
        return value;
    }

    static byte[] body(JsonNode event) {
        String body = event.path("body").asText("");
        return event.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sample " + file + ": " + e.getMessage(), e);
        }
    }
}
