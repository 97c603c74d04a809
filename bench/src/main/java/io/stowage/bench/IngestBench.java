package io.stowage.bench;

import io.stowage.testing.Http;
import io.stowage.testing.PrometheusText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * B1, ingest end to end: records on an in-process broker archived by {@code stowage ingest} (its
 * own JVM) into {@code stowage server} (S3 and PostgreSQL) until every offset is committed; beside
 * it, on the same topic in the same run, a plain consumer (the limit) and Kafka Connect's
 * FileStreamSink (a peer). Also measures B6: the peak memory of the worker and the server.
 */
final class IngestBench {
    private static final String CONSUMED = "stowage_ingest_records_consumed_total";
    private static final int MIN_WARMUP_ROUNDS = 3;
    private static final int MAX_WARMUP_ROUNDS = 8;

    private final Sizes sizes;
    private final Backends backends;
    private final Stowage stowage;
    private final ServerProcess server;
    private final ConnectPeer connect;
    private final Path logDir;
    private long archivedRecords;
    private long archivedPayload;

    /** The figures of one run. */
    record RunFigures(Throughput stowage, Throughput raw, Throughput connect, long workerPeak, long connectPeak,
            boolean workerHeld, ProcCpu.Split cpu) {}

    /** Everything B1 measured, and what it stored (for B4 and B5). */
    record Outcome(List<RunFigures> runs, long serverPeak, long records, long payloadBytes,
            Optional<Path> workerRecording, Optional<Path> serverRecording, ServerTime serverTime, int warmUpRounds) {}

    /**
     * Where the server's PutBatch time went during the measured runs, from its own metrics: calls
     * and mean latency of PutBatch and of the S3 PUTs inside it.
     */
    record ServerTime(double putBatches, double putBatchMeanMs, double s3Puts, double s3PutMeanMs) {
        private static final String GRPC = "stowage_grpc_server_duration_seconds";
        private static final String S3 = "stowage_s3_calls_seconds";

        static ServerTime between(String before, String after) {
            double calls = delta(before, after, GRPC + "_count", "method=\"PutBatch\"");
            double seconds = delta(before, after, GRPC + "_sum", "method=\"PutBatch\"");
            double puts = delta(before, after, S3 + "_count", "operation=\"PutObject\"");
            double putSeconds = delta(before, after, S3 + "_sum", "operation=\"PutObject\"");
            return new ServerTime(calls, calls == 0 ? 0 : seconds * 1000 / calls, puts,
                    puts == 0 ? 0 : putSeconds * 1000 / puts);
        }

        private static double delta(String before, String after, String metric, String label) {
            return PrometheusText.sum(after, metric, label) - PrometheusText.sum(before, metric, label);
        }

        String text() {
            return String.format(java.util.Locale.ROOT, "the server took %.0f ms per PutBatch on average (%,.0f calls),"
                    + " of which %.0f ms in S3 PUTs (%,.0f PUTs)", putBatchMeanMs, putBatches,
                    s3Puts == 0 ? 0 : s3PutMeanMs * s3Puts / putBatches, s3Puts);
        }
    }

    IngestBench(Sizes sizes, Backends backends, Stowage stowage, ServerProcess server, Path workDir, Path logDir) {
        this.sizes = sizes;
        this.backends = backends;
        this.stowage = stowage;
        this.server = server;
        this.connect = new ConnectPeer(backends.bootstrapServers(), workDir.resolve("connect"), logDir, sizes.workerHeap());
        this.logDir = logDir;
    }

