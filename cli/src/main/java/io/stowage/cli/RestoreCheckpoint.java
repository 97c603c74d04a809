package io.stowage.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the restore of one partition got to: the scan cursor after the last record Kafka
 * acknowledged, how many records were restored, and the target offset the first of them got.
 * Records of one partition occupy consecutive target offsets from {@code start} (an idempotent
 * producer, no transactions, no other writer), so {@code start} and the archive's original
 * offsets are all that translating a consumer group's offset needs, also after a resume.
 */
record RestoreCheckpoint(String restore, String cursor, long restored, long start, boolean complete) {

    /** The checkpoint of this partition's restore, if the file holds one (see {@link CheckpointFile#load}). */
    static Optional<RestoreCheckpoint> load(Path file, String restore) throws IOException {
        return CheckpointFile.load(file, "restore", restore, "--checkpoint-dir to use another directory").map(p ->
                new RestoreCheckpoint(restore, p.getProperty("cursor", ""), CheckpointFile.number(p, "restored"),
                        CheckpointFile.number(p, "start"), CheckpointFile.complete(p)));
    }

    RestoreCheckpoint advance(String newCursor, long more) {
        return new RestoreCheckpoint(restore, newCursor, restored + more, start, false);
    }

    RestoreCheckpoint completed() {
        return new RestoreCheckpoint(restore, cursor, restored, start, true);
    }

    void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("restore", restore);
        p.setProperty("cursor", cursor);
        p.setProperty("restored", String.valueOf(restored));
        p.setProperty("start", String.valueOf(start));
        p.setProperty("complete", String.valueOf(complete));
        CheckpointFile.writeAtomically(file, p, "stowage restore checkpoint of one partition: run the same command"
                + " again to resume");
    }
}
