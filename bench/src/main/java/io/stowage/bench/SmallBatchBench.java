package io.stowage.bench;

import io.stowage.api.ApiLimits;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.client.StowageClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * B7, small batches: PutBatch of 100 x 1 KiB from 8 clients at once on files and the embedded
 * PostgreSQL, each client sending its next batch as soon as the last one is acknowledged. The
 * latency percentiles of all calls of a run and the messages per second; the median of the runs.
 * The baseline is one durable PostgreSQL commit, the least each batch must wait for.
 */
final class SmallBatchBench {
    static final int CLIENTS = 8;
    static final int BATCH = 100;
    /**
     * Warm-up rounds, each of a run's size: the server's CPU per batch settled after about ten, its
     * JIT compiler fell under a tenth of it after 17 to 27 (and each round adds 80,000 rows to the
     * index, which PostgreSQL's CPU per batch grows with).
     */
    private static final int MIN_WARMUP_ROUNDS = 10;
    private static final int MAX_WARMUP_ROUNDS = 30;

    private final Sizes sizes;
    private final Backends backends;
    private final Stowage stowage;
    private final Path workDir;
    private final Path logDir;
    private Optional<Path> serverRecording = Optional.empty();

    SmallBatchBench(Sizes sizes, Backends backends, Stowage stowage, Path workDir, Path logDir) {
        this.sizes = sizes;
        this.backends = backends;
        this.stowage = stowage;
        this.workDir = workDir;
        this.logDir = logDir;
    }

    /** With {@code --jfr}: the server's profile of the measured runs (not the warm-up), once run. */
    Optional<Path> serverRecording() {
        return serverRecording;
    }

    /**
     * A run's figures; CPU time per batch of the server, of PostgreSQL and of the bench's JVM (the 8
     * clients, beside the Kafka broker and the S3 server, which B7 does not use), and the share of the
     * server's that its JIT compiler took (a server still compiling is not yet the long-running one).
     */
    private record Run(double p50Millis, double p99Millis, double messagesPerSecond, double serverCpuMillisPerBatch,
            double postgresCpuMillisPerBatch, double clientsCpuMillisPerBatch, double serverCompilerShare) {}

