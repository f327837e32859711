package io.switchboard.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.SampleRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The webhook samples of {@code events/} (API Gateway payload 2.0 events, as {@code sam local invoke -e} takes them),
 * signed again for where they are sent: each sample is signed with the development secrets for a deployment at
 * {@code execute-api}; sent to the local gateway, the signature must cover this deployment's secrets and, where the
 * provider signs it, its URL, and a signature over a timestamp must be fresh. Each channel signs its own samples ({@link ChannelDescriptor}).
 */
public final class SampleWebhooks {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** The channel's name (its descriptor's): the first segment after /webhooks/. */
    static String channelOf(String path) {
        String rest = path.substring("/webhooks/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /**
     * The sample as a request to {@code baseUrl}, signed by its channel's descriptor with the settings of the
     * function that serves it.
     *
     * @param settings the serving function's settings (its secrets, a public base URL)
     */
    public static Request prepare(Sample sample, String baseUrl, Function<String, String> settings) {
        SampleRequest unsigned = request(sample);
        SampleRequest signed = descriptor(sample.channel())
                .map(channel -> channel.signSample(unsigned, baseUrl, settings)).orElse(unsigned);
        return new Request(sample.name(), signed.method(), signed.pathAndQuery(), signed.headers(), signed.body());
    }

    /** The sample as stored: method, path and query, the provider's headers, the body; signed for the sample host. */
    public static SampleRequest request(Sample sample) {
        JsonNode event = read(sample.file());
        byte[] body = body(event);
        String query = event.path("rawQueryString").asText("");
        String pathAndQuery = sample.path() + (query.isEmpty() ? "" : "?" + query);
        Map<String, String> headers = new LinkedHashMap<>();
        event.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        // The gateway sets these itself, as API Gateway does.
        for (String name : List.of("host", "content-length", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto")) {
            headers.remove(name);
        }
        return new SampleRequest(sample.method(), pathAndQuery, headers, body);
    }

    /** The descriptor of the channel of this name, if one is on the class path. */
    public static java.util.Optional<ChannelDescriptor> descriptor(String channel) {
        return ChannelDescriptor.all().stream().filter(descriptor -> descriptor.name().equals(channel)).findFirst();
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
