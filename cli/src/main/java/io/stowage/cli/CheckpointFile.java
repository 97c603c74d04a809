package io.stowage.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * A checkpoint of replay or restore on disk: properties naming the run they belong to, with a
 * {@code complete} flag, written so that a crash leaves the old file or the new one.
 */
final class CheckpointFile {
    private CheckpointFile() {}

    /**
     * The checkpoint's properties when it belongs to this run. A finished checkpoint of another run
     * is left out (it will be overwritten); an unfinished one is refused, so a run in progress is
     * never forgotten by mistake.
     *
     * @param owner the property naming the run ("replay", "restore")
     * @param otherFileHint what to pass to use another file or directory
     */
    static Optional<Properties> load(Path file, String owner, String run, String otherFileHint) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        if (!run.equals(p.getProperty(owner))) {
            if (complete(p)) {
                return Optional.empty();
            }
            throw new InvalidInputException("the checkpoint " + file + " belongs to another " + owner + " ("
                    + p.getProperty(owner) + "); pass --restart to start over, or " + otherFileHint);
        }
        return Optional.of(p);
    }

    static boolean complete(Properties p) {
        return Boolean.parseBoolean(p.getProperty("complete", "false"));
    }

    static long number(Properties p, String name) {
        return Long.parseLong(p.getProperty(name, "0"));
    }

    /** Writes properties so that a crash leaves the old file or the new one, never a torn one. */
    static void writeAtomically(Path file, Properties p, String comment) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringWriter text = new StringWriter();
        p.store(text, comment);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1)));
            ch.force(true); // on disk before it replaces the old checkpoint
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
