package io.switchboard.core.events;

/** Sends events to every subscriber. Implementations throw on failure so the caller can retry later. */
public interface EventPublisher {

    /**
     * Publishes one event to every subscriber, in call order per subject. Publishing the same event id
     * again must be harmless (subscribers and FIFO queues dedupe on it).
     */
    void publish(CloudEvent event);
}
