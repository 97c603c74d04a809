package io.stowage.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a replay got to: the scan cursor after the last record that Kafka acknowledged, and for
 * which replay (stream, target topic and cluster, filters), so the same command resumes and
 * another one does not. A finished replay keeps its checkpoint, marked complete, so that running
 * it again sends nothing.
 */
record ReplayCheckpoint(String replay, String cursor, long replayed, boolean complete) {

    /**
     * The checkpoint of this replay, if the file holds one. A finished checkpoint of another replay
     * is left out (it is overwritten); an unfinished one is refused, so a replay in progress is
     * never forgotten by mistake.
     */
    static Optional<ReplayCheckpoint> load(Path file, String replay) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        boolean complete = Boolean.parseBoolean(p.getProperty("complete", "false"));
        if (!replay.equals(p.getProperty("replay"))) {
            if (complete) {
                return Optional.empty();
            }
            throw new InvalidInputException("the checkpoint " + file + " belongs to another replay ("
                    + p.getProperty("replay") + "); pass --restart to start over, or --checkpoint to use another file");
        }
        return Optional.of(new ReplayCheckpoint(replay, p.getProperty("cursor", ""),
                Long.parseLong(p.getProperty("replayed", "0")), complete));
    }

    /** Writes atomically: a crash leaves the old checkpoint or the new one. */
    void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("replay", replay);
        p.setProperty("cursor", cursor);
        p.setProperty("replayed", String.valueOf(replayed));
        p.setProperty("complete", String.valueOf(complete));
        writeAtomically(file, p, "stowage replay checkpoint: run the same command again to resume");
    }

    /** Writes properties so that a crash leaves the old file or the new one, never a torn one (also for restore). */
    static void writeAtomically(Path file, Properties p, String comment) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.io.StringWriter text = new java.io.StringWriter();
        p.store(text, comment);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            ch.force(true); // on disk before it replaces the old checkpoint
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
