package io.switchboard.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local keeps its tables in SQLite through sqlite4java, which loads its JNI library by file name from
 * the directory in the {@code sqlite4java.library.path} system property. The build copies the libraries into
 * the classes (resources {@code sqlite4java-natives/}); here they are extracted to a temporary directory, the
 * same way from the test classpath and from inside the runnable jar.
 */
final class SqliteNatives {

    static final String PROPERTY = "sqlite4java.library.path";
    private static final String RESOURCE_DIR = "sqlite4java-natives/";
    /** The names sqlite4java derives from os.name/os.arch (the Maven artifacts minus their version). */
    private static final List<String> LIBRARIES = List.of(
            "libsqlite4java-linux-amd64.so", "libsqlite4java-osx.dylib", "sqlite4java-win32-x64.dll");

    private static final Logger LOG = LoggerFactory.getLogger(SqliteNatives.class);

    private SqliteNatives() {
    }

    /** Sets {@code sqlite4java.library.path} unless someone already did. Idempotent. */
    static synchronized void install() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("switchboard-sqlite4java");
            dir.toFile().deleteOnExit();
            int extracted = 0;
            for (String library : LIBRARIES) {
                try (InputStream in = SqliteNatives.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + library)) {
                    if (in == null) {
                        continue;
                    }
                    Path target = dir.resolve(library);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().deleteOnExit();
                    extracted++;
                }
            }
            if (extracted == 0) {
                throw new IllegalStateException("no sqlite4java native library among the resources " + RESOURCE_DIR
                        + " (the infra build copies them in generate-resources: run `mvn -pl infra/local-cloud process-resources`)");
            }
            System.setProperty(PROPERTY, dir.toString());
            LOG.debug("sqlite4java natives extracted to {}", dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the sqlite4java native libraries", e);
        }
    }
}
