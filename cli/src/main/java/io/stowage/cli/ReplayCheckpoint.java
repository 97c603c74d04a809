package io.stowage.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a replay got to: the scan cursor after the last record that Kafka acknowledged, and for
 * which replay (stream, target topic and cluster, filters), so the same command resumes and
 * another one does not. A finished replay keeps its checkpoint, marked complete, so that running
 * it again sends nothing.
 */
record ReplayCheckpoint(String replay, String cursor, long replayed, boolean complete) {

    /** The checkpoint of this replay, if the file holds one (see {@link CheckpointFile#load}). */
    static Optional<ReplayCheckpoint> load(Path file, String replay) throws IOException {
        return CheckpointFile.load(file, "replay", replay, "--checkpoint to use another file").map(p ->
                new ReplayCheckpoint(replay, p.getProperty("cursor", ""), CheckpointFile.number(p, "replayed"),
                        CheckpointFile.complete(p)));
    }

    /** Writes atomically: a crash leaves the old checkpoint or the new one. */
    void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("replay", replay);
        p.setProperty("cursor", cursor);
        p.setProperty("replayed", String.valueOf(replayed));
        p.setProperty("complete", String.valueOf(complete));
        CheckpointFile.writeAtomically(file, p, "stowage replay checkpoint: run the same command again to resume");
    }
}
