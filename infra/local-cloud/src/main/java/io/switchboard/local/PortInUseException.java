package io.switchboard.local;

/**
 * A port the local cloud was told (or defaults) to listen on is taken: an expected condition when a second local
 * cloud or another program runs, so it is said in one line that names the port and the flag that moves it.
 */
public final class PortInUseException extends IllegalStateException {

    private final int port;
    private final String flag;

    PortInUseException(String what, int port, String flag) {
        super("port " + port + " (" + what + ") is in use; start with " + flag + " <another port>, or stop what uses it");
        this.port = port;
        this.flag = flag;
    }

    public int port() {
        return port;
    }

    public String flag() {
        return flag;
    }

    /** Whether a start failure was a taken port: a BindException anywhere in its causes. */
    static boolean isBindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException
                    || String.valueOf(cause.getMessage()).contains("Address already in use")
                    || String.valueOf(cause.getMessage()).startsWith("Failed to bind")) {
                return true;
            }
        }
        return false;
    }
}
