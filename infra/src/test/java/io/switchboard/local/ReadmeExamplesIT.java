package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README, run as a new user runs it, after {@code mvn package} (failsafe: the integration-test phase): its run
 * command's {@code java -jar infra/target/switchboard-local.jar} started from the repository root with no
 * Switchboard setting in the environment, then every bash example that talks to the local cloud, in README order,
 * in one shell, taken from README.md itself so that they cannot drift apart. The ports are moved off 3000, 8000 and
 * 9324 (in the command and the examples alike) so that a developer's own local cloud does not collide with it.
 * Examples that deploy to or call AWS (sam, amazonaws.com) and the build commands are not run here.
 */
class ReadmeExamplesIT {

    private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);
    private static final long DEADLINE_SECONDS = 120;

    @Test
    void theRunCommandAndEveryLocalExampleWorkInOrder() throws Exception {
        Path root = TestTemplates.project().toAbsolutePath().getParent();
        String readme = Files.readString(root.resolve("README.md"));
        List<String> blocks = new ArrayList<>();
        Matcher block = BASH_BLOCK.matcher(readme);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        Matcher run = Pattern.compile("&& java -jar (\\S+)\\s*$").matcher(blocks.get(0).strip());
        assertTrue(run.find(), "the README's first command builds, then runs the jar: " + blocks.get(0));
        Path jar = root.resolve(run.group(1));
        assertTrue(Files.isRegularFile(jar), jar + " (built by the package phase before this test)");

        int port = freePort();
        int dynamoDbPort = freePort();
        int sqsPort = freePort();
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", run.group(1), "--port", String.valueOf(port), "--dynamodb-port", String.valueOf(dynamoDbPort),
                "--sqs-port", String.valueOf(sqsPort)).directory(root.toFile()).redirectErrorStream(true);
        // "No environment at all": nothing of Switchboard's, every secret at its development default.
        command.environment().keySet().removeIf(name -> Main.DEVELOPMENT_DEFAULTS.containsKey(name)
                || name.startsWith("AWS_") || name.startsWith("SWITCHBOARD_") || name.startsWith("TWILIO_"));
        Process cloud = command.start();
        // Read while the reader thread appends: a copy-on-write list iterates a snapshot.
        List<String> cloudOutput = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(cloud, cloudOutput), "readme-cloud-output");
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            while (cloudOutput.stream().noneMatch(line -> line.startsWith("Switchboard local cloud ready in "))) {
                assertTrue(cloud.isAlive(), "the local cloud stopped: " + String.join("\n", cloudOutput));
                assertTrue(System.nanoTime() < deadline, "not ready within " + DEADLINE_SECONDS + " s: " + String.join("\n", cloudOutput));
                Thread.sleep(200);
            }
            assertFalse(cloudOutput.stream().anyMatch(line -> line.contains("MISSING")), String.join("\n", cloudOutput));

            StringBuilder script = new StringBuilder("""
                    set -euo pipefail
                    if ! command -v aws >/dev/null 2>&1; then
                      aws() { echo "skipped: the AWS CLI is not installed (aws $*)" >&2; }
                    fi
                    """);
            int examplesRun = 0;
            for (String example : blocks) {
                if (!example.contains("localhost") || example.contains("amazonaws.com") || example.contains("mvn ")
                        || example.contains("sam ")) {
                    continue;
                }
                examplesRun++;
                script.append("echo '### README example ").append(examplesRun).append("'\n")
                        .append(example.replace("localhost:3000", "localhost:" + port)
                                .replace("localhost:9324", "localhost:" + sqsPort)
                                .replace("localhost:8000", "localhost:" + dynamoDbPort))
                        .append('\n');
            }
            assertTrue(examplesRun >= 7, "the README's local examples: " + examplesRun);
            Path file = Files.createTempFile("readme-examples-", ".sh");
            Files.writeString(file, script);
            Process examples = new ProcessBuilder("bash", file.toString()).directory(root.toFile())
                    .redirectErrorStream(true).start();
            List<String> output = new ArrayList<>();
            readLines(examples, output);
            assertTrue(examples.waitFor(10, TimeUnit.MINUTES), "the examples finished");
            String text = String.join("\n", output);
            assertEquals(0, examples.exitValue(), text);
            assertTrue(text.contains("1158201444"), "the handshake's challenge came back: " + text);
            assertTrue(text.contains("HTTP/1.1 200"), text);
            List<String> failed = output.stream().filter(line -> line.matches("HTTP/1\\.1 [45]\\d\\d.*")
                    || line.matches(".*\"status\"\\s*:\\s*[45]\\d\\d.*")).toList();
            assertEquals(List.of(), failed, "no example may answer 4xx/5xx: " + text);
            assertTrue(text.contains("\"status\": \"ok\""), "the health endpoint: " + text);
            boolean awsCli = new ProcessBuilder("bash", "-c", "command -v aws").start().waitFor() == 0;
            if (awsCli) {
                assertTrue(text.contains("\"type\": \"switchboard.customer.created\""), "events read with jq: " + text);
            } else {
                assertTrue(text.contains("skipped: the AWS CLI is not installed"), text);
            }
            Files.deleteIfExists(file);
        } finally {
            cloud.destroy();
            if (!cloud.waitFor(30, TimeUnit.SECONDS)) {
                cloud.destroyForcibly();
            }
        }
    }

    private static void readLines(Process process, List<String> into) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                into.add(line);
            }
        } catch (IOException e) {
            into.add("(output ended: " + e + ")");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
