package io.switchboard.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.SampleRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

    /**
     * One webhook sample, of events/ or of a channel's descriptor: its file name without .json, its route, the channel
     * it belongs to and where its event is read from.
     */
    public record Sample(String name, String method, String path, String channel, URL source) {
    }

    private SampleWebhooks() {
    }

    /**
     * The webhook samples (POST deliveries and GET handshakes) of this folder and of the channels' descriptors
     * ({@link ChannelDescriptor#samples()}), in name order; a folder's sample wins over a descriptor's of that name.
     */
    public static List<Sample> list(Path eventsDir) {
        Map<String, Sample> samples = new TreeMap<>();
        if (eventsDir != null && Files.isDirectory(eventsDir)) {
            try (Stream<Path> files = Files.list(eventsDir)) {
                for (Path file : files.sorted().toList()) {
                    sample(file.getFileName().toString(), file.toUri().toURL()).ifPresent(found -> samples.put(found.name(), found));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (ChannelDescriptor channel : ChannelDescriptor.all()) {
            for (URL resource : channel.samples()) {
                String path = resource.getPath();
                sample(path.substring(path.lastIndexOf('/') + 1), resource).ifPresent(found -> samples.putIfAbsent(found.name(), found));
            }
        }
        return List.copyOf(samples.values());
    }

    private static Optional<Sample> sample(String fileName, URL source) {
        if (!fileName.endsWith(".json") || fileName.endsWith(".body.json")) {
            return Optional.empty();
        }
        JsonNode event = read(source);
        String routeKey = event.path("routeKey").asText("");
        String path = event.path("rawPath").asText("");
        String method = routeKey.contains(" ") ? routeKey.substring(0, routeKey.indexOf(' ')) : "";
        if (!path.startsWith("/webhooks/") || !(method.equals("POST") || method.equals("GET"))) {
            return Optional.empty();
        }
        return Optional.of(new Sample(fileName.substring(0, fileName.length() - ".json".length()), method, path,
                channelOf(path), source));
    }

    /** Whether the sample is a file of this folder (not a descriptor's own sample). */
    public static boolean isIn(Sample sample, Path folder) {
        try {
            return "file".equals(sample.source().getProtocol()) && Path.of(sample.source().toURI()).toAbsolutePath()
                    .normalize().startsWith(folder.toAbsolutePath().normalize());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
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
        JsonNode event = read(sample.source());
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

    static JsonNode read(URL source) {
        try (InputStream in = source.openStream()) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sample " + source + ": " + e.getMessage(), e);
        }
    }
}
