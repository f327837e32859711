import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Writes infra/jar-trim/shade-filters.pom.xml: the shade filters that leave out of each function's deployable jar
 * the library classes no function can reach. Run by regenerate.sh (which first builds every function's jar with the
 * hand-written filters of the root pom only, "-untrimmed", and lists each function's runtime dependencies); see
 * docs/jars.md. Deterministic: the output depends only on those jars and dependency lists.
 *
 * Method, per function jar: the closure, by the class names in class files' constant pools (class entries,
 * descriptors and generic signatures, annotations, and every string constant that names a class of the jar, dotted
 * or slashed, so a Class.forName name is followed), from these roots: every class of ours (io.switchboard) and of
 * the Lambda runtime's libraries (aws-lambda-java-core's classes are named by the runtime itself, the event types
 * are read by its serializer), every class named by a resource (META-INF/services files, the merged
 * Log4j2Plugins.dat, log4j2.properties, the SDK's execution.interceptors, META-INF/micronaut entries, ...), every
 * package-info class (Package.getAnnotation loads them by a built name). For each AWS SDK service module, the
 * client classes (*Client) name every operation's model, marshaller and paginator: their references into model/,
 * transform/ and paginators/ are not followed; instead every *Exception (the client registers them all) is a root,
 * every top-level *Request class is kept but not followed (verifying a client loads them all, nothing more), and an
 * operation is used when a class outside
 * model/ and endpoints/ (whose rule utilities dispatch on every request type) names its request or response: then its
 * response, marshaller and paginator are roots too.
 * A library class outside the closure of every function jar that carries it is left out, written as the shortest
 * name prefixes (or whole folders) that match no kept entry of the same artifact.
 */
public final class JarTrim {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:[./][A-Za-z_$][A-Za-z0-9_$]*)+");
    private static final Pattern SERVICE = Pattern.compile("software/amazon/awssdk/services/([a-z0-9]+)/(.*)");
    private static final Pattern OPERATION_TYPE = Pattern.compile("software/amazon/awssdk/services/([a-z0-9]+)/model/(\\w+)(Request|Response)");
    private static final String INDENT = "                  ";

    /** groupId:artifactId of one dependency, its version and its jar. */
    record Artifact(String key, String version, Path file) {
    }

    private JarTrim() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path output = root.resolve("infra/jar-trim/shade-filters.pom.xml");
        Map<String, Artifact> artifacts = new TreeMap<>();
        Map<String, Set<String>> kept = new TreeMap<>();      // artifact -> entries kept in some jar
        Map<String, Set<String>> present = new TreeMap<>();   // artifact -> class entries present in some jar
        List<Path> functions;
        try (Stream<Path> dirs = Files.list(root.resolve("functions"))) {
            // The modules that build a deployable jar (lambda.jar.name); the send modules are libraries.
            functions = dirs.filter(Files::isDirectory).filter(JarTrim::buildsALambdaJar).sorted().toList();
        }
        for (Path function : functions) {
            Path target = function.resolve("target");
            Path jarPath;
            try (Stream<Path> files = Files.list(target)) {
                jarPath = files.filter(f -> f.getFileName().toString().endsWith("-untrimmed.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no -untrimmed.jar in " + target + ": run regenerate.sh"));
            }
            List<Artifact> dependencies = dependencies(target.resolve("jar-trim-dependencies.txt"));
            Map<String, byte[]> jar = read(jarPath);
            Set<String> reachable = closure(jar, dependencies);
            for (Artifact artifact : dependencies) {
                artifacts.put(artifact.key(), artifact);
                Set<String> own = kept.computeIfAbsent(artifact.key(), k -> new TreeSet<>());
                Set<String> classes = present.computeIfAbsent(artifact.key(), k -> new TreeSet<>());
                for (String entry : entryNames(artifact.file())) {
                    if (!jar.containsKey(entry) || entry.endsWith("/")) {
                        continue;   // left out by the hand-written filters: either way
                    }
                    if (isClass(entry) && !reachable.contains(entry) && trimmed(artifact)) {
                        classes.add(entry);
                    } else {
                        own.add(entry);
                    }
                }
            }
        }
        StringBuilder filters = new StringBuilder();
        for (Artifact artifact : artifacts.values()) {
            if (!trimmed(artifact)) {
                continue;
            }
            Set<String> keep = kept.get(artifact.key());
            Set<String> leftOut = new TreeSet<>(present.get(artifact.key()));
            leftOut.removeAll(keep);
            if (leftOut.isEmpty()) {
                continue;
            }
            filters.append(INDENT).append("<!-- ").append(artifact.key()).append(':').append(artifact.version())
                    .append(": ").append(leftOut.size()).append(" classes. -->\n");
            filters.append(INDENT).append("<filter>\n");
            filters.append(INDENT).append("  <artifact>").append(artifact.key())
                    .append("${function.trim.suffix}${jar.trim.stage}</artifact>\n");
            filters.append(INDENT).append("  <excludes>\n");
            for (String pattern : patterns(leftOut, keep)) {
                filters.append(INDENT).append("    <exclude>").append(pattern).append("</exclude>\n");
            }
            filters.append(INDENT).append("  </excludes>\n");
            filters.append(INDENT).append("</filter>\n");
        }
        String pom = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- GENERATED by infra/jar-trim/regenerate.sh (JarTrim.java): do not edit; see docs/jars.md.
                     The root pom inherits this POM for these shade filters (its own, hand-written, are appended). -->
                <project xmlns="http://maven.apache.org/POM/4.0.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>io.switchboard</groupId>
                  <artifactId>switchboard-jar-trim</artifactId>
                  <version>generated</version>
                  <packaging>pom</packaging>
                  <build>
                    <pluginManagement>
                      <plugins>
                        <plugin>
                          <groupId>org.apache.maven.plugins</groupId>
                          <artifactId>maven-shade-plugin</artifactId>
                          <executions>
                            <execution>
                              <id>lambda-jar</id>
                              <configuration>
                                <filters>
                """ + filters + """
                                </filters>
                              </configuration>
                            </execution>
                          </executions>
                        </plugin>
                      </plugins>
                    </pluginManagement>
                  </build>
                </project>
                """;
        Files.writeString(output, pom);
        System.out.println("wrote " + root.relativize(output));
    }

    private static boolean buildsALambdaJar(Path module) {
        try {
            Path pom = module.resolve("pom.xml");
            return Files.isRegularFile(pom) && Files.readString(pom).contains("<lambda.jar.name>");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Ours and the Lambda runtime's libraries are kept whole (and are roots). */
    private static boolean trimmed(Artifact artifact) {
        return !artifact.key().startsWith("io.switchboard:")
                && !artifact.key().equals("com.amazonaws:aws-lambda-java-core")
                && !artifact.key().equals("com.amazonaws:aws-lambda-java-events");
    }

    private static boolean isClass(String entry) {
        return entry.endsWith(".class") && !entry.startsWith("META-INF/");
    }

    /** maven-dependency-plugin's list (outputAbsoluteArtifactFilename): group:artifact:type[:classifier]:version:scope:/path. */
    private static List<Artifact> dependencies(Path list) throws IOException {
        List<Artifact> result = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            String text = line.strip();
            int module = text.indexOf(" -- ");
            if (module >= 0) {
                text = text.substring(0, module);
            }
            int path = text.indexOf(":/");
            if (path < 0) {
                continue;
            }
            String[] parts = text.substring(0, path).split(":");
            if (parts.length < 5 || !parts[2].equals("jar")) {
                continue;
            }
            Path file = Path.of(text.substring(path + 1));
            if (Files.isRegularFile(file)) {
                result.add(new Artifact(parts[0] + ":" + parts[1], parts[parts.length - 2], file));
            }
        }
        result.sort((a, b) -> a.key().compareTo(b.key()));
        return result;
    }

    private static List<String> entryNames(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).sorted().toList();
        }
    }

    private static Map<String, byte[]> read(Path jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (ZipEntry entry : file.stream().toList()) {
                if (!entry.isDirectory()) {
                    entries.put(entry.getName(), file.getInputStream(entry).readAllBytes());
                }
            }
        }
        return entries;
    }

    private static Set<String> closure(Map<String, byte[]> jar, List<Artifact> dependencies) throws IOException {
        Set<String> roots = new TreeSet<>();
        Set<String> linkedOnly = new TreeSet<>();   // kept for the client's verification, not followed
        Set<String> wholeArtifacts = new HashSet<>();
        for (Artifact artifact : dependencies) {
            if (!trimmed(artifact)) {
                wholeArtifacts.addAll(entryNames(artifact.file()));
            }
        }
        for (Map.Entry<String, byte[]> entry : jar.entrySet()) {
            String name = entry.getKey();
            if (isClass(name)) {
                Matcher service = SERVICE.matcher(name);
                if (service.matches() && service.group(2).matches("model/\\w+Request\\.class")) {
                    linkedOnly.add(name);
                }
                if (name.startsWith("io/switchboard/") || wholeArtifacts.contains(name) || name.endsWith("/package-info.class")
                        || service.matches() && service.group(2).matches("model/\\w+Exception\\.class")) {
                    roots.add(name);
                }
            } else if (!name.equals("META-INF/MANIFEST.MF")) {
                String text = name + "\n" + name.replace('/', '\n') + "\n"
                        + new String(entry.getValue(), StandardCharsets.ISO_8859_1);
                roots.addAll(named(text, jar));
            }
        }
        Set<String> reached = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>(roots);
        while (!queue.isEmpty()) {
            String current = queue.poll();
            if (!reached.add(current)) {
                continue;
            }
            boolean client = isClient(current);
            // model classes name each other, and the endpoint rules' utilities dispatch on every request type
            boolean marksUsed = !client && !current.matches("software/amazon/awssdk/services/[a-z0-9]+/(model|endpoints)/.*");
            for (String target : named(constantPoolText(jar.get(current)), jar)) {
                if (client && target.matches("software/amazon/awssdk/services/[a-z0-9]+/(model|transform|paginators)/.*")) {
                    continue;
                }
                queue.add(target);
                Matcher operation = OPERATION_TYPE.matcher(target.substring(0, target.length() - ".class".length()));
                if (marksUsed && operation.matches()) {
                    String base = "software/amazon/awssdk/services/" + operation.group(1) + "/";
                    for (String used : List.of(base + "model/" + operation.group(2) + "Response.class",
                            base + "transform/" + operation.group(2) + "RequestMarshaller.class",
                            base + "paginators/" + operation.group(2) + "Iterable.class")) {
                        if (jar.containsKey(used)) {
                            queue.add(used);
                        }
                    }
                }
            }
        }
        reached.addAll(linkedOnly);
        return reached;
    }

    /** A service's client interface or implementation: it names every operation's classes. */
    private static boolean isClient(String entry) {
        return entry.matches("software/amazon/awssdk/services/[a-z0-9]+/(.*/)?\\w*Client\\.class");
    }

    /** The class entries of the jar named in a text, slashed or dotted, also in descriptors (Lpkg/Name;). */
    private static Set<String> named(String text, Map<String, byte[]> jar) {
        Set<String> result = new LinkedHashSet<>();
        Matcher matcher = NAME.matcher(text);
        while (matcher.find()) {
            String token = matcher.group();
            List<String> candidates = new ArrayList<>(List.of(token));
            // a descriptor's L, or (in a binary resource such as Log4j2Plugins.dat) the low byte of a string's length
            candidates.add(token.substring(1));
            if (token.endsWith(".class")) {
                candidates.add(token.substring(0, token.length() - ".class".length()));
            }
            for (String candidate : candidates) {
                String entry = candidate.replace('.', '/') + ".class";
                if (jar.containsKey(entry)) {
                    result.add(entry);
                }
            }
        }
        return result;
    }

    /** Every UTF-8 constant of a class file, one a line. */
    private static String constantPoolText(byte[] classFile) {
        StringBuilder text = new StringBuilder();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            for (int index = 1; index < count; index++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> text.append(in.readUTF()).append('\n');
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        index++;
                    }
                    default -> throw new IllegalStateException("constant pool tag " + tag);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    /** Shortest patterns matching every left-out class and no kept entry: a whole folder, else a name prefix. */
    private static Set<String> patterns(Set<String> leftOut, Set<String> keep) {
        Set<String> result = new TreeSet<>();
        for (String entry : leftOut) {
            String[] segments = entry.split("/");
            String pattern = null;
            for (int depth = Math.min(3, segments.length - 1); depth < segments.length && pattern == null; depth++) {
                String folder = String.join("/", List.of(segments).subList(0, depth)) + "/";
                if (keep.stream().noneMatch(k -> k.startsWith(folder))) {
                    pattern = folder + "**";
                }
            }
            if (pattern == null) {
                String folder = entry.substring(0, entry.lastIndexOf('/') + 1);
                String name = entry.substring(folder.length());
                for (int length = 1; length <= name.length() && pattern == null; length++) {
                    String prefix = folder + name.substring(0, length);
                    if (keep.stream().noneMatch(k -> k.startsWith(prefix) && k.indexOf('/', prefix.length()) < 0)) {
                        pattern = prefix + "*";
                    }
                }
            }
            result.add(pattern);
        }
        return result;
    }
}
