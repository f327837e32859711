package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.whatsapp.WhatsAppWebhookHandler;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one fresh JVM does in the cold-start benchmark, as Lambda would: construct the handler through its
 * no-arg constructor (configuration from the environment) and handle one signed webhook; or, for the floor,
 * construct and invoke an empty handler. Prints one line: {@code status init_ms invoke_ms}.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        try {
            long start = System.nanoTime();
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler =
                    "empty".equals(args[0]) ? new EmptyHandler() : new WhatsAppWebhookHandler();
            long constructed = System.nanoTime();
            APIGatewayV2HTTPResponse response = handler.handleRequest(
                    SignedWebhooks.whatsAppText(args[1], "wamid.cold." + args[1], 1763805600L), null);
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
            String[] parts = output.trim().split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
        }
    }

    /**
     * Starts a fresh JVM that runs this probe with the deployable jar first on its class path.
     *
     * @param deployableJar the function's jar as Lambda would load it
     * @param env           the function's environment (endpoints, tables, secrets)
     * @param mode          "whatsapp" or "empty"
     */
    public static Run runFreshJvm(Path deployableJar, Map<String, String> env, String mode, String waId)
            throws IOException, InterruptedException {
        String probeLocation;
        try {
            probeLocation = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = Files.createTempFile("cold-start", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                    "-cp", deployableJar + File.pathSeparator + probeLocation, ColdStartProbe.class.getName(), mode, waId)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, -1, "timed out");
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            return new Run(wall, process.exitValue(), Files.readString(output).trim());
        } finally {
            Files.deleteIfExists(output);
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
