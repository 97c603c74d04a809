package io.stowage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Memory figures of a process from {@code /proc/<pid>/status} (Linux). */
final class ProcStatus {
    private ProcStatus() {}

    /** A "kB" field such as VmHWM (peak resident set) or VmRSS, in bytes. */
    static Optional<Long> read(long pid, String field) {
        try {
            return parse(Files.readString(Path.of("/proc", String.valueOf(pid), "status")), field);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> parse(String status, String field) {
        return status.lines()
                .filter(l -> l.startsWith(field + ":"))
                .map(l -> Long.parseLong(l.substring(field.length() + 1).replace("kB", "").trim()) * 1024)
                .findFirst();
    }
}
