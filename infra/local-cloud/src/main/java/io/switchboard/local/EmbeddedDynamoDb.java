package io.switchboard.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local in this JVM. In memory by default; with a data directory the tables (and their streams)
 * survive a restart. One shared database, so every client sees the same tables whatever its region and keys.
 */
public final class EmbeddedDynamoDb extends EmbeddedService<DynamoDBProxyServer> {

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

    private final Path dataDir;

    /**
     * @param port    0 for a free one (kept across restarts)
     * @param dataDir null for in memory
     */
    public EmbeddedDynamoDb(int port, Path dataDir) {
        super(port);
        this.dataDir = dataDir;
    }

    public EmbeddedDynamoDb start() {
        startIfStopped();
        return this;
    }

    @Override
    String portFlag() {
        return "--dynamodb-port";
    }

    @Override
    String name() {
        return "DynamoDB Local";
    }

    @Override
    DynamoDBProxyServer startServer(int port) throws Exception {
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
            guard(jettyOf(started), port);
            started.start();
            return started;
        } finally {
            System.setOut(stdout);
            LOG.debug("{} ({})", banner.toString(StandardCharsets.UTF_8).strip(), dataDir == null ? "in memory" : dataDir);
        }
    }

    @Override
    void stopServer(DynamoDBProxyServer server) throws Exception {
        server.stop();
    }

    @Override
    List<InetSocketAddress> boundAddresses(DynamoDBProxyServer server) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Connector connector : jettyOf(server).getConnectors()) {
            if (connector instanceof ServerConnector listening && listening.getTransport() instanceof ServerSocketChannel channel) {
                try {
                    addresses.add((InetSocketAddress) channel.getLocalAddress());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return addresses;
    }

    /**
     * DynamoDB Local has no option for its listening address (it binds every interface) and answers any Host and any
     * Origin (its CORS default is "*"): any web page could read and write the tables. Its Jetty server is bound to the
     * loopback interface here and fronted by {@link LoopbackGuard}, before it starts.
     */
    private static void guard(Server jetty, int port) {
        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof ServerConnector listening) {
                listening.setHost(InetAddress.getLoopbackAddress().getHostAddress());
            }
        }
        Handler tables = jetty.getHandler();
        jetty.setHandler((Handler) null);
        jetty.setHandler(new Handler.Wrapper(tables) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Optional<LoopbackGuard.Refusal> refusal = LoopbackGuard.check(request.getMethod(),
                        request.getHeaders().get(HttpHeader.HOST), request.getHeaders().get(HttpHeader.ORIGIN), port);
                if (refusal.isEmpty()) {
                    return super.handle(request, response, callback);
                }
                response.setStatus(refusal.get().status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, LocalProblem.CONTENT_TYPE);
                response.write(true, ByteBuffer.wrap(refusal.get().problem()), callback);
                return true;
            }
        });
    }

    /** The library keeps its Jetty server private; this version's field is "server" (a test fails if it moves). */
    private static Server jettyOf(DynamoDBProxyServer server) {
        try {
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            return (Server) field.get(server);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this DynamoDB Local keeps no Jetty server in a field \"server\": "
                    + "it cannot be bound to the loopback interface", e);
        }
    }

}