    List<Entry> run() throws Exception {
        int perClient = sizes.quick() ? 25 : 100;
        Store store = new Store.Directory(workDir.resolve("b7-files"));
        Progress.say("B7 small batches: starting a server on %s", store.label());
        List<Run> runs = new ArrayList<>();
        double commitMillis;
        int warmUpRounds;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<StowageClient> clients = new ArrayList<>();
        try (ServerProcess server = stowage.server("server-b7", "b7_files", store, sizes.serverHeap(),
                ServerProcess.recordableFromLaunch(sizes.jfr()))) {
            List<BenchMessages> messages = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(StowageClient.builder(server.target()).deadline(Duration.ofMinutes(1))
                        .maxBatch(BATCH, ApiLimits.DEFAULT_MAX_BATCH_BYTES).build());
                messages.add(new BenchMessages("b7-client-" + i, sizes.recordBytes()));
            }
            warmUpRounds = warmUp(server, pool, clients, messages, perClient);
            if (sizes.jfr()) {
                server.startRecording("b7");
            }
            for (int r = 1; r <= sizes.runs(); r++) {
                Run run = measure(server, pool, clients, messages, perClient);
                runs.add(run);
                Progress.say("  run %d: %d clients x %d batches of %d, p50 %.1f ms, p99 %.1f ms, %,.0f msgs/s,"
                        + " CPU per batch: server %.1f ms (its JIT compiler %.0f%%), PostgreSQL %.1f ms, bench (clients)"
                        + " %.1f ms", r, CLIENTS, perClient, BATCH, run.p50Millis, run.p99Millis, run.messagesPerSecond,
                        run.serverCpuMillisPerBatch, 100 * run.serverCompilerShare, run.postgresCpuMillisPerBatch,
                        run.clientsCpuMillisPerBatch);
            }
            if (sizes.jfr()) {
                Path file = logDir.resolve("server-b7.jfr");
                server.stopRecording("b7", file);
                serverRecording = Optional.of(file);
            }
            commitMillis = durableCommitMillis();
        } finally {
            clients.forEach(StowageClient::close);
            pool.shutdownNow();
        }
        String what = String.format(Locale.ROOT, "B7 PutBatch %d x %s, %d clients, files", BATCH,
                sizes.recordBytes() % 1024 == 0 ? sizes.recordBytes() / 1024 + " KiB" : sizes.recordBytes() + " B",
                CLIENTS);
        String commit = "1 durable PostgreSQL commit";
        long indexed = (long) (warmUpRounds + sizes.runs()) * CLIENTS * perClient * BATCH;
        String note = String.format(Locale.ROOT, "%d batches per client per run, after %d warm-up rounds of"
                + " as many (until the server's CPU per batch settled and its JIT compiler took under %.0f%% of it"
                + " twice in a row, at most %d); %,d messages in the index at the end; baseline: median of 50"
                + " single-row commits on the same PostgreSQL", perClient, warmUpRounds, 100 * WarmUp.COMPILED,
                sizes.quick() ? 1 : MAX_WARMUP_ROUNDS, indexed);
        return List.of(
                Entry.of(what + ", p50", Stats.median(runs.stream().map(Run::p50Millis).toList()), "ms", commit,
                        commitMillis).withTarget(Target.valueAtMost(15, "ms")).withNote(note),
                Entry.of(what + ", p99", Stats.median(runs.stream().map(Run::p99Millis).toList()), "ms", commit,
                        commitMillis).withTarget(Target.valueAtMost(60, "ms")),
                Entry.of(what + ", rate", Stats.median(runs.stream().map(Run::messagesPerSecond).toList()), "msgs/s",
                        "1 durable commit per batch, one at a time", BATCH * 1000.0 / commitMillis)
                        .withNote(String.format(Locale.ROOT, "CPU time per batch: the api-server %.1f ms (steadier"
                                + " than latency on a loaded machine; its JIT compiler took %.0f%% of it), PostgreSQL"
                                + " %.1f ms, the bench's JVM (the clients) %.1f ms",
                                Stats.median(runs.stream().map(Run::serverCpuMillisPerBatch).toList()),
                                100 * Stats.median(runs.stream().map(Run::serverCompilerShare).toList()),
                                Stats.median(runs.stream().map(Run::postgresCpuMillisPerBatch).toList()),
                                Stats.median(runs.stream().map(Run::clientsCpuMillisPerBatch).toList()))));
    }

    /**
     * Rounds of {@code batches} per client until the server's CPU time per batch settles and its JIT
     * compiler is nearly idle (the steady state of a long-running server): {@value #MIN_WARMUP_ROUNDS}
     * to {@value #MAX_WARMUP_ROUNDS}; one round when quick.
     */
    private int warmUp(ServerProcess server, ExecutorService pool, List<StowageClient> clients,
            List<BenchMessages> messages, int batches) throws Exception {
        int least = sizes.quick() ? 1 : MIN_WARMUP_ROUNDS;
        int most = sizes.quick() ? 1 : MAX_WARMUP_ROUNDS;
        Progress.say("B7 warm-up: %d to %d rounds of %d batches per client, until the server's CPU per batch settles"
                + " and its JIT compiler is nearly idle", least, most, batches);
        return WarmUp.untilSettled(least, most, r -> {
            Run round = measure(server, pool, clients, messages, batches);
            Progress.say("  warm-up %d: p50 %.1f ms, server CPU %.1f ms per batch (its JIT compiler %.0f%%)", r,
                    round.p50Millis, round.serverCpuMillisPerBatch, 100 * round.serverCompilerShare);
            return new WarmUp.Reading(round.serverCpuMillisPerBatch, round.serverCompilerShare);
        });
    }

    /** Every client sends {@code batches} batches, one after the other; all clients at once. */
    private Run measure(ServerProcess server, ExecutorService pool, List<StowageClient> clients,
            List<BenchMessages> messages, int batches) throws Exception {
        // Built before the clock starts, as B2 builds its batches: the clients share the two cores
        // with the server and PostgreSQL, and making messages is not what B7 measures.
        List<List<List<Message>>> prepared = new ArrayList<>();
        for (BenchMessages source : messages) {
            List<List<Message>> ofClient = new ArrayList<>(batches);
            for (int b = 0; b < batches; b++) {
                ofClient.add(source.batch(BATCH));
            }
            prepared.add(ofClient);
        }
        List<Future<double[]>> futures = new ArrayList<>();
        long serverPid = server.process().pid();
        double serverBefore = ProcCpu.seconds(serverPid);
        double compilerBefore = ProcCpu.compilerSeconds(serverPid);
        long postmaster = ProcCpu.postmaster(backends.postgres().dataDir());
        double postgresBefore = ProcCpu.secondsWithChildren(postmaster);
        double clientsBefore = ProcCpu.seconds(ProcessHandle.current().pid());
        long started = System.nanoTime();
        for (int i = 0; i < clients.size(); i++) {
            StowageClient client = clients.get(i);
            List<List<Message>> ofClient = prepared.get(i);
            futures.add(pool.submit(() -> {
                double[] millis = new double[batches];
                for (int b = 0; b < batches; b++) {
                    List<Message> batch = ofClient.get(b);
                    long t0 = System.nanoTime();
                    PutBatchResponse rsp = client.putBatch(batch);
                    millis[b] = (System.nanoTime() - t0) / 1e6;
                    if (rsp.getAckCount() != batch.size()) {
                        throw new IllegalStateException("PutBatch acknowledged " + rsp.getAckCount() + " of "
                                + batch.size());
                    }
                }
                return millis;
            }));
        }
        double[] all = new double[clients.size() * batches];
        int n = 0;
        for (Future<double[]> f : futures) {
            for (double v : f.get()) {
                all[n++] = v;
            }
        }
        long nanos = System.nanoTime() - started;
        double cpu = (ProcCpu.seconds(serverPid) - serverBefore) * 1000;
        double compiler = (ProcCpu.compilerSeconds(serverPid) - compilerBefore) * 1000;
        double postgres = (ProcCpu.secondsWithChildren(postmaster) - postgresBefore) * 1000;
        double bench = (ProcCpu.seconds(ProcessHandle.current().pid()) - clientsBefore) * 1000;
        return new Run(Stats.percentile(all, 50), Stats.percentile(all, 99), all.length * (double) BATCH * 1e9 / nanos,
                cpu / all.length, postgres / all.length, bench / all.length, cpu > 0 ? compiler / cpu : Double.NaN);
    }

    /** The median latency of a durable single-row commit, in ms: the floor of a durable PutBatch. */
    private double durableCommitMillis() throws Exception {
        try (Connection c = backends.connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS public.b7_commit (n int)");
            }
            List<Double> millis = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.b7_commit VALUES (?)")) {
                for (int i = 0; i < 50; i++) {
                    ps.setInt(1, i);
                    long t0 = System.nanoTime();
                    ps.executeUpdate(); // autocommit: one durable commit
                    millis.add((System.nanoTime() - t0) / 1e6);
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE public.b7_commit");
            }
            return Stats.median(millis);
        }
    }
}
