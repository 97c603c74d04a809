package io.stowage.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stowage process killed without a clean shutdown leaves its PostgreSQL child running with
 * the data directory locked. Before starting, stop such a leftover server, so that the next start
 * on the same data directory works instead of failing on the lock.
 */
final class StalePostmaster {
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {}

    static void clear(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (RuntimeException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !isPostgres(process.get())) {
            return; // PostgreSQL itself removes a lock file whose process is gone
        }
        if (process.get().parent().isPresent() && process.get().parent().get().pid() != 1
                && process.get().parent().get().isAlive()
                && process.get().parent().get().info().command().map(c -> c.contains("java")).orElse(false)) {
            throw new IOException("PostgreSQL of another running Stowage process (pid "
                    + process.get().parent().get().pid() + ") holds " + dataDir
                    + "; stop it or set STOWAGE_DATA_DIR to another directory");
        }
        log.warn("Stopping a PostgreSQL server (pid {}) left running on {} by a process that did not shut down cleanly",
                pid, dataDir);
        process.get().destroy();
        process.get().onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("postgres")).orElse(false);
    }
}
