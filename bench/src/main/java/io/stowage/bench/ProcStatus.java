package io.stowage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Memory and CPU figures of a process from {@code /proc/<pid>/status} and {@code /proc/<pid>/stat} (Linux). */
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

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ): 100 on every Linux the JDK runs on. */
    private static final long TICKS_PER_SECOND = 100;

    /** CPU time the process has used so far (user + system, all threads), in nanoseconds. */
    static Optional<Long> cpuNanos(long pid) {
        try {
            return Optional.of(parseCpuNanos(Files.readString(Path.of("/proc", String.valueOf(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** utime + stime (fields 14 and 15) of a stat line; the command name in parentheses may hold spaces. */
    static long parseCpuNanos(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state), so field n is f[n - 3]
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
