package io.switchboard.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AWS-compatible service running in this JVM on a fixed port, which it keeps across restarts (fault tests stop
 * and start it; clients keep their endpoint).
 *
 * @param <S> the library's server object
 */
abstract class EmbeddedService<S> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedService.class);

    private final int port;
    private S server;

    /** @param port 0 for a free one (kept across restarts) */
    EmbeddedService(int port) {
        this.port = Ports.resolve(port);
    }

    /** Starts the library's server on the port, or throws. */
    abstract S startServer(int port) throws Exception;

    abstract void stopServer(S server) throws Exception;

    abstract String name();

    /** The command-line flag of the local cloud that chooses this service's port. */
    abstract String portFlag();

    /** The socket addresses the running server listens on. */
    abstract java.util.List<java.net.InetSocketAddress> boundAddresses(S server);

    /** Where it listens now (empty when stopped). */
    public synchronized java.util.List<java.net.InetSocketAddress> boundAddresses() {
        return server == null ? java.util.List.of() : boundAddresses(server);
    }

    synchronized void startIfStopped() {
        if (server != null) {
            return;
        }
        try {
            server = startServer(port);
        } catch (Exception e) {
            if (PortInUseException.isBindFailure(e)) {
                throw new PortInUseException(name(), port, portFlag());
            }
            throw new IllegalStateException(name() + " did not start on port " + port + ": " + e.getMessage(), e);
        }
        LOG.debug("{} listening on {}", name(), endpoint());
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            stopServer(server);
        } catch (Exception e) {
            LOG.warn("{} did not stop cleanly: {}", name(), e.toString());
        } finally {
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
