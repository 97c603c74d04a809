package io.stowage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (Linux): user plus system time, in clock
 * ticks of 10 ms (the kernel's USER_HZ, 100 on every Linux of this kind). B1 reads it before and
 * after a run to say where the machine's CPU went per record: the worker, the server, PostgreSQL,
 * and this process (the Kafka broker and the S3 server); B5 and B7 read the server's (and B7
 * PostgreSQL's) the same way. 0 where there is no {@code /proc}.
 */
final class ProcCpu {
    static final double SECONDS_PER_TICK = 0.01;

    private ProcCpu() {}

    /** CPU seconds used so far by {@code pid}; 0 when it is gone or this is not Linux. */
    static double seconds(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat"))) * SECONDS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU seconds of {@code pid} and of its children (PostgreSQL's postmaster and its backends):
     * the live children's own, and what the children that have exited and been reaped used
     * (cutime + cstime of {@code pid}), so that short-lived backends and autovacuum workers count.
     */
    static double secondsWithChildren(long pid) {
        double own;
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            own = (ticks(stat) + reapedTicks(stat)) * SECONDS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            own = 0;
        }
        try (Stream<ProcessHandle> children = ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children)) {
            return own + children.mapToDouble(c -> seconds(c.pid())).sum();
        }
    }

    /** cutime + cstime of a stat line: the CPU of the children that exited and were waited for. */
    static long reapedTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** utime + stime of a stat line; the command name in parentheses may hold spaces, so fields count from its end. */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // after the name: state is field 3 of the line, utime 14 and stime 15
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The postmaster's pid from {@code postmaster.pid} in a data directory; -1 if unknown. */
    static long postmaster(Path dataDir) {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of the processes of one run, read at its start and at its end. */
    record Split(double worker, double server, double postgres, double bench) {
        Split minus(Split before) {
            return new Split(worker - before.worker, server - before.server, postgres - before.postgres,
                    bench - before.bench);
        }

        /** Microseconds of CPU per record, by process. */
        String perRecord(long records) {
            double us = 1e6 / records;
            return String.format(Locale.ROOT, "CPU per record: worker %.1f µs, server %.1f µs, PostgreSQL %.1f µs,"
                    + " Kafka + S3 server + bench %.1f µs", worker * us, server * us, postgres * us, bench * us);
        }
    }
}
