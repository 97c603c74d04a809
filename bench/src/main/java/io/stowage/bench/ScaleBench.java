package io.stowage.bench;

import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.api.v1.ScanRequest;
import io.stowage.client.StowageClient;
import io.stowage.common.message.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * B8, scale: PutBatch rate, GetBatch p99 and Scan rate (ids only) of one server on an empty index
 * and again once {@code --b8-rows} rows are in it (bulk-loaded by {@link BulkLoad} into the same
 * stream, at earlier times), then the time a Clean takes to expire the oldest tenth of them (one
 * day: 5,000,000 of 50,000,000). The messages that GetBatch reads and Scan walks are real: stored
 * through the API, on files, beside the bulk rows.
 */
final class ScaleBench {
    private static final String SCHEMA = "b8";
    private static final String STREAM = "b8";
    private static final int PUT_BATCH = 1000;
    private static final int WARMUP_BATCHES = 5;
    private static final int WARMUP_GETS = 20;

    private final Sizes sizes;
    private final Backends backends;
    private final Stowage stowage;
    private final Path work;

    private record Figures(double putPerSecond, double getP99Ms, double scanPerSecond, long scanned) {}

    ScaleBench(Sizes sizes, Backends backends, Stowage stowage, Path work) {
        this.sizes = sizes;
        this.backends = backends;
        this.stowage = stowage;
        this.work = work;
    }

    List<Entry> run() throws Exception {
        Path dir = Files.createDirectories(work.resolve("b8-files"));
        Map<String, String> settings = Map.of("STOWAGE_RETENTION", BulkLoad.OLD_DAY_RETENTION.toHours() + "h");
        BenchMessages messages = new BenchMessages(STREAM, sizes.recordBytes());
        List<String> stored = new ArrayList<>();
        try (ServerProcess server = stowage.server("server-b8", SCHEMA, new Store.Directory(dir), sizes.serverHeap(),
                List.of(), settings);
                StowageClient client = StowageClient.builder(server.target()).deadline(Duration.ofMinutes(10))
                        .retryListener(Flaky.listener()).build()) {
            Instant realFrom = Instant.now();
            Progress.say("B8 warm-up, then on an empty index");
            warmUp(client, messages, stored, realFrom);
            Figures empty = measure(client, messages, stored, realFrom);
            Instant realTo = Instant.now();
            Progress.say("  empty: PutBatch %,.0f msgs/s, GetBatch p99 %.1f ms, Scan %,.0f ids/s", empty.putPerSecond,
                    empty.getP99Ms, empty.scanPerSecond);

            Progress.say("B8: loading %,d index rows with COPY", sizes.b8Rows());
            BulkLoad.Loaded loaded;
            double perRow;
            try (Connection c = backends.connect()) {
                loaded = BulkLoad.load(c, SCHEMA, STREAM, "kafka.record", sizes.b8Rows(), Instant.now());
                perRow = bytesPerRow(c);
            }
            Progress.say("  loaded: copy %d s, indexes %d s, vacuum %d s; %.0f B per row", loaded.copy().toSeconds(),
                    loaded.indexes().toSeconds(), loaded.vacuum().toSeconds(), perRow);

            Progress.say("B8 with %,d rows", sizes.b8Rows());
            Figures full = measure(client, messages, stored, realFrom, realTo);
            Progress.say("  full: PutBatch %,.0f msgs/s, GetBatch p99 %.1f ms, Scan %,.0f ids/s", full.putPerSecond,
                    full.getP99Ms, full.scanPerSecond);

            long t = System.nanoTime();
            CleanResponse clean = Flaky.call("Clean", client::clean);
            double cleanSeconds = (System.nanoTime() - t) / 1e9;
            Progress.say("  Clean expired %,d messages in %.1f s", clean.getExpiredMessages(), cleanSeconds);
            return entries(empty, full, loaded, perRow, clean, cleanSeconds);
        }
    }

    private List<Entry> entries(Figures empty, Figures full, BulkLoad.Loaded loaded, double perRow,
            CleanResponse clean, double cleanSeconds) {
        String at = String.format(Locale.ROOT, "at %,d rows", loaded.rows());
        double loadRate = loaded.rows() / Math.max(1e-9, loaded.copy().plus(loaded.indexes()).toNanos() / 1e9);
        String loadNote = String.format(Locale.ROOT, "%,d rows loaded by binary COPY in %d s, indexes built in %d s,"
                + " vacuumed in %d s; %.0f B per row with its indexes at that size", loaded.rows(),
                loaded.copy().toSeconds(), loaded.indexes().toSeconds(), loaded.vacuum().toSeconds(), perRow);
        return List.of(
                Entry.of("B8 PutBatch 1,000 x 1 KiB " + at, full.putPerSecond, "msgs/s", "the same on an empty index",
                                empty.putPerSecond)
                        .withTarget(Target.ratioAtLeast(0.67)).withNote(loadNote),
                Entry.of("B8 GetBatch " + sizes.getIds() + " ids p99 " + at, full.getP99Ms, "ms",
                                "the same on an empty index", empty.getP99Ms)
                        .withTarget(Target.ratioAtMost(1.5)),
                Entry.of("B8 Scan ids_only " + at, full.scanPerSecond, "ids/s", "the same on an empty index",
                                empty.scanPerSecond)
                        .withTarget(Target.ratioAtLeast(0.67))
                        .withNote(String.format(Locale.ROOT, "%,d ids scanned, in time order, from a stream that also"
                                + " holds the bulk rows", full.scanned)),
                Entry.of("B8 Clean expiring one day (" + String.format(Locale.ROOT, "%,d", loaded.oldDayRows())
                                + " rows) " + at, cleanSeconds, "s", "loading those rows (COPY + indexes, pro rata)",
                                loaded.oldDayRows() / loadRate)
                        .withTarget(Target.valueAtMost(10, "s"))
                        .withNote(String.format(Locale.ROOT, "Clean expired %,d messages and freed %,d segments",
                                clean.getExpiredMessages(), clean.getDeletedSegments())));
    }

