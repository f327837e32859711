package io.switchboard.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local in this JVM. In memory by default; with a data directory the tables (and their streams)
 * survive a restart. One shared database, so every client sees the same tables whatever its region and keys.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDynamoDb.class);
    /**
     * Quiet java.util.logging loggers, held here because JUL only keeps weak references to loggers.
     * DynamoDB Local's AWS SDK v1 warns at the first request that JAXB is missing (it falls back to its own
     * Base64). sqlite4java warns that it cannot tell its version from the runnable jar's name (it only matters
     * for finding versioned native file names, which SqliteNatives does not use); DynamoDB Local resets that
     * logger's level, so that one message is filtered instead.
     */
    private static final java.util.logging.Logger SDK_V1_LOG = java.util.logging.Logger.getLogger("com.amazonaws.util");
    private static final java.util.logging.Logger SQLITE_LOG = java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

    static {
        SDK_V1_LOG.setLevel(java.util.logging.Level.SEVERE);
        SQLITE_LOG.setFilter(record -> record.getMessage() == null || !record.getMessage().contains("unknown jar version"));
    }

    private final int port;
    private final Path dataDir;
    private DynamoDBProxyServer server;

    /**
     * @param port    0 for a free one (kept across restarts)
     * @param dataDir null for in memory
     */
    public EmbeddedDynamoDb(int port, Path dataDir) {
        this.port = Ports.resolve(port);
        this.dataDir = dataDir;
    }

    public synchronized EmbeddedDynamoDb start() {
        if (server != null) {
            return this;
        }
        SqliteNatives.install();
        List<String> args = new ArrayList<>(List.of("-port", String.valueOf(port), "-sharedDb",
                // DynamoDB Local 2.x otherwise reports usage to AWS (Pinpoint) and writes a metadata file
                // into the working directory.
                "-disableTelemetry"));
        if (dataDir == null) {
            args.add("-inMemory");
        } else {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dataDir, e);
            }
            args.addAll(List.of("-dbPath", dataDir.toAbsolutePath().toString()));
        }
        // DynamoDB Local prints its configuration banner on System.out; keep it for debug logging only.
        PrintStream stdout = System.out;
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(banner, true, StandardCharsets.UTF_8));
            DynamoDBProxyServer started = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            started.start();
            server = started;
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port + ": " + e.getMessage(), e);
        } finally {
            System.setOut(stdout);
            LOG.debug("{}", banner.toString(StandardCharsets.UTF_8).strip());
        }
        LOG.debug("DynamoDB Local listening on {} ({})", endpoint(), dataDir == null ? "in memory" : dataDir);
        return this;
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("DynamoDB Local did not stop cleanly: {}", e.toString());
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
