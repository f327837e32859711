package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.local.testing.Recorder;
import io.switchboard.local.testing.StreamScript;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void parsesOptions() throws Exception {
        LocalCloud.Options options = Main.parse(new String[] {"--port", "1234", "--dynamodb-port=8001", "--sqs-port", "9325",
                "--s3-port", "4573", "--data-dir", "data", "--aws-endpoint", "http://localhost:4566", "--template", "t.yaml"});
        assertEquals(1234, field(options, "port"));
        assertEquals(8001, field(options, "dynamoDbPort"));
        assertEquals(9325, field(options, "sqsPort"));
        assertEquals(4573, field(options, "s3Port"));
        assertEquals(Path.of("data"), field(options, "dataDir"));
        assertEquals("http://localhost:4566", field(options, "awsEndpoint"));
        assertEquals(Path.of("t.yaml"), field(options, "template"));

        LocalCloud.Options defaults = Main.parse(new String[0]);
        assertEquals(3000, field(defaults, "port"));
        assertEquals(8000, field(defaults, "dynamoDbPort"));
        assertEquals(9324, field(defaults, "sqsPort"));
        assertEquals(4572, field(defaults, "s3Port"));
        assertNull(field(defaults, "dataDir"));

        assertNull(Main.parse(new String[] {"--help"}));
        assertEquals(3000, field(Main.parse(new String[] {"--print-events"}), "port"));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--nope"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--port"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--port", "http"}));
    }

    private static Object field(LocalCloud.Options options, String name) throws ReflectiveOperationException {
        var field = LocalCloud.Options.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(options);
    }

    @Test
    void readyBannerListsRoutesQueuesAndSecretNamesNeverValues() {
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().template(TestTemplates.testStack())
                .singletons(List.of(new Recorder(), new StreamScript())).streamPoller(false))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Main.printReady(new PrintStream(bytes, true, StandardCharsets.UTF_8), cloud,
                    Map.of("TEST_APP_SECRET", "do-not-print-me"), 1234);
            String banner = bytes.toString(StandardCharsets.UTF_8);
            // One summary line with one timing, the console and the health endpoint.
            assertTrue(banner.contains("ready in 1234 ms: console " + cloud.baseUrl() + "/console, health "
                    + cloud.baseUrl() + "/health"), banner);
            assertEquals(1, banner.split(" ms", -1).length - 1, banner);
            assertTrue(banner.contains("POST " + cloud.baseUrl() + "/echo"), banner);
            assertTrue(banner.contains("ANY " + cloud.baseUrl() + "/items/{id}"), banner);
            assertTrue(banner.contains("DynamoDB: " + cloud.dynamoDbEndpoint()), banner);
            assertTrue(banner.contains("WorkQueue: " + cloud.queueUrl("WorkQueue")), banner);
            assertTrue(banner.contains("TEST_APP_SECRET: set"), banner);
            assertTrue(banner.contains("TEST_VERIFY_TOKEN: MISSING"), banner);
            assertFalse(banner.contains("do-not-print-me"), banner);
        }
    }
}
