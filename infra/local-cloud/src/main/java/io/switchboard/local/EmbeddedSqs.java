package io.switchboard.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ (an SQS-compatible server, JSON and query protocols) in this JVM, on the loopback interface.
 * Queues and messages live in memory: after a restart the queues must be created again.
 *
 * <p>ElasticMQ's builder has no place for a filter in front of its routes, and it would take a form another site posts
 * (the query protocol's {@code Action=SendMessage}: a command on the commands queue). So it listens on a private
 * loopback port, behind a {@link GuardedProxy} on the public one that checks Host and Origin like every other server
 * of the local cloud.
 */
public final class EmbeddedSqs extends EmbeddedService<EmbeddedSqs.Running> {

    static {
        // The local cloud stops ElasticMQ from its own shutdown hook, in order; Pekko's hook would race it (and
        // warns when it is registered during a shutdown). Read by Typesafe Config from system properties.
        if (System.getProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook") == null) {
            System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        }
    }

    /** ElasticMQ on its private port and the guard in front of it. */
    record Running(SQSRestServer elasticMq, InetSocketAddress elasticMqAddress, GuardedProxy front) {
    }

    /** Chosen once, kept across restarts like the public port. */
    private final int privatePort = Ports.resolve(0);

    /** @param port 0 for a free one (kept across restarts) */
    public EmbeddedSqs(int port) {
        super(port);
    }

    public EmbeddedSqs start() {
        startIfStopped();
        return this;
    }

    @Override
    String portFlag() {
        return "--sqs-port";
    }

    @Override
    String name() {
        return "ElasticMQ";
    }

    @Override
    Running startServer(int port) throws IOException {
        SQSRestServer started = SQSRestServerBuilder
                .withPort(privatePort)
                .withInterface(InetAddress.getLoopbackAddress().getHostAddress())
                // The address written into queue URLs, the guarded public port: http://localhost:<port>/000000000000/<name>.
                .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                // ARNs as on AWS (arn:aws:sqs:us-east-1:000000000000:<name>) rather than region "elasticmq".
                .withAWSRegion(TemplateModel.REGION)
                .withAWSAccountId(TemplateModel.ACCOUNT_ID)
                .start();
        try {
            InetSocketAddress bound = started.waitUntilStarted().localAddress();
            return new Running(started, bound, GuardedProxy.start("sqs", port, privatePort));
        } catch (RuntimeException | IOException e) {
            started.stopAndWait();
            throw e;
        }
    }

    @Override
    void stopServer(Running server) {
        server.front().close();
        server.elasticMq().stopAndWait();
    }

    @Override
    List<InetSocketAddress> boundAddresses(Running server) {
        return List.of(server.front().boundAddress(), server.elasticMqAddress());
    }
}
