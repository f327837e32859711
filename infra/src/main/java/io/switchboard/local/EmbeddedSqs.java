package io.switchboard.local;

import java.net.InetSocketAddress;
import java.util.List;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ (an SQS-compatible server, JSON and query protocols) in this JVM, on the loopback interface.
 * Queues and messages live in memory: after a restart the queues must be created again.
 *
 * <p>Unlike the other servers it does not check the Host and Origin headers ({@link LoopbackGuard}): ElasticMQ's
 * builder has no hook for a filter in front of its routes. Bound to the loopback interface only; it sends no CORS
 * headers, so another site's page cannot read its answers, but a DNS-rebinding page could (README, "Local console").
 */
public final class EmbeddedSqs extends EmbeddedService<SQSRestServer> {


    static {
        // The local cloud stops ElasticMQ from its own shutdown hook, in order; Pekko's hook would race it (and
        // warns when it is registered during a shutdown). Read by Typesafe Config from system properties.
        if (System.getProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook") == null) {
            System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        }
    }

    /** @param port 0 for a free one (kept across restarts) */
    public EmbeddedSqs(int port) {
        super(port);
    }

    public EmbeddedSqs start() {
        startIfStopped();
        return this;
    }

    @Override
    String name() {
        return "ElasticMQ";
    }

    @Override
    SQSRestServer startServer(int port) {
        SQSRestServer started = SQSRestServerBuilder
                .withPort(port)
                .withInterface("127.0.0.1")
                // The address written into queue URLs: http://localhost:<port>/000000000000/<name>.
                .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                // ARNs as on AWS (arn:aws:sqs:us-east-1:000000000000:<name>) rather than region "elasticmq".
                .withAWSRegion(TemplateModel.REGION)
                .withAWSAccountId(TemplateModel.ACCOUNT_ID)
                .start();
        try {
            bound = started.waitUntilStarted().localAddress();
        } catch (RuntimeException e) {
            started.stopAndWait();
            throw e;
        }
        return started;
    }

    /** Where the running server listens (set when it starts). */
    private volatile InetSocketAddress bound;

    @Override
    List<InetSocketAddress> boundAddresses(SQSRestServer server) {
        return List.of(bound);
    }

    @Override
    void stopServer(SQSRestServer server) {
        server.stopAndWait();
    }

}
