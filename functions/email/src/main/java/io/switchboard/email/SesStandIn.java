package io.switchboard.email;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.channel.ProviderStandIn;
import io.switchboard.core.channel.StandInAnswer;
import io.switchboard.core.channel.StandInContext;
import io.switchboard.core.channel.StandInRequest;
import io.switchboard.core.json.Json;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Amazon SES v2 {@code SendEmail} with raw content, stood in for by the local cloud (never by a function):
 * {@code POST /v2/email/outbound-emails} with {@code Content.Raw.Data} is answered {@code {"MessageId": ...}}. No
 * status webhooks follow: SES reports sending events only to a configuration set's destinations (SNS, EventBridge...),
 * which the stack does not set up.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 */
public final class SesStandIn implements ProviderStandIn {

    /** The path of SendEmail. */
    public static final String PATH = "/v2/email/outbound-emails";
    /** The SDK's endpoint override for SES v2, which the email sender's client reads. */
    static final String ENDPOINT_SETTING = "AWS_ENDPOINT_URL_SESV2";
    /** The From of replies when the address the customer wrote to is not known (the email sender's setting). */
    static final String SUPPORT_ADDRESS_SETTING = "SUPPORT_EMAIL_ADDRESS";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String name() {
        return "ses";
    }

    @Override
    public String api() {
        return "Amazon SES v2 SendEmail";
    }

    @Override
    public boolean accepts(StandInRequest request) {
        return "POST".equals(request.method()) && PATH.equals(request.path());
    }

    @Override
    public Map<String, String> senderSettings(String baseUrl) {
        return Map.of(ENDPOINT_SETTING, baseUrl);
    }

    @Override
    public Map<String, String> senderCredentials() {
        return Map.of(SUPPORT_ADDRESS_SETTING, "support@localhost.localdomain");
    }

    @Override
    public StandInAnswer answer(StandInRequest request, StandInContext context) {
        if (rawMessage(request.json()) == null) {
            return StandInAnswer.refused(400, "{\"message\":\"Content.Raw.Data is required\"}");
        }
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        String id = "0100" + HexFormat.of().formatHex(random) + "-" + UUID.randomUUID() + "-000000";
        return StandInAnswer.accepted(200, Json.write(Map.of("MessageId", id)), id, List.of());
    }

    /**
     * The raw MIME message of a SendEmail request body ({@code Content.Raw.Data}, base64-decoded), or null when it
     * has none: what a test reads (with {@link MimeEmailParser}) to see the email a reply became.
     */
    public static byte[] rawMessage(JsonNode sendEmailBody) {
        if (sendEmailBody == null || !sendEmailBody.path("Content").path("Raw").path("Data").isTextual()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(sendEmailBody.path("Content").path("Raw").path("Data").asText());
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
