package io.stowage.export;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Where an import stopped: the (time, id) of the last source document whose batch was stored,
 * and the counts so far. Written after every stored batch (temp file, then an atomic rename), so
 * an import run again starts right after it.
 */
record ImportCheckpoint(long timeMillis, String id, long read, long stored, long rejected) {

    static final ImportCheckpoint START = new ImportCheckpoint(Long.MIN_VALUE, "", 0, 0, 0);

    static Optional<ImportCheckpoint> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new ImportCheckpoint(Long.parseLong(p.getProperty("time")), p.getProperty("id"),
                    Long.parseLong(p.getProperty("read")), Long.parseLong(p.getProperty("stored")),
                    Long.parseLong(p.getProperty("rejected"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the import checkpoint " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the import checkpoint " + file + " is damaged (" + e.getMessage()
                    + "): delete it to import from the beginning", e);
        }
    }

    void save(Path file) {
        Properties p = new Properties();
        p.setProperty("time", Long.toString(timeMillis));
        p.setProperty("id", id);
        p.setProperty("read", Long.toString(read));
        p.setProperty("stored", Long.toString(stored));
        p.setProperty("rejected", Long.toString(rejected));
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "stowage import: where it stopped");
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the import checkpoint " + file, e);
        }
    }
}
