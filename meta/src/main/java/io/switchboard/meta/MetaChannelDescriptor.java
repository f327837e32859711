package io.switchboard.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.FreshSample;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Channel;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * A Meta channel's description (WhatsApp, Messenger, Instagram each have one): its channel, whose wire name is its
 * name; the app secret and verify token its function reads ({@code <NAME>_APP_SECRET}, {@code <NAME>_VERIFY_TOKEN});
 * and samples signed as Meta signs them.
 */
public abstract class MetaChannelDescriptor implements ChannelDescriptor {

    private final Channel channel;
    private final String name;
    private final String localAppSecret;
    private final String localVerifyToken;

    protected MetaChannelDescriptor(Channel channel, String localAppSecret, String localVerifyToken) {
        this.channel = channel;
        this.name = channel.wireName();
        this.localAppSecret = localAppSecret;
        this.localVerifyToken = localVerifyToken;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Channel> channels() {
        return List.of(channel);
    }

    private String prefix() {
        return name.toUpperCase(Locale.ROOT);
    }

    @Override
    public Map<String, String> localSecrets() {
        return Map.of(prefix() + "_APP_SECRET", localAppSecret, prefix() + "_VERIFY_TOKEN", localVerifyToken);
    }

    /**
     * The handshake's {@code hub.verify_token}
     * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests) and a
     * delivery's {@code X-Hub-Signature-256}
     * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads), with this
     * deployment's values.
     */
    @Override
    public SampleRequest signSample(SampleRequest sample, String baseUrl, Function<String, String> settings) {
        SampleRequest signed = sample;
        if (signed.query().contains("hub.verify_token=")) {
            String token = ChannelDescriptor.require(settings, prefix() + "_VERIFY_TOKEN");
            signed = signed.withQuery(signed.query().replaceAll("hub\\.verify_token=[^&]*",
                    Matcher.quoteReplacement("hub.verify_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
        }
        if (signed.hasHeader(HubSignature.HEADER)) {
            signed = signed.withHeader(HubSignature.HEADER,
                    HubSignature.sign(signed.body(), ChannelDescriptor.require(settings, prefix() + "_APP_SECRET")));
        }
        return signed;
    }

    /**
     * The message ids Meta's payloads key their entries by, each with the marker appended: WhatsApp's
     * {@code messages[].id} and {@code statuses[].id}
     * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages), the
     * Messenger Platform's {@code mid} and {@code mids}
     * (https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events). The body is
     * written again as JSON; {@link #signSample} signs the new bytes.
     */
    @Override
    public FreshSample freshSample(SampleRequest sample, String marker) {
        if (sample.body().length == 0) {
            return FreshSample.unchanged(sample);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(sample.body());
        } catch (IOException notJson) {
            return FreshSample.unchanged(sample);
        }
        Set<String> ids = new LinkedHashSet<>();
        rename(root, null, marker, ids);
        if (ids.isEmpty()) {
            return FreshSample.unchanged(sample);
        }
        try {
            return new FreshSample(sample.withBody(Json.MAPPER.writeValueAsBytes(root)), List.copyOf(ids));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the sample again", e);
        }
    }

    /** @param arrayName the name of the array {@code node} is an element of, else null */
    private static void rename(JsonNode node, String arrayName, String marker, Set<String> ids) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                boolean messageId = field.getKey().equals("mid")
                        || field.getKey().equals("id") && ("messages".equals(arrayName) || "statuses".equals(arrayName));
                if (messageId && value.isTextual() && !value.asText().isEmpty()) {
                    field.setValue(TextNode.valueOf(value.asText() + marker));
                    ids.add(value.asText() + marker);
                } else if (field.getKey().equals("mids") && value instanceof ArrayNode mids) {
                    for (int i = 0; i < mids.size(); i++) {
                        if (mids.get(i).isTextual()) {
                            mids.set(i, TextNode.valueOf(mids.get(i).asText() + marker));
                            ids.add(mids.get(i).asText());
                        }
                    }
                } else if (value instanceof ArrayNode array) {
                    array.forEach(element -> rename(element, field.getKey(), marker, ids));
                } else {
                    rename(value, null, marker, ids);
                }
            }
        }
    }
}
