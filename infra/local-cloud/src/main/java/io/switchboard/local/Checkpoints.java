package io.switchboard.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Stream positions already handed to a function (the role of the Lambda event source mapping's own state).
 * Kept in memory, and in a small properties file when the local cloud has a data directory, so that a restart
 * resumes where it stopped instead of announcing the whole stream again.
 */
final class Checkpoints {

    private final Path file;
    private final Properties positions = new Properties();

    /** @param file null to keep them in memory only */
    Checkpoints(Path file) {
        this.file = file;
        if (file != null && Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                positions.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read stream checkpoints " + file, e);
            }
        }
    }

    synchronized Optional<String> get(String key) {
        return Optional.ofNullable(positions.getProperty(key));
    }

    synchronized void put(String key, String value) {
        if (value.equals(positions.getProperty(key))) {
            return;
        }
        positions.setProperty(key, value);
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                positions.store(writer, "DynamoDB stream positions delivered by the local cloud; delete to replay");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write stream checkpoints " + file, e);
        }
    }
}