    Outcome run() throws Exception {
        List<RunFigures> runs = new ArrayList<>();
        Optional<Path> workerJfr = Optional.empty();
        Optional<Path> serverJfr = Optional.empty();
        ServerTime serverTime;
        int warmUpRounds;
        try (TopicLoader loader = new TopicLoader(backends.bootstrapServers())) {
            GroupWatch watch = new GroupWatch(loader.admin());
            warmUpRounds = warmUp(loader, watch);
            if (sizes.jfr()) {
                server.startRecording("b1");
            }
            String metricsBefore = server.metrics();
            for (int r = 1; r <= sizes.runs(); r++) {
                Progress.say("B1 run %d of %d: %,d records of %d bytes on %d partitions", r, sizes.runs(),
                        sizes.records(), sizes.recordBytes(), sizes.partitions());
                Optional<Path> jfr = sizes.jfr() ? Optional.of(logDir.resolve("worker-b1-r" + r + ".jfr")) : Optional.empty();
                runs.add(runOnce("b1-r" + r, sizes.records(), loader, watch, jfr));
                workerJfr = jfr;
            }
            serverTime = ServerTime.between(metricsBefore, server.metrics());
            if (sizes.jfr()) {
                Path file = logDir.resolve("server-b1.jfr");
                server.stopRecording("b1", file);
                serverJfr = Optional.of(file);
            }
        }
        return new Outcome(runs, server.peakRssBytes(), archivedRecords, archivedPayload, workerJfr, serverJfr,
                serverTime, warmUpRounds);
    }

    /**
     * Warms the server up as B2 and B7 do: it runs as long as the archive does, while the worker
     * and the peer start afresh each run. Rounds of the warm-up's size, archived only (no plain
     * consumer, no peer), until the server's CPU time per record settles. With one warm-up run, a
     * profile of the server's measured run showed its JIT compiler taking 45% of its CPU.
     */
    private int warmUp(TopicLoader loader, GroupWatch watch) throws Exception {
        int least = sizes.quick() ? 1 : MIN_WARMUP_ROUNDS;
        int most = sizes.quick() ? 1 : MAX_WARMUP_ROUNDS;
        Progress.say("B1 warm-up: %d to %d rounds of %,d records, until the server's CPU per record settles", least,
                most, sizes.warmupRecords());
        return WarmUp.untilSettled(least, most, r -> {
            String name = "b1-warmup-" + r;
            TopicLoader.LoadedTopic topic = loader.load(name, sizes.partitions(), sizes.warmupRecords(),
                    sizes.recordBytes());
            Worker worker = archive(topic, watch, Duration.ofSeconds(300), Optional.empty());
            archivedRecords += topic.records();
            archivedPayload += topic.payloadBytes();
            loader.delete(name);
            double serverMicros = worker.cpu.server() * 1e6 / topic.records();
            Progress.say("  warm-up %d: %,.0f records/s, server CPU %.1f µs per record (its JIT compiler %.1f µs)", r,
                    worker.throughput.recordsPerSecond(), serverMicros,
                    worker.cpu.serverCompiler() * 1e6 / topic.records());
            return WarmUp.Reading.of(serverMicros);
        });
    }

    private RunFigures runOnce(String topicName, int records, TopicLoader loader, GroupWatch watch,
            Optional<Path> workerJfr) throws Exception {
        TopicLoader.LoadedTopic topic = loader.load(topicName, sizes.partitions(), records, sizes.recordBytes());
        Duration timeout = Duration.ofSeconds(Math.max(300, records / 1_000));

        Worker worker = archive(topic, watch, timeout, workerJfr);
        archivedRecords += topic.records();
        archivedPayload += topic.payloadBytes();
        Progress.say("  Stowage:       %,10.0f records/s %6.1f MB/s  (%.1f s; worker peak RSS %d MiB)",
                worker.throughput.recordsPerSecond(), worker.throughput.megabytesPerSecond(),
                worker.throughput.seconds(), worker.peak >> 20);
        Progress.say("    %s; worker %.1f µs in the second half of the run", worker.cpu.perRecord(topic.records()),
                worker.workerSecondHalfMicrosPerRecord);

        Throughput raw = RawConsumer.readAll(backends.bootstrapServers(), topic, "raw-" + topicName, timeout);
        Progress.say("  plain consumer:%,10.0f records/s %6.1f MB/s  (%.1f s)", raw.recordsPerSecond(),
                raw.megabytesPerSecond(), raw.seconds());

        ConnectPeer.Measured c = connect.run("file-sink-" + topicName, topic, watch, timeout);
        Progress.say("  Kafka Connect: %,10.0f records/s %6.1f MB/s  (%.1f s; peak RSS %d MiB)",
                c.throughput().recordsPerSecond(), c.throughput().megabytesPerSecond(), c.throughput().seconds(),
                c.peakRssBytes() >> 20);
        loader.delete(topicName);
        return new RunFigures(worker.throughput, raw, c.throughput(), worker.peak, c.peakRssBytes(), worker.held,
                worker.cpu);
    }

