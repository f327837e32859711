package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.config.InvocationContext;
import io.switchboard.whatsapp.WhatsAppWebhookHandler;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one fresh JVM does in the cold-start benchmark, as Lambda would: construct the handler through its
 * no-arg constructor (configuration from the environment) and handle one signed webhook with a Lambda Context;
 * the same for the hand-written {@link PlainWebhookHandler} baseline; or, for the floors, an empty handler or
 * nothing at all. Prints one line: {@code status init_ms invoke_ms}.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        if ("jvm".equals(args[0])) {
            // The empty-JVM floor: what starting any Java process costs here, before a class of ours loads.
            System.out.println("200 0 0");
            System.exit(0);
        }
        try {
            long start = System.nanoTime();
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = switch (args[0]) {
                case "empty" -> new EmptyHandler();
                case "plain" -> new PlainWebhookHandler();
                default -> new WhatsAppWebhookHandler();
            };
            long constructed = System.nanoTime();
            // Lambda hands every invocation a Context; so does the probe.
            APIGatewayV2HTTPResponse response = handler.handleRequest(
                    SignedWebhooks.whatsAppText(args[1], args.length > 2 ? args[2] : "wamid.cold." + args[1], 1763805600L),
                    new InvocationContext("switchboard-cold-start", 15, 1024, org.slf4j.LoggerFactory.getLogger(ColdStartProbe.class)));
            long handled = System.nanoTime();
            System.out.println(response.getStatusCode() + " " + (constructed - start) / 1_000_000 + " "
                    + (handled - constructed) / 1_000_000);
            System.exit(response.getStatusCode() == 200 ? 0 : 1);
        } catch (Throwable failure) {
            // Exit even though the handler's threads may still run: the caller waits for this JVM to end.
            System.out.println("failed " + failure);
            System.exit(2);
        }
    }

    /** One probe run in a fresh JVM with the flags template.yaml gives Lambda. */
    public record Run(long wallMillis, int exitCode, String output) {
        /** {@code [status, init ms, invoke ms]} from a successful run's output. */
        long[] figures() {
            // The last line: the function's own log lines (JSON on stdout, as on Lambda) come before it.
            String[] parts = output.trim().lines().reduce((first, last) -> last).orElse("").split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
        }
    }

    /**
     * Starts a fresh JVM that runs this probe with the deployable jar first on its class path.
     *
     * @param deployableJar the function's code: its jar, or the jar unpacked ({@link #unpacked}) as Lambda runs it
     * @param env           the function's environment (endpoints, tables, secrets)
     * @param mode          "whatsapp", "plain" (the hand-written baseline), "empty" (a handler that only answers)
     *                      or "jvm" (no handler at all)
     */
    public static Run runFreshJvm(Path deployableJar, Map<String, String> env, String mode, String waId)
            throws IOException, InterruptedException {
        return runFreshJvm(deployableJar, env, List.of(), mode, waId, "wamid.cold." + waId);
    }

    /** As above, with extra JVM options (e.g. class-load logging) and the message id to send. */
    public static Run runFreshJvm(Path deployableJar, Map<String, String> env, List<String> jvmOptions, String mode,
                                  String waId, String wamid) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = Files.createTempFile("cold-start", ".txt");
        Path errors = Files.createTempFile("cold-start", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", deployableJar + File.pathSeparator + probeClasses(),
                    ColdStartProbe.class.getName(), mode, waId, wamid));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectError(errors.toFile())
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, -1, "timed out");
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            String printed = Files.readString(output).trim();
            if (process.exitValue() != 0) {
                String stderr = Files.readString(errors).trim();
                printed += " / stderr: " + stderr.substring(Math.max(0, stderr.length() - 2000));
            }
            return new Run(wall, process.exitValue(), printed);
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }

    /**
     * A directory holding only the probe's own classes. Not this module's jar or classes directory: those carry
     * the whole local cloud (and their Micronaut bean references), which the fresh JVM would then find and load
     * where the deployable jar lacks something; the measurement is of the deployable jar alone.
     */
    private static synchronized Path probeClasses() throws IOException {
        if (probeClasses == null) {
            Path dir = Files.createTempDirectory("cold-start-probe");
            for (Class<?> type : List.of(ColdStartProbe.class, ColdStartProbe.EmptyHandler.class, ColdStartProbe.Run.class, PlainWebhookHandler.class,
                    SignedWebhooks.class, InvocationContext.class)) {
                copyClass(type.getName(), dir);
                // Nested and anonymous classes (InvocationContext's logger, the probe's switch).
                for (int i = 1; i < 5; i++) {
                    copyClass(type.getName() + "$" + i, dir);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            probeClasses = dir;
        }
        return probeClasses;
    }

    private static Path probeClasses;

    private static void copyClass(String className, Path dir) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        try (InputStream in = ColdStartProbe.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The deployable jar unpacked into a fresh directory, as Lambda unpacks a function's package into
     * {@code /var/task} and runs its classes from there (https://docs.aws.amazon.com/lambda/latest/dg/java-package.html);
     * deleted when this JVM exits.
     */
    public static Path unpacked(Path deployableJar) throws IOException {
        Path task = Files.createTempDirectory("var-task");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(deployableJar.toFile())) {
            for (java.util.zip.ZipEntry entry : java.util.Collections.list(zip.entries())) {
                Path target = task.resolve(entry.getName()).normalize();
                if (!target.startsWith(task)) {
                    throw new IOException("entry outside the package: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(task)));
        return task;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    /** The floor: a handler that does nothing but answer. */
    static final class EmptyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent input,
                                                      com.amazonaws.services.lambda.runtime.Context context) {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("ok").build();
        }
    }
}
