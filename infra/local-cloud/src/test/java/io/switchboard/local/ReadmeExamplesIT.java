package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README and the docs pages that hold local commands, run as a new user runs them, in the order the README tells
 * a newcomer to read them ({@link #PAGES_IN_ORDER}), after {@code mvn package} (failsafe: the integration-test phase):
 * the README's run command's {@code java -jar infra/local-cloud/target/switchboard-local.jar} started from the repository root
 * with no Switchboard setting in the environment, then every bash example that talks to the local cloud, page after
 * page, in one shell, taken from the pages themselves so that they cannot drift apart. The ports are moved off 3000,
 * 8000, 9324 and 4572 (in the command and the examples alike) so that a developer's own local cloud does not collide with
 * it. Examples that deploy to or call AWS (sam, amazonaws.com) and the build commands are not run here.
 *
 * <p>Exit codes and HTTP statuses are not enough: a reply example can be accepted (202, an SQS message id) and still
 * come to nothing. So after the script the test reads what the functions published (the console's state, which sees
 * every message a function sends to a queue without taking it off the queue) and requires, for every reply example's
 * command id, a {@code switchboard.message.sent} whose {@code data.entry.status} is not {@code failed} and no
 * {@code switchboard.command.rejected}; and for every webhook example, its {@code switchboard.message.received}.
 * Where the AWS CLI is missing, its examples are stubbed and the command sent with it is not expected.
 *
 * <p>{@code -Dreadme.examples.pages=a.md,b.md} runs other pages (paths from the repository root, or absolute), e.g.
 * an older README, to see this test fail on it.
 */
class ReadmeExamplesIT {

    /** The pages with local examples, in the README's reading order: each continues the session of the ones before. */
    static final List<String> PAGES_IN_ORDER = List.of("README.md", "docs/channels.md", "docs/replies.md",
            "docs/customer-api.md", "docs/consuming-events.md", "docs/local-cloud.md");
    private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);
    /** A send command on the commands queue (the AWS CLI), its id given as the FIFO deduplication id. */
    private static final Pattern SQS_COMMAND_ID = Pattern.compile("--message-deduplication-id\\s+([\\w.-]+)");
    /** A send through the customer API: the command id is the Idempotency-Key. */
    private static final Pattern API_COMMAND_ID = Pattern.compile("Idempotency-Key:\\s*([\\w.-]+)");
    /**
     * The provider message id of each webhook example, by page: the WhatsApp one is the sample body's (read from it),
     * the others are written in the examples (Messenger's mid, Twilio's MessageSid, the emails' Message-IDs; the raw
     * MIME example posts events/message.eml).
     */
    private static final List<String> RECEIVED_IN_EXAMPLES = List.of("m_readme_0001", "SM0001",
            "CAF7plain0001@mail.example.com", "readme-0002@example.com", "readme-0003@example.com");
    private static final long DEADLINE_SECONDS = 120;
    /** Replies go through the outbound function and the fan-out after the script: generous, polled. */
    private static final long OUTCOME_DEADLINE_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theRunCommandAndEveryLocalExampleWorkInOrder() throws Exception {
        Path root = TestTemplates.project().toAbsolutePath().getParent();
        List<String> pages = System.getProperty("readme.examples.pages", "").isBlank() ? PAGES_IN_ORDER
                : List.of(System.getProperty("readme.examples.pages").split(","));
        List<String> blocks = new ArrayList<>();
        for (String page : pages) {
            Matcher block = BASH_BLOCK.matcher(Files.readString(root.resolve(page.strip())));
            while (block.find()) {
                blocks.add(block.group(1));
            }
        }
        Matcher run = Pattern.compile("&& java -jar (\\S+)\\s*$").matcher(blocks.get(0).strip());
        assertTrue(run.find(), "the README's first command builds, then runs the jar: " + blocks.get(0));
        Path jar = root.resolve(run.group(1));
        assertTrue(Files.isRegularFile(jar), jar + " (built by the package phase before this test)");

        int port = freePort();
        int dynamoDbPort = freePort();
        int sqsPort = freePort();
        int s3Port = freePort();
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", run.group(1), "--port", String.valueOf(port), "--dynamodb-port", String.valueOf(dynamoDbPort),
                "--sqs-port", String.valueOf(sqsPort), "--s3-port", String.valueOf(s3Port)).directory(root.toFile())
                .redirectErrorStream(true);
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
            StringBuilder examplesText = new StringBuilder();
            for (String example : blocks) {
                if (!example.contains("localhost") || example.contains("amazonaws.com") || example.contains("mvn ")
                        || example.contains("sam ")) {
                    continue;
                }
                examplesRun++;
                examplesText.append(example).append('\n');
                script.append("echo '### example ").append(examplesRun).append("'\n")
                        .append(example.replace("localhost:3000", "localhost:" + port)
                                .replace("localhost:9324", "localhost:" + sqsPort)
                                .replace("localhost:4572", "localhost:" + s3Port)
                                .replace("localhost:8000", "localhost:" + dynamoDbPort))
                        .append('\n');
            }
            assertTrue(examplesRun >= 7, "the local examples of " + pages + ": " + examplesRun);
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

            // The outcomes: every reply example's command sent (not failed, not rejected), every webhook example stored.
            Set<String> commandIds = new LinkedHashSet<>(matches(API_COMMAND_ID, examplesText));
            assertFalse(commandIds.isEmpty(), "the customer API's send example (an Idempotency-Key) is among the examples");
            if (awsCli) {
                List<String> sqsCommands = matches(SQS_COMMAND_ID, examplesText);
                assertFalse(sqsCommands.isEmpty(), "the SQS reply example (a deduplication id) is among the examples");
                commandIds.addAll(sqsCommands);
            }
            List<String> received = new ArrayList<>(RECEIVED_IN_EXAMPLES);
            received.add(0, JSON.readTree(root.resolve("events/whatsapp-text-message.body.json").toFile())
                    .path("entry").path(0).path("changes").path(0).path("value").path("messages").path(0).path("id").asText());
            assertOutcomes(port, commandIds, received, text);
        } finally {
            cloud.destroy();
            if (!cloud.waitFor(30, TimeUnit.SECONDS)) {
                cloud.destroyForcibly();
            }
        }
    }

    /**
     * Polls the console's state until every command has its {@code message.sent} and every webhook example its
     * {@code message.received}; then no command may have been rejected or have failed.
     */
    private static void assertOutcomes(int port, Set<String> commandIds, List<String> providerMessageIds, String output)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest state = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/console/state"))
                .header("Authorization", "Bearer " + Main.DEVELOPMENT_DEFAULTS.get("SWITCHBOARD_API_TOKEN")).GET().build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(OUTCOME_DEADLINE_SECONDS);
        Map<String, List<String>> sentStatuses = new LinkedHashMap<>();
        Map<String, String> rejections = new LinkedHashMap<>();
        Set<String> receivedIds = new LinkedHashSet<>();
        while (true) {
            HttpResponse<String> answer = http.send(state, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            sentStatuses.clear();
            rejections.clear();
            receivedIds.clear();
            for (JsonNode published : JSON.readTree(answer.body()).path("events")) {
                JsonNode data = published.path("event").path("data");
                switch (published.path("type").asText()) {
                    case "switchboard.message.sent" -> sentStatuses.computeIfAbsent(
                            data.path("entry").path("details").path("commandId").asText(), id -> new ArrayList<>())
                            .add(data.path("entry").path("status").asText() + " " + data.path("entry").path("statusError"));
                    case "switchboard.command.rejected" -> rejections.put(data.path("commandId").asText(),
                            data.path("code").asText() + ": " + data.path("reason").asText());
                    case "switchboard.message.received" -> receivedIds.add(data.path("entry").path("providerMessageId").asText());
                    default -> { }
                }
            }
            boolean settled = commandIds.stream().allMatch(id -> sentStatuses.containsKey(id) || rejections.containsKey(id))
                    && receivedIds.containsAll(providerMessageIds);
            if (settled || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        // Every shortfall at once: a broken page usually breaks more than one example.
        List<String> problems = new ArrayList<>();
        for (String id : commandIds) {
            if (rejections.containsKey(id)) {
                problems.add("command " + id + " was rejected: " + rejections.get(id));
            } else if (!sentStatuses.containsKey(id)) {
                problems.add("command " + id + " has no switchboard.message.sent within " + OUTCOME_DEADLINE_SECONDS + " s");
            } else if (sentStatuses.get(id).stream().anyMatch(status -> status.startsWith("failed"))) {
                problems.add("command " + id + " failed: " + sentStatuses.get(id));
            }
        }
        for (String id : providerMessageIds) {
            if (!receivedIds.contains(id)) {
                problems.add("the webhook example of " + id + " was not announced as message.received: " + receivedIds);
            }
        }
        assertEquals(List.of(), problems, output);
    }

    private static List<String> matches(Pattern pattern, CharSequence text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
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
