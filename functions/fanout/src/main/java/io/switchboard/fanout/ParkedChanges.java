package io.switchboard.fanout;

/**
 * Where the fan-out puts a stored change it can never announce (an image that cannot become an event, an event
 * every subscriber refuses), with the reason, so the shard goes on and an operator can look at it later.
 * Implementations throw when they cannot park: the change is then retried like any transient fault.
 */
public interface ParkedChanges {

    /**
     * @param reason         a short code (e.g. InvalidMessageContents, unreadable_change)
     * @param sequenceNumber the stream record's sequence number
     * @param customerId     the log item's partition key
     * @param sortKey        the log item's sort key
     * @param eventId        the event that was refused, or null when no event could be made
     * @param eventType      its type, or null
     */
    void park(String reason, String sequenceNumber, String customerId, String sortKey, String eventId, String eventType);
}
