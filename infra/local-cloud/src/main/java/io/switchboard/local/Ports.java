package io.switchboard.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

final class Ports {

    private Ports() {
    }

    /** Below Linux's ephemeral range (32768-60999), which outgoing connections take their source ports from. */
    private static final int FIRST = 10_000;
    private static final int LAST = 32_000;

    /**
     * The port itself, or a free one for 0. The embedded services are restarted on the same port (fault tests
     * stop and start them), so the port is chosen once here instead of letting each start pick its own.
     *
     * <p>Not the operating system's pick (port 0): that comes from the ephemeral range, where between our check
     * and the service's bind any outgoing connection of another process (a second test run on the same machine)
     * may take it. A random port below that range is only taken by another listener choosing the same one.
     */
    static int resolve(int port) {
        if (port != 0) {
            return port;
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = java.util.concurrent.ThreadLocalRandom.current().nextInt(FIRST, LAST);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new UncheckedIOException("no free port between " + FIRST + " and " + LAST, new IOException("all taken"));
    }
}
