package io.switchboard.local.standin;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.StandInAnswer;
import io.switchboard.core.channel.StandInContext;
import io.switchboard.core.channel.StandInRequest;
import io.switchboard.core.channel.StatusWebhook;
import io.switchboard.core.json.Json;
import io.switchboard.core.security.Hmac;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A channel the local cloud has never heard of, registered in the test sources' META-INF/services as a channel
 * module's descriptor is: "Pigeon", an invented SMS provider whose send API answers 202 with the message's id and
 * then posts one signed delivery report. {@link DiscoveredStandInTest} shows the local cloud serving its stand-in.
 * (Left out of the test jar: the end-to-end suite does not see it.)
 */
public final class PigeonDescriptor implements ChannelDescriptor {

    static final String SIGNING_KEY = "PIGEON_SIGNING_KEY";
    static final String API_KEY = "PIGEON_API_KEY";
    static final String API_BASE_URL = "PIGEON_API_BASE_URL";
    static final String SIGNATURE_HEADER = "X-Pigeon-Signature";
    /** Where its delivery reports go: a route of the local cloud's test stack (its echo function). */
    static final String REPORT_PATH = "/echo";
    static final String SEND_PATH = "/pigeon/v1/messages";

    @Override
    public String name() {
        return "pigeon";
    }

    @Override
    public Map<String, String> localSecrets() {
        return Map.of(SIGNING_KEY, "local-pigeon-signing-key");
    }

    @Override
    public Optional<ProviderStandIn> standIn() {
        return Optional.of(new PigeonStandIn());
    }

    /** The hex HMAC-SHA256 of the body with the signing key, as Pigeon signs its reports. */
    static String signature(byte[] body, String signingKey) {
        return HexFormat.of().formatHex(Hmac.sign(Hmac.SHA256, signingKey, body));
    }

    static final class PigeonStandIn implements ProviderStandIn {

        @Override
        public String name() {
            return "pigeon";
        }

        @Override
        public String api() {
            return "Pigeon Messages API";
        }

        @Override
        public boolean accepts(StandInRequest request) {
            return "POST".equals(request.method()) && SEND_PATH.equals(request.path());
        }

        @Override
        public Map<String, String> senderSettings(String baseUrl) {
            return Map.of(API_BASE_URL, baseUrl);
        }

        @Override
        public Map<String, String> senderCredentials() {
            return Map.of(API_KEY, "local-pigeon-api-key");
        }

        @Override
        public StandInAnswer answer(StandInRequest request, StandInContext context) {
            String authorization = request.header("authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                return StandInAnswer.refused(401, "{\"error\":{\"code\":\"unauthorized\"}}");
            }
            if (request.json() == null || !request.json().path("to").isTextual()) {
                return StandInAnswer.refused(422, "{\"error\":{\"code\":\"missing_to\"}}");
            }
            String id = "pg_" + UUID.randomUUID().toString().replace("-", "");
            byte[] report = Json.write(Map.of("id", id, "status", "delivered", "to", request.json().path("to").asText()))
                    .getBytes(StandardCharsets.UTF_8);
            String signingKey = context.setting(REPORT_PATH, SIGNING_KEY);
            // x-test-id: the test stack's echo function records the requests it gets by that header.
            StatusWebhook delivered = new StatusWebhook("delivered", REPORT_PATH, Map.of("Content-Type",
                    "application/json", SIGNATURE_HEADER, signature(report, signingKey), "x-test-id", id), report);
            return StandInAnswer.accepted(202, Json.write(Map.of("id", id, "status", "queued")), id,
                    List.of(delivered));
        }
    }
}
