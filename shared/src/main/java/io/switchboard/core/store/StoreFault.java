package io.switchboard.core.store;

/**
 * The store did not settle in time (a write still contended after every retry, a record that a read raced):
 * a transient fault, answered with 5xx so the provider retries later; never the sender's fault.
 */
public class StoreFault extends RuntimeException {
    public StoreFault(String message) {
        super(message);
    }

    public StoreFault(String message, Throwable cause) {
        super(message, cause);
    }
}
