package io.stowage.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
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

    /** The checkpoint of this partition's restore, if the file holds one; another restore's unfinished one is refused. */
    static Optional<RestoreCheckpoint> load(Path file, String restore) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        boolean complete = Boolean.parseBoolean(p.getProperty("complete", "false"));
        if (!restore.equals(p.getProperty("restore"))) {
            if (complete) {
                return Optional.empty();
            }
            throw new InvalidInputException("the checkpoint " + file + " belongs to another restore ("
                    + p.getProperty("restore") + "); pass --restart to start over, or --checkpoint-dir to use another"
                    + " directory");
        }
        return Optional.of(new RestoreCheckpoint(restore, p.getProperty("cursor", ""),
                Long.parseLong(p.getProperty("restored", "0")), Long.parseLong(p.getProperty("start", "0")), complete));
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
        ReplayCheckpoint.writeAtomically(file, p, "stowage restore checkpoint of one partition: run the same command"
                + " again to resume");
    }
}
