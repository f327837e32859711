package io.switchboard.core.webhook;

import io.switchboard.core.config.SdkPriming;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Warms the channels' hot paths: once when a function is built (every cold start gains), and again right
 * before a SnapStart snapshot is taken, so the snapshot holds loaded, compiled verify and parse code, and then
 * also the SDK's DynamoDB request path ({@link SdkPriming}: marshalled and unmarshalled, never sent). One CRaC
 * {@link Resource} for the whole JVM, registered once (CRaC keeps resources weakly, so it is held here).
 * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html
 */
final class Priming implements Resource {

    private static final Priming INSTANCE = new Priming();
    /** One per channel type: a JVM that builds many handlers (tests, the local cloud) keeps only the latest. */
    private final Map<Class<?>, WebhookChannel> channels = new ConcurrentHashMap<>();

    private Priming() {
        Core.getGlobalContext().register(this);
    }

    static void register(WebhookChannel channel) {
        channel.prime();
        INSTANCE.channels.put(channel.getClass(), channel);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        channels.values().forEach(WebhookChannel::prime);
        // The logging layout and the EMF writer load most of their classes at their first use: in the snapshot.
        io.switchboard.core.ops.Telemetry.prime("priming before a SnapStart snapshot");
        // Only before a snapshot, not at every init: without SnapStart the first webhook loads the same classes
        // anyway, and a throwaway client would only add to that cold start.
        SdkPriming.primeDynamoDb();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: secrets and SDK clients are read and built at use.
    }
}
