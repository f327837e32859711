package io.switchboard.local;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every server of the local cloud checks before anything else, because a web page the developer visits can
 * reach them: a request whose {@code Host} is not a loopback name is a DNS-rebinding page that made its own origin
 * resolve to 127.0.0.1 (refused 421: this server does not serve that host), and a state-changing request with a
 * foreign {@code Origin} (a form or fetch of another site, or {@code Origin: null} from a sandboxed frame or a file) is
 * cross-site request forgery (refused 403). curl, the SDKs and the providers send neither problem: no Origin, and
 * {@code Host: localhost:3000}. https://www.rfc-editor.org/rfc/rfc9110#name-421-misdirected-request,
 * https://fetch.spec.whatwg.org/#origin-header
 */
public final class LoopbackGuard {

    /** The names of this machine's loopback interface, as a Host header spells them (RFC 9110 section 7.2). */
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** Why a request is refused: the status and its problem document. */
    public record Refusal(int status, byte[] problem) {
    }

    private LoopbackGuard() {
    }

    /**
     * Empty when the request may go on.
     *
     * @param host   the Host header (null when absent: an HTTP/1.0 client, not a browser)
     * @param origin the Origin header (null when absent)
     * @param port   the port this server listens on: the only origins it calls its own are loopback ones on it
     */
    public static Optional<Refusal> check(String method, String host, String origin, int port) {
        if (host != null && !loopbackHost(host)) {
            return Optional.of(new Refusal(421, LocalProblem.body(421, "foreign-host", "Misdirected Request",
                    "the local cloud answers only requests for localhost, 127.0.0.1 or [::1]")));
        }
        if (origin != null && !SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT)) && !ownOrigin(origin, port)) {
            return Optional.of(new Refusal(403, LocalProblem.body(403, "cross-origin", "Forbidden",
                    "a request from another origin may not change the local cloud's state")));
        }
        return Optional.empty();
    }

    /** localhost, 127.0.0.1 or [::1], with or without a port. */
    static boolean loopbackHost(String host) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        int colon = value.lastIndexOf(':');
        if (colon > value.lastIndexOf(']')) {
            if (!PORT.matcher(value.substring(colon + 1)).matches()) {
                return false;
            }
            value = value.substring(0, colon);
        }
        return LOOPBACK_NAMES.contains(value);
    }

    /** http://localhost:PORT, http://127.0.0.1:PORT or http://[::1]:PORT: a page this very server served. */
    static boolean ownOrigin(String origin, int port) {
        String value = origin.strip().toLowerCase(Locale.ROOT);
        String prefix = "http://";
        String suffix = ":" + port;
        if (!value.startsWith(prefix) || !value.endsWith(suffix)) {
            return false;
        }
        return LOOPBACK_NAMES.contains(value.substring(prefix.length(), value.length() - suffix.length()));
    }
}
