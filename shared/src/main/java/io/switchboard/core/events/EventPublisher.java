package io.switchboard.core.events;

import java.util.List;

/**
 * Sends events to every subscriber, and says what became of each one: the caller decides what to retry and
 * what to set aside. Publishing the same event id again must be harmless (subscribers and FIFO queues dedupe
 * on it).
 */
public interface EventPublisher {

    /**
     * Publishes the events to every subscriber. Events of one subject reach each subscriber in list order;
     * events of different subjects may be sent in parallel. After an event of a subject could not be sent, the
     * later events of that subject are not sent either (they would overtake it). Never throws for a subscriber's
     * fault: every event gets an outcome.
     *
     * @return one outcome per event, in the order of {@code events}
     */
    Publication publish(List<CloudEvent> events);

    /**
     * @param outcomes one per published event, in order
     * @param requests how many send requests the subscribers answered (a request can carry several events)
     */
    record Publication(List<Outcome> outcomes, int requests) {

        public Publication {
            outcomes = List.copyOf(outcomes);
        }
    }

    /** What became of one event. */
    sealed interface Outcome {

        Outcome PUBLISHED = new Published();

        /** Every subscriber has it. */
        record Published() implements Outcome {
        }

        /**
         * A subscriber refused it for what it is (content it does not accept): sending it again can never
         * succeed. Subscribers that took it keep it.
         *
         * @param reason a short code, e.g. the queue's error code; never the event's content
         */
        record Refused(String reason) implements Outcome {
        }

        /**
         * At least one subscriber may not have it, for a reason of the moment (throttling, a queue
         * unreachable), or because an earlier event of its subject was not sent: send it again later.
         *
         * @param fault what went wrong; its text may quote the content, so log it with {@code Faults.describe}
         */
        record Unsent(RuntimeException fault) implements Outcome {
        }
    }
}
