package io.stowage.bench;

import io.stowage.api.ApiLimits;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.client.StowageClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * B2, PutBatch: batches through a {@link StowageClient}, one after the other, against a server of
 * its own on each store (files, the embedded default, and S3); beside them the backends' own limit
 * ({@link BackendLimit}) and the same batches laid out one segment per message.
 */
final class PutBatchBench {
    /** Batches of the raw writes' warm-up (the bench's own JVM is warm by then). */
    private static final int WARMUP_BATCHES = 3;
    /** Warm-up rounds of PutBatch, each of a run's size, until its rate settles. */
    private static final int MIN_WARMUP_ROUNDS = 4;
    private static final int MAX_WARMUP_ROUNDS = 10;
    /** Most warm-up rounds of the transport's floor, and how often a round sends B2's batches. */
    private static final int TRANSPORT_MAX_WARMUP_ROUNDS = 20;
    private static final int TRANSPORT_REPEATS = 4;

    private final Sizes sizes;
    private final Backends backends;
    private final Stowage stowage;
    private final Path workDir;
    private final List<String> failures = new ArrayList<>();

    PutBatchBench(Sizes sizes, Backends backends, Stowage stowage, Path workDir) {
        this.sizes = sizes;
        this.backends = backends;
        this.stowage = stowage;
        this.workDir = workDir;
    }

    List<Entry> run() throws Exception {
        List<Entry> entries = new ArrayList<>();
        OnStore files = on(new Store.Directory(workDir.resolve("b2-files")));
        entries.addAll(files.entries());
        entries.addAll(on(new Store.Bucket("stowage-b2")).entries());
        try {
            entries.add(againstTransport(files.putRate()));
        } catch (Exception e) {
            failures.add("B2 transport only: " + e);
            Progress.say("  the transport's floor could not be measured: %s", e);
        }
        return entries;
    }

    /** One store's entries, and its PutBatch rate for the comparison with the transport alone. */
    private record OnStore(List<Entry> entries, double putRate) {}

    /**
     * PutBatch on files beside the same calls to a server that only parses them
     * ({@link TransportFloor}): how much of a call is the transport, which no server work removes.
     * Its server is new code to this JVM, so rounds run until the CPU per call settles and the
     * JVM's JIT compiler is nearly idle. The CPU counted is the calling thread's and gRPC's threads'
     * (client and server share this JVM); its collector and compiler, and the broker and S3 server
     * it also runs, are left out. The same batches are sent again each round: the server keeps
     * nothing, and batches built anew would load the collector.
     */
    private Entry againstTransport(double filesRate) throws Exception {
        Progress.say("B2 transport only: the same batches to a gRPC server in this JVM that parses and discards them");
        List<FloorRound> runs = new ArrayList<>();
        int warmUpRounds;
        try (TransportFloor floor = TransportFloor.start();
                StowageClient client = StowageClient.builder(floor.target()).deadline(Duration.ofMinutes(2))
                        .maxBatch(sizes.batchMessages(), ApiLimits.DEFAULT_MAX_BATCH_BYTES).build()) {
            List<List<Message>> batches = batches(new BenchMessages("b2-transport", sizes.recordBytes()),
                    sizes.putBatches());
            warmUpRounds = WarmUp.untilSettled(sizes.quick() ? 1 : MIN_WARMUP_ROUNDS,
                    sizes.quick() ? 3 : TRANSPORT_MAX_WARMUP_ROUNDS, r -> {
                        FloorRound round = floorRound(client, batches);
                        Progress.say("  warm-up %d: %s", r, round);
                        return new WarmUp.Reading(round.cpuMillisPerCall, round.compilerShare);
                    });
            for (int r = 1; r <= sizes.runs(); r++) {
                FloorRound run = floorRound(client, batches);
                Progress.say("  run %d: %s", r, run);
                runs.add(run);
            }
        }
        return Entry.of(String.format(Locale.ROOT, "B2 PutBatch %s, files, vs transport only", batchText()), filesRate,
                        "msgs/s", "the same calls to a server that parses and discards them",
                        Stats.median(runs.stream().map(FloorRound::messagesPerSecond).toList()))
                .withNote(String.format(Locale.ROOT, "the transport alone: p50 %.1f ms and %.1f ms of CPU per call on"
                        + " the calling and gRPC threads, client and server together (both in the bench's JVM; its"
                        + " collector and compiler not counted), after %d warm-up rounds of %d x %d calls",
                        Stats.median(runs.stream().map(FloorRound::p50Millis).toList()),
                        Stats.median(runs.stream().map(FloorRound::cpuMillisPerCall).toList()), warmUpRounds,
                        TRANSPORT_REPEATS, sizes.putBatches()));
    }