    /**
     * What one worker run measured; CPU times cover the same window as the throughput, and the
     * worker's also its second half (its JVM is fresh, and the first half pays for its JIT).
     */
    private record Worker(Throughput throughput, long peak, boolean held, ProcCpu.Split cpu,
            double workerSecondHalfMicrosPerRecord) {}

    private ProcCpu.Split cpuNow(ChildJvm worker) {
        long serverPid = server.process().pid();
        return new ProcCpu.Split(ProcCpu.seconds(worker.pid()), ProcCpu.seconds(serverPid),
                ProcCpu.compilerSeconds(serverPid),
                ProcCpu.secondsWithChildren(ProcCpu.postmaster(backends.postgres().dataDir())),
                ProcCpu.seconds(ProcessHandle.current().pid()), ProcCpu.s3ServerSeconds());
    }

    /**
     * Runs a worker on {@code topic} until it has committed everything. The clock starts when the
     * worker reports its first consumed record (JVM start and group join are not counted).
     */
    private Worker archive(TopicLoader.LoadedTopic topic, GroupWatch watch, Duration timeout, Optional<Path> jfr)
            throws Exception {
        int httpPort = Stowage.freePort();
        List<String> jvm = jfr.map(f -> List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + f.toAbsolutePath())).orElse(List.of());
        try (ChildJvm worker = stowage.ingest("worker-" + topic.name(), server, topic.name(), "stowage-" + topic.name(),
                httpPort, sizes.workerHeap(), jvm)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            String metrics = "http://127.0.0.1:" + httpPort + "/metrics";
            while (true) {
                worker.requireAlive();
                Http.Answer a = Http.tryGet(metrics);
                if (a.status() == 200 && PrometheusText.sum(a.body(), CONSUMED) > 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ingest worker consumed nothing within 120 s; see " + worker.log());
                }
                Sleep.millis(50);
            }
            long started = System.nanoTime();
            ProcCpu.Split cpuBefore = cpuNow(worker);
            String group = "stowage-" + topic.name();
            WorkerCheck check = new WorkerCheck(worker);
            watch.awaitCommitted("Stowage", group, topic, topic.records() / 2, timeout, check);
            double workerAtHalf = ProcCpu.seconds(worker.pid());
            long committedAtHalf = watch.committed(group, topic);
            long done = watch.awaitCommitted("Stowage", group, topic, timeout, check);
            ProcCpu.Split after = cpuNow(worker);
            double secondHalf = (after.worker() - workerAtHalf) * 1e6 / Math.max(1, topic.records() - committedAtHalf);
            long peak = worker.peakRssBytes();
            boolean held = worker.isAlive() && !worker.logContains("OutOfMemoryError");
            return new Worker(new Throughput(topic.records(), topic.payloadBytes(), done - started), peak, held,
                    after.minus(cpuBefore), secondHalf);
        }
    }

    /**
     * Fails at once, rather than at the timeout, when the worker died or gave a batch up: a batch
     * given up is only consumed again after a restart, so its partition's offsets stop there.
     */
    private static final class WorkerCheck implements Runnable {
        private final ChildJvm worker;
        private long nextLogCheck;

        WorkerCheck(ChildJvm worker) {
            this.worker = worker;
        }

        @Override
        public void run() {
            worker.requireAlive();
            long now = System.nanoTime();
            if (now > nextLogCheck) {
                nextLogCheck = now + 5_000_000_000L;
                if (worker.logContains("Gave up a batch")) {
                    throw new IllegalStateException("the ingest worker gave up a batch, so its offsets will not be"
                            + " committed before a restart; see " + worker.log() + " and the server's log");
                }
            }
        }
    }

    /** B1's entries: Stowage beside the plain consumer (the limit) and beside Kafka Connect (the peer). */
    static List<Entry> entries(Outcome o, Sizes s) {
        double rps = median(o, f -> f.stowage().recordsPerSecond());
        double mbps = median(o, f -> f.stowage().megabytesPerSecond());
        String name = "B1 Stowage ingest, " + s.partitions() + " partitions";
        String peer = "B1 Stowage ingest vs peer, " + s.partitions() + " partitions";
        String raw = "plain KafkaConsumer, read only";
        String connect = "Kafka Connect FileStreamSink";
        return List.of(
                Entry.of(name, rps, "records/s", raw, median(o, f -> f.raw().recordsPerSecond()))
                        .withNote(String.format(java.util.Locale.ROOT, "%,d records of %d B (+ %d B key) per run,"
                                + " median of %d runs, after %d warm-up rounds of %,d records; the clock runs from the"
                                + " first record read to the last offset committed", s.records(), s.recordBytes(),
                                TopicLoader.key(0).length, o.runs().size(), o.warmUpRounds(), s.warmupRecords())),
                Entry.of(name + ", MB/s", mbps, "MB/s", raw, median(o, f -> f.raw().megabytesPerSecond()))
                        .withTarget(Target.valueAtLeast(60, "MB/s"))
                        .withNote("during the measured runs " + o.serverTime().text()),
                Entry.of(peer, rps, "records/s", connect, median(o, f -> f.connect().recordsPerSecond()))
                        .withTarget(Target.ratioAtLeast(0.5))
                        .withNote(cpuNote(o, s, median(o, f -> f.connect().recordsPerSecond()))),
                Entry.of(peer + ", MB/s", mbps, "MB/s", connect, median(o, f -> f.connect().megabytesPerSecond())));
    }

    /**
     * Where the CPU of a run went per record (medians of the runs; the machine's CPU is what bounds
     * B1), and the rate that what PostgreSQL and this JVM took alone would allow.
     */
    private static String cpuNote(Outcome o, Sizes s, double peerRate) {
        ProcCpu.Split cpu = new ProcCpu.Split(median(o, f -> f.cpu().worker()), median(o, f -> f.cpu().server()),
                median(o, f -> f.cpu().serverCompiler()), median(o, f -> f.cpu().postgres()),
                median(o, f -> f.cpu().bench()), median(o, f -> f.cpu().s3()));
        int cores = Runtime.getRuntime().availableProcessors();
        double ceiling = cpu.ceilingRecordsPerSecond(s.records(), cores);
        return String.format(java.util.Locale.ROOT, "%s (medians of the runs; the machine's CPU is what bounds B1);"
                + " PostgreSQL, the broker, the S3 server and the bench alone would fill the %d cores at about"
                + " %,.0f records/s (%.2fx the peer) with a worker and a server that took no CPU", cpu.perRecord(s.records()),
                cores, ceiling, peerRate > 0 ? ceiling / peerRate : 0);
    }

    /** B6's entries: the worker's and the server's peak resident memory during B1. */
    static List<Entry> memoryEntries(Outcome o, Sizes s) {
        long worker = o.runs().stream().mapToLong(RunFigures::workerPeak).max().orElseThrow();
        long connect = o.runs().stream().mapToLong(RunFigures::connectPeak).max().orElseThrow();
        boolean held = o.runs().stream().allMatch(RunFigures::workerHeld);
        return List.of(
                Entry.of("B6 ingest worker peak RSS (VmHWM) during B1", worker / MIB, "MiB",
                                "Kafka Connect standalone peak RSS, same -Xmx", connect / MIB)
                        .withTarget(Target.holds(held, "runs in -Xmx" + s.workerHeap()))
                        .withNote("the largest of the runs' peaks; 'pass' means every run completed with no"
                                + " OutOfMemoryError"),
                Entry.of("B6 api-server peak RSS (VmHWM) during B1", o.serverPeak() / MIB, "MiB",
                        "its heap limit (-Xmx" + s.serverHeap() + ")", Sizes.megabytes(s.serverHeap())));
    }

    private static final double MIB = 1024.0 * 1024;

    private static double median(Outcome o, java.util.function.ToDoubleFunction<RunFigures> f) {
        return Stats.median(o.runs().stream().map(r -> f.applyAsDouble(r)).toList());
    }
}
