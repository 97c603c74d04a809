package io.stowage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (Linux): user plus system time, in clock
 * ticks of 10 ms (the kernel's USER_HZ, 100 on every Linux of this kind). B1 reads it before and
 * after a run to say where the machine's CPU went per record: the worker, the server, PostgreSQL,
 * and this process (the Kafka broker and the S3 server); B5 and B7 read the server's (and B7
 * PostgreSQL's) the same way. Per thread ({@code /proc/<pid>/task}), B1 and B7 read the server's
 * JIT compiler apart, B1 the S3 server, and B2 the gRPC threads of its transport's floor. 0 where
 * there is no {@code /proc}.
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

    /**
     * CPU seconds used so far by the JIT compiler threads (C1 and C2) of the JVM {@code pid}: work a
     * long-running server has done, which a fresh one still does. 0 where unknown.
     */
    static double compilerSeconds(long pid) {
        // HotSpot names them "C1 CompilerThread0", "C2 CompilerThread0", ...; Linux keeps 15 characters
        return threadSeconds(pid, name -> name.contains("CompilerThre"));
    }

    /** CPU seconds used so far by the gRPC threads (netty's event loops, the call executors) of {@code pid}. */
    static double grpcSeconds(long pid) {
        return threadSeconds(pid, name -> name.startsWith("grpc-"));
    }

    /** CPU seconds used so far by this JVM's S3 server (S3Proxy's request threads). */
    static double s3ServerSeconds() {
        return threadSeconds(ProcessHandle.current().pid(), name -> name.startsWith("S3Proxy"));
    }

    /**
     * CPU seconds used so far by the threads of {@code pid} whose name {@code named} accepts; 0 where
     * unknown. A thread that ended between two readings takes what it used with it, so a difference
     * of two readings can fall short: these pools (the compiler's, S3Proxy's, gRPC's) keep their
     * threads while work comes at the pace of a benchmark.
     */
    private static double threadSeconds(long pid, Predicate<String> named) {
        try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            return threads.mapToLong(t -> threadTicks(t, named)).sum() * SECONDS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long threadTicks(Path thread, Predicate<String> named) {
        try {
            String stat = Files.readString(thread.resolve("stat"));
            return named.test(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))) ? ticks(stat) : 0;
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended meanwhile: what it used is lost with it
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

    /**
     * CPU time of the processes of one run, read at its start and at its end: the worker, the
     * server (and, within it, its JIT compiler threads), PostgreSQL, and this JVM (the Kafka broker,
     * the S3 server, the bench's own threads and their collector and compiler; and, within it, the
     * S3 server's request threads).
     */
    record Split(double worker, double server, double serverCompiler, double postgres, double bench, double s3) {
        Split minus(Split before) {
            return new Split(worker - before.worker, server - before.server, serverCompiler - before.serverCompiler,
                    postgres - before.postgres, bench - before.bench, s3 - before.s3);
        }

        /** Microseconds of CPU per record, by process. */
        String perRecord(long records) {
            double us = 1e6 / records;
            return String.format(Locale.ROOT, "CPU per record: worker %.1f µs, server %.1f µs (its JIT compiler %.1f µs),"
                    + " PostgreSQL %.1f µs, Kafka + S3 server + bench %.1f µs (the S3 server's request threads %.1f µs)",
                    worker * us, server * us, serverCompiler * us, postgres * us, bench * us, s3 * us);
        }

        /**
         * About the most records per second that {@code cores} could archive if the worker and the
         * server took no CPU at all: what PostgreSQL and this JVM (broker, S3 server, bench) took per
         * record already fills the cores at that rate (taking their CPU per record to stay the same
         * at a higher rate). 0 when nothing was measured.
         */
        double ceilingRecordsPerSecond(long records, int cores) {
            double backends = postgres + bench;
            return backends > 0 ? cores * records / backends : 0;
        }
    }
}
