package io.switchboard.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.model.ConversationEntry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The webhook property every channel must hold: whatever a correctly signed body holds, the answer is 2xx or 4xx,
 * never 5xx (a 5xx makes the provider retry a body that can never succeed), and a 4xx writes nothing. One dynamic
 * test per seed, then a check that the generator produced both stored and refused bodies (a property that only
 * ever sees garbage proves little). A failure names the seed and shows the body.
 */
public final class WebhookProperty {

    /** One generated request: its body (for the failure message) and how to send it. */
    public record Attempt(byte[] body, Supplier<APIGatewayV2HTTPResponse> send) {
    }

    private final InMemoryCustomerDirectory directory;
    private final InMemoryConversationLog log;
    private int stored;
    private int refused;

    public WebhookProperty(InMemoryCustomerDirectory directory, InMemoryConversationLog log) {
        this.directory = directory;
        this.log = log;
    }

    public Stream<DynamicTest> forSeeds(int count, LongFunction<Attempt> attempt) {
        Stream<DynamicTest> bodies = HostileInput.seeds(count).map(seed -> DynamicTest.dynamicTest(
                "seed " + Long.toHexString(seed), () -> check(seed, attempt.apply(seed))));
        Stream<DynamicTest> coverage = Stream.of(DynamicTest.dynamicTest(
                "then the generator produced both stored and refused bodies", () -> {
                    assertTrue(stored >= count / 10, "too few bodies were stored: " + stored);
                    assertTrue(refused >= count / 10, "too few bodies were refused: " + refused);
                }));
        return Stream.concat(bodies, coverage);
    }

    private void check(long seed, Attempt attempt) {
        int customersBefore = directory.customerCount();
        Set<ConversationEntry> entriesBefore = identities(log.all());
        APIGatewayV2HTTPResponse response;
        try {
            response = attempt.send().get();
        } catch (RuntimeException escaped) {
            throw new AssertionError("seed " + Long.toHexString(seed) + ": " + escaped + "\n" + preview(attempt.body()), escaped);
        }
        int status = response.getStatusCode();
        String what = "seed " + Long.toHexString(seed) + ": HTTP " + status + " " + response.getBody() + "\n"
                + preview(attempt.body());
        if (status >= 200 && status < 300) {
            stored++;
        } else if (status >= 400 && status < 500) {
            refused++;
            assertEquals(customersBefore, directory.customerCount(), "a refused body created a customer; " + what);
            assertEquals(entriesBefore, identities(log.all()), "a refused body wrote to the log; " + what);
        } else {
            fail("expected 2xx or 4xx; " + what);
        }
    }

    /** A POST with a JSON body and one signature header; a body that is not UTF-8 arrives base64-encoded. */
    public static APIGatewayV2HTTPEvent signedJsonPost(String path, byte[] body, String signatureHeader, String signature,
                                                      boolean base64) {
        Map<String, String> headers = Map.of("content-type", "application/json", signatureHeader, signature);
        // A body that is not UTF-8 can only reach the function base64-encoded, as API Gateway passes binary.
        boolean encode = base64 || !isUtf8(body);
        String text = encode ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8);
        return ApiGatewayEvents.request("POST", path, headers, null, text, encode);
    }

    /** The entries as objects: any write replaces an entry object, even with an equal one. */
    private static Set<ConversationEntry> identities(List<ConversationEntry> entries) {
        Set<ConversationEntry> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(entries);
        return set;
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "... (" + body.length + " bytes)";
    }
}
