package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A taken port is an expected condition: one line naming the port and the flag that moves it, no stack trace. */
class PortInUseTest {

    static Stream<Arguments> ports() {
        return Stream.of(
                Arguments.of("--port", (BiFunction<LocalCloud.Options, Integer, LocalCloud.Options>) LocalCloud.Options::port),
                Arguments.of("--dynamodb-port", (BiFunction<LocalCloud.Options, Integer, LocalCloud.Options>) LocalCloud.Options::dynamoDbPort),
                Arguments.of("--sqs-port", (BiFunction<LocalCloud.Options, Integer, LocalCloud.Options>) LocalCloud.Options::sqsPort),
                Arguments.of("--s3-port", (BiFunction<LocalCloud.Options, Integer, LocalCloud.Options>) LocalCloud.Options::s3Port));
    }

    @ParameterizedTest
    @MethodSource("ports")
    void givenATakenPort_whenTheLocalCloudStarts_thenItSaysWhichPortAndWhichFlagMovesIt(
            String flag, BiFunction<LocalCloud.Options, Integer, LocalCloud.Options> choose) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LocalCloud.Options options = choose.apply(new LocalCloud.Options().template(TestTemplates.project()), taken.getLocalPort());
            PortInUseException refused = assertThrows(PortInUseException.class, () -> LocalCloud.start(options).close());
            assertEquals(taken.getLocalPort(), refused.port());
            assertEquals(flag, refused.flag());
            assertTrue(refused.getMessage().startsWith("port " + taken.getLocalPort() + " ("), refused.getMessage());
            assertTrue(refused.getMessage().contains("start with " + flag + " <another port>"), refused.getMessage());
            assertTrue(refused.getMessage().lines().count() == 1, refused.getMessage());
        }
    }
}