    /** The server's first calls, not measured: the empty index would otherwise pay for the JIT. */
    private void warmUp(StowageClient client, BenchMessages messages, List<String> stored, Instant from)
            throws Exception {
        for (int i = 0; i < WARMUP_BATCHES; i++) {
            put(client, messages.batch(PUT_BATCH), stored);
        }
        Random random = new Random(1);
        for (int i = 0; i < WARMUP_GETS; i++) {
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < sizes.getIds(); k++) {
                ids.add(stored.get(random.nextInt(stored.size())));
            }
            Flaky.call("GetBatch", () -> client.get(ids));
        }
        try (var results = client.scan(ScanRequest.newBuilder().setStream(STREAM).setIdsOnly(true)
                .setFrom(Timestamps.fromMillis(from.toEpochMilli())).build())) {
            results.count();
        }
    }

    /** Puts batches (timed), then reads random stored ids (timed), then scans the real messages from {@code from}. */
    private Figures measure(StowageClient client, BenchMessages messages, List<String> stored, Instant from,
            Instant... to) throws Exception {
        int batches = sizes.quick() ? 5 : 20;
        long t = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            put(client, messages.batch(PUT_BATCH), stored);
        }
        double putRate = batches * PUT_BATCH / ((System.nanoTime() - t) / 1e9);

        Random random = new Random(batches + stored.size());
        int calls = sizes.getBatches();
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            List<String> ids = new ArrayList<>(sizes.getIds());
            for (int k = 0; k < sizes.getIds(); k++) {
                ids.add(stored.get(random.nextInt(stored.size())));
            }
            long g = System.nanoTime();
            List<Message> got = Flaky.call("GetBatch", () -> client.get(ids));
            ms[i] = (System.nanoTime() - g) / 1e6;
            if (got.isEmpty()) {
                throw new IllegalStateException("GetBatch found none of the stored ids");
            }
        }

        ScanRequest.Builder scan = ScanRequest.newBuilder().setStream(STREAM).setIdsOnly(true)
                .setFrom(Timestamps.fromMillis(from.toEpochMilli()));
        if (to.length > 0) {
            scan.setTo(Timestamps.fromMillis(to[0].toEpochMilli()));
        }
        long s = System.nanoTime();
        long scanned;
        try (var results = client.scan(scan.build())) {
            scanned = results.count();
        }
        double scanRate = scanned / ((System.nanoTime() - s) / 1e9);
        return new Figures(putRate, Stats.percentile(ms, 99), scanRate, scanned);
    }

    private static void put(StowageClient client, List<Message> batch, List<String> stored) throws Exception {
        PutBatchResponse rsp = Flaky.call("PutBatch", () -> client.putBatch(batch));
        if (rsp.getAckCount() != batch.size()) {
            throw new IllegalStateException("PutBatch acknowledged " + rsp.getAckCount() + " of " + batch.size());
        }
        batch.forEach(m -> stored.add(m.getId()));
    }

    /** The messages table with its indexes, per row; each part is logged. */
    private static double bytesPerRow(Connection c) throws Exception {
        long rows;
        double total;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_total_relation_size('"
                + SCHEMA + ".messages'), (SELECT count(*) FROM " + SCHEMA + ".messages)")) {
            rs.next();
            rows = Math.max(1, rs.getLong(2));
            total = (double) rs.getLong(1) / rows;
        }
        StringBuilder parts = new StringBuilder();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT c.relname,"
                + " pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = '" + SCHEMA + "' AND (c.relname = 'messages' OR c.oid IN (SELECT indexrelid"
                + " FROM pg_index WHERE indrelid = '" + SCHEMA + ".messages'::regclass)) ORDER BY 2 DESC")) {
            while (rs.next()) {
                parts.append(String.format(Locale.ROOT, " %s %.1f B;", rs.getString(1), (double) rs.getLong(2) / rows));
            }
        }
        Progress.say("  per row:%s total %.1f B", parts, total);
        return total;
    }
}
