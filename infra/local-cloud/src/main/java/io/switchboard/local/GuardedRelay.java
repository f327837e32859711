package io.switchboard.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LoopbackGuard} in front of a server whose requests are signed over their {@code Host} header (S3: SigV4
 * headers and presigned URLs alike), so that a re-sent request as {@link GuardedProxy} makes it would not verify: this
 * relays the bytes of each connection unchanged, after checking the request's head.
 *
 * <p>It reads one request head (request line and header fields, RFC 9112 section 2.1), refuses it as the guard says,
 * and otherwise writes it on to the server on its private loopback port with one change, {@code Connection: close}
 * (hop-by-hop, never signed: the AWS signers leave it out), then relays body and answer in both directions as they
 * come: large uploads stream, {@code Expect: 100-continue} works. Because the server closes the connection after that
 * one answer, every request a client sends arrives on a new connection and through the check; bytes a client pipelines
 * behind the first request are discarded by the server, never served.
 */
final class GuardedRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedRelay.class);
    /** Far above what a client sends (a presigned URL is about 1.5 KB), below what anyone needs. */
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    /** For a request head to arrive; the body and the answer then take as long as they take. */
    private static final int HEAD_TIMEOUT_MILLIS = 60_000;
    /** The fields a relay must not pass on (RFC 9110 section 7.6.1): it says Connection: close instead. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "upgrade");
    private static final Map<Integer, String> REASONS = Map.of(400, "Bad Request", 403, "Forbidden",
            421, "Misdirected Request", 431, "Request Header Fields Too Large");

    private final ServerSocket server;
    private final ExecutorService executor;
    private final int backendPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private GuardedRelay(ServerSocket server, ExecutorService executor, int backendPort) {
        this.server = server;
        this.executor = executor;
        this.backendPort = backendPort;
    }

    /**
     * @param port        the public port, on the loopback interface
     * @param backendPort where the server listens, on the loopback interface
     */
    static GuardedRelay start(String name, int port, int backendPort) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        AtomicInteger threads = new AtomicInteger();
        // Two threads per open connection (one each way); downloads and uploads hold them as long as they last.
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name + "-front-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        GuardedRelay relay = new GuardedRelay(server, executor, backendPort);
        executor.execute(relay::accept);
        return relay;
    }

    InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                executor.execute(() -> relay(client));
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("accept failed: {}", e.toString());
                }
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                return;
            }
        }
    }

    /** A request head: the request line and the header fields in order. */
    private record Head(String method, String target, String version, List<String[]> fields) {

        /** The first value of a field, or null; and whether it appears more than once. */
        String first(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst().orElse(null);
        }

        long count(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).count();
        }

        byte[] forwarded() {
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version).append("\r\n");
            for (String[] field : fields) {
                if (!HOP_BY_HOP.contains(field[0].toLowerCase(Locale.ROOT))) {
                    head.append(field[0]).append(": ").append(field[1]).append("\r\n");
                }
            }
            head.append("Connection: close\r\n\r\n");
            return head.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private void relay(Socket client) {
        open.add(client);
        try (client) {
            client.setSoTimeout(HEAD_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(client.getInputStream());
            byte[] raw;
            try {
                raw = readHead(in);
            } catch (HeadTooLarge tooLarge) {
                refuse(client, in, "GET", 431, "header-too-large", "the request's head is over " + MAX_HEAD_BYTES + " bytes");
                return;
            }
            if (raw == null) {
                return;
            }
            Head head = parse(raw);
            if (head == null) {
                refuse(client, in, "GET", 400, "bad-request", "not an HTTP/1.x request for a path on this server");
                return;
            }
            if (head.count("Host") > 1) {
                refuse(client, in, head.method(), 400, "bad-request", "more than one Host header");
                return;
            }
            Optional<LoopbackGuard.Refusal> refusal = LoopbackGuard.check(head.method(), head.first("Host"),
                    head.first("Origin"), server.getLocalPort());
            if (refusal.isPresent()) {
                answer(client, in, head.method(), refusal.get().status(), refusal.get().problem());
                return;
            }
            client.setSoTimeout(0);
            try (Socket backend = new Socket()) {
                open.add(backend);
                try {
                    backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort), 10_000);
                } catch (IOException unreachable) {
                    // The server behind stopped: the client sees what it would see of a stopped server.
                    LOG.debug("port {} did not answer: {}", backendPort, unreachable.toString());
                    return;
                }
                OutputStream toBackend = backend.getOutputStream();
                toBackend.write(head.forwarded());
                toBackend.flush();
                executor.execute(() -> {
                    try {
                        in.transferTo(toBackend);
                        backend.shutdownOutput();
                    } catch (IOException ended) {
                        // the answer is complete (both sockets closed) or a side went away
                    }
                });
                backend.getInputStream().transferTo(client.getOutputStream());
            } finally {
                open.removeIf(socket -> socket.isClosed());
            }
        } catch (SocketTimeoutException | SocketException gone) {
            LOG.debug("connection ended: {}", gone.toString());
        } catch (IOException e) {
            LOG.debug("relay failed: {}", e.toString());
        } finally {
            open.remove(client);
        }
    }

    private static final class HeadTooLarge extends IOException {
        HeadTooLarge() {
            super("request head too large", null);
        }
    }

    /** The bytes up to and including the empty line; null when the connection closed before a request began. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lineLength = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (head.size() >= MAX_HEAD_BYTES) {
                throw new HeadTooLarge();
            }
            head.write(b);
            if (b == '\n') {
                if (lineLength == 0 && head.size() > 2) {
                    return head.toByteArray();
                }
                if (head.size() <= 2) {
                    // RFC 9112 section 2.2: empty lines before the request line are ignored.
                    head.reset();
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
    }

    /** Null for what is not an HTTP/1.x request in origin form ({@code /path}, or {@code *} for OPTIONS). */
    private static Head parse(byte[] raw) {
        String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r?\n");
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[0].isEmpty()
                || !(requestLine[1].startsWith("/") || requestLine[1].equals("*"))) {
            // An absolute-form target (http://host/path) would name an authority other than the Host checked here.
            return null;
        }
        List<String[]> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (line.isEmpty()) {
                continue;
            }
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.substring(0, colon).contains(" ")) {
                // A folded line or no field name: refused, as RFC 9112 section 5.2 allows.
                return null;
            }
            fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
        }
        return new Head(requestLine[0], requestLine[1], requestLine[2], fields);
    }

    private static void refuse(Socket client, InputStream in, String method, int status, String code, String detail)
            throws IOException {
        answer(client, in, method, status, LocalProblem.body(status, code, REASONS.get(status), detail));
    }

    /** A problem answer, then the connection closed once the client had the chance to read it. */
    private static void answer(Socket client, InputStream in, String method, int status, byte[] problem) throws IOException {
        boolean head = method.equalsIgnoreCase("HEAD");
        String start = "HTTP/1.1 " + status + " " + REASONS.getOrDefault(status, "Refused") + "\r\n"
                + "Content-Type: " + LocalProblem.CONTENT_TYPE + "\r\n"
                + "Content-Length: " + problem.length + "\r\n"
                + "Connection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(start.getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(problem);
        }
        out.flush();
        client.shutdownOutput();
        // Read what the client still sends (a body) for a moment: closing with unread bytes would reset the
        // connection, and the client could lose the answer.
        client.setSoTimeout(2_000);
        try {
            byte[] drain = new byte[8192];
            long total = 0;
            int n;
            while (total < (1 << 20) && (n = in.read(drain)) > 0) {
                total += n;
            }
        } catch (IOException ignored) {
            // gone or quiet: close now
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing port {}: {}", server.getLocalPort(), e.toString());
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        executor.shutdownNow();
    }
}