    /**
     * A round of calls to the transport's floor: rate, p50 latency, CPU per call of the calling and
     * gRPC threads, and the share of this JVM's CPU its JIT compiler took.
     */
    private record FloorRound(double messagesPerSecond, double p50Millis, double cpuMillisPerCall,
            double compilerShare) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,.0f msgs/s, p50 %.1f ms per call, %.1f ms of CPU per call (calling"
                    + " and gRPC threads; this JVM's JIT compiler took %.0f%% of its CPU)", messagesPerSecond,
                    p50Millis, cpuMillisPerCall, 100 * compilerShare);
        }
    }

    /** Sends {@code batches} {@value #TRANSPORT_REPEATS} times over. */
    private FloorRound floorRound(StowageClient client, List<List<Message>> batches) {
        long self = ProcessHandle.current().pid();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int calls = TRANSPORT_REPEATS * batches.size();
        double[] millis = new double[calls];
        double jvmBefore = ProcCpu.seconds(self);
        double compilerBefore = ProcCpu.compilerSeconds(self);
        double grpcBefore = ProcCpu.grpcSeconds(self);
        long callerBefore = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        for (int c = 0; c < calls; c++) {
            List<Message> batch = batches.get(c % batches.size());
            long t0 = System.nanoTime();
            PutBatchResponse rsp = client.putBatch(batch);
            millis[c] = (System.nanoTime() - t0) / 1e6;
            if (rsp.getAckCount() != batch.size()) {
                throw new IllegalStateException("the transport's server acknowledged " + rsp.getAckCount());
            }
        }
        long nanos = System.nanoTime() - started;
        double cpu = ProcCpu.grpcSeconds(self) - grpcBefore + (threads.getCurrentThreadCpuTime() - callerBefore) / 1e9;
        double jvm = ProcCpu.seconds(self) - jvmBefore;
        double compiler = ProcCpu.compilerSeconds(self) - compilerBefore;
        return new FloorRound((double) calls * sizes.batchMessages() * 1e9 / nanos, Stats.percentile(millis, 50),
                cpu * 1000 / calls, jvm > 0 ? compiler / jvm : Double.NaN);
    }

    private String batchText() {
        return String.format(Locale.ROOT, "%,d x %s", sizes.batchMessages(), sizes.recordBytes() % 1024 == 0
                ? sizes.recordBytes() / 1024 + " KiB" : sizes.recordBytes() + " B");
    }

    /** Figures that could not be measured because Stowage failed, with the reason; the others are still reported. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** A run's figures; {@code notCommitted}: segments in the index not committed at its end. */
    private record Measured(double messagesPerSecond, double objectsPerBatch, long notCommitted) {}

    private OnStore on(Store store) throws Exception {
        String label = store.label();
        String lower = label.toLowerCase(Locale.ROOT);
        Progress.say("B2 PutBatch on %s: starting a server", label);
        List<Measured> put = new ArrayList<>();
        List<Double> limit = new ArrayList<>();
        List<Double> rawPerMessage = new ArrayList<>();
        List<Measured> spread = new ArrayList<>();
        String schema = "b2_" + lower;
        try (ServerProcess server = stowage.server("server-b2-" + lower, schema, store, sizes.serverHeap(), List.of());
                StowageClient client = StowageClient.builder(server.target()).deadline(Duration.ofMinutes(2))
                        .retryListener(Flaky.listener()).maxBatch(sizes.batchMessages(), ApiLimits.DEFAULT_MAX_BATCH_BYTES).build();
                BackendLimit raw = BackendLimit.open(backends, schema, store)) {
            BenchMessages messages = new BenchMessages("b2-" + lower, sizes.recordBytes());
            BenchMessages spreadMessages = new BenchMessages("b2-spread-" + lower, sizes.recordBytes());
            Segments segments = new Segments(backends, schema);
            int least = sizes.quick() ? 1 : MIN_WARMUP_ROUNDS;
            int most = sizes.quick() ? 1 : MAX_WARMUP_ROUNDS;
            Progress.say("B2 warm-up on %s: %d to %d rounds of %d batches, until the rate settles", label, least, most,
                    sizes.putBatches());
            WarmUp.untilSettled(least, most, r -> {
                double rate = putAll(client, segments, batches(messages, sizes.putBatches())).messagesPerSecond;
                Progress.say("  warm-up %d on %s: PutBatch %,.0f msgs/s", r, label, rate);
                return WarmUp.Reading.of(rate);
            });
            raw.write(prepared(batches(messages, WARMUP_BATCHES)));
            boolean spreadWorks = trySpread(label, () -> putAll(client, segments, spreadBatches(spreadMessages, 1)));
            for (int r = 1; r <= sizes.runs(); r++) {
                Measured m = putAll(client, segments, batches(messages, sizes.putBatches()));
                long nanos = raw.write(prepared(batches(messages, sizes.putBatches())));
                double limitRate = (double) sizes.putBatches() * sizes.batchMessages() * 1e9 / nanos;
                long perMessageNanos = raw.writeOnePerMessage(prepared(spreadBatches(spreadMessages,
                        sizes.segmentBatches())));
                double perMessageRate = (double) sizes.segmentBatches() * sizes.batchMessages() * 1e9 / perMessageNanos;
                put.add(m);
                limit.add(limitRate);
                rawPerMessage.add(perMessageRate);
                Progress.say("  run %d on %s: PutBatch %,.0f msgs/s (%.0f objects/batch), backends' limit %,.0f msgs/s;"
                        + " one object per message at the backends' limit %,.0f msgs/s", r, label, m.messagesPerSecond,
                        m.objectsPerBatch, limitRate, perMessageRate);
                int run = r;
                if (spreadWorks) {
                    spreadWorks = trySpread(label, () -> {
                        Measured s = putAll(client, segments, spreadBatches(spreadMessages, sizes.segmentBatches()));
                        spread.add(s);
                        Progress.say("  run %d on %s: one segment per message %,.0f msgs/s (%.0f objects/batch)", run,
                                label, s.messagesPerSecond, s.objectsPerBatch);
                        return s;
                    });
                }
            }
        }
        String what = store instanceof Store.Bucket ? "S3 PUT" : "file write + fsync";
        String batch = batchText();
        double putRate = Stats.median(put.stream().map(Measured::messagesPerSecond).toList());
        List<Entry> entries = new ArrayList<>();
        String limitName = "1 " + what + " during 1 PostgreSQL insert per batch";
        entries.add(Entry.of("B2 PutBatch " + batch + ", " + label, putRate, "msgs/s", limitName, Stats.median(limit))
                .withTarget(Target.ratioAtLeast(0.6))
                .withNote(objects(put)));
        entries.add(Entry.of("B2 one object per message at the backends' limit, " + label,
                        Stats.median(rawPerMessage), "msgs/s", limitName, Stats.median(limit))
                .withNote(String.format(Locale.ROOT, "the layout Stowage avoids, at the backends' limit: %,d objects"
                        + " per batch of %,d, %d at a time, then one insert", sizes.batchMessages(),
                        sizes.batchMessages(), BackendLimit.PARALLEL)));
        if (!spread.isEmpty()) {
            entries.add(Entry.of("B2 PutBatch one segment per message, " + label,
                            Stats.median(spread.stream().map(Measured::messagesPerSecond).toList()), "msgs/s",
                            "PutBatch, one segment per batch", putRate)
                    .withNote(objects(spread) + "; each message in an hour of its own"));
        }
        return new OnStore(entries, putRate);
    }

    /** Runs a one-segment-per-message measurement; a failure is recorded and ends these measurements. */
    private boolean trySpread(String label, Callable<Measured> measurement) {
        try {
            measurement.call();
            return true;
        } catch (Exception e) {
            failures.add("B2 one segment per message on " + label + ": " + e);
            Progress.say("  one segment per message on %s failed: %s", label, e);
            return false;
        }
    }

    private String objects(List<Measured> runs) {
        Measured last = runs.get(runs.size() - 1);
        String text = String.format(Locale.ROOT, "%.0f object(s) written per batch of %,d", last.objectsPerBatch,
                sizes.batchMessages());
        // not a difference between runs: the server forgets reserved rows it did not use as they age
        return last.notCommitted == 0 ? text : text + String.format(Locale.ROOT, "; %,d segments pending after the"
                + " last run (reserved ahead for the next writes, or of failed attempts)", last.notCommitted);
    }

    private List<List<Message>> batches(BenchMessages messages, int count) {
        List<List<Message>> batches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batches.add(messages.batch(sizes.batchMessages()));
        }
        return batches;
    }

    /** Batches whose every message lies in an hour of its own, so each gets a segment (object) of its own. */
    private List<List<Message>> spreadBatches(BenchMessages messages, int count) {
        Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(sizes.batchMessages(), ChronoUnit.HOURS);
        List<List<Message>> batches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batches.add(messages.batch(sizes.batchMessages(), n -> base.plus(n, ChronoUnit.HOURS)));
        }
        return batches;
    }

    private static List<BackendLimit.Prepared> prepared(List<List<Message>> batches) {
        return batches.stream().map(BackendLimit::prepare).toList();
    }

    /**
     * PutBatch of each batch in turn: messages per second, and the objects written per batch
     * (committed segments in the index), and the segments not committed at the end.
     */
    private static Measured putAll(StowageClient client, Segments segments, List<List<Message>> batches)
            throws Exception {
        long[] before = segments.count();
        long messages = 0;
        long started = System.nanoTime();
        for (List<Message> batch : batches) {
            PutBatchResponse rsp = Flaky.call("PutBatch", () -> client.putBatch(batch));
            if (rsp.getAckCount() != batch.size()) {
                throw new IllegalStateException("PutBatch acknowledged " + rsp.getAckCount() + " of " + batch.size());
            }
            messages += batch.size();
        }
        long nanos = System.nanoTime() - started;
        long[] after = segments.count();
        return new Measured(messages * 1e9 / nanos, (double) (after[0] - before[0]) / batches.size(), after[1]);
    }

    /** Counts a server's segments in its index: committed, and not committed (pending or retired). */
    private record Segments(Backends backends, String schema) {
        long[] count() throws SQLException {
            try (Connection c = backends.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE state = 'committed'),"
                            + " count(*) FILTER (WHERE state <> 'committed') FROM " + schema + ".segments")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }
}
