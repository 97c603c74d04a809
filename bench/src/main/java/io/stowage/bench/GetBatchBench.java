package io.stowage.bench;

import io.stowage.api.v1.Message;
import io.stowage.client.StowageClient;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * B3, GetBatch: the latency of batches of random ids out of everything stored, beside the raw
 * ranged GETs of the same byte ranges, sent straight to the S3 server with as many in parallel as
 * the server reads with (its STOWAGE_IO_THREADS default). The index look-up that the raw path
 * needs first is timed on its own.
 */
final class GetBatchBench {
    private static final int IO_THREADS = 16;
    private static final int WARMUP_BATCHES = 20;

    private final Sizes sizes;
    private final Backends backends;
    private final ServerProcess server;
    private final String bucket;

    private record Location(String key, long offset, int length) {}

    GetBatchBench(Sizes sizes, Backends backends, ServerProcess server, String bucket) {
        this.sizes = sizes;
        this.backends = backends;
        this.server = server;
        this.bucket = bucket;
    }

    List<Entry> run() throws Exception {
        long stored = Filler.storedCount(backends, server.schema());
        int perRun = sizes.getBatches();
        List<List<String>> idBatches = sample(stored, (WARMUP_BATCHES + perRun * sizes.runs()) * sizes.getIds());
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> rawP50 = new ArrayList<>();
        List<Double> rawP99 = new ArrayList<>();
        List<Double> lookupP50 = new ArrayList<>();
        ExecutorService io = Executors.newFixedThreadPool(IO_THREADS);
        try (StowageClient client = StowageClient.builder(server.target()).deadline(Duration.ofMinutes(1))
                        .retryListener(Flaky.listener()).build();
                S3Client s3 = RawS3.client(backends);
                Connection db = backends.connect()) {
            Progress.say("B3 warm-up: %d batches", WARMUP_BATCHES);
            for (int i = 0; i < WARMUP_BATCHES; i++) {
                stowageGet(client, idBatches.get(i));
                rawGet(s3, io, locate(db, idBatches.get(i)));
            }
            int next = WARMUP_BATCHES;
            for (int r = 1; r <= sizes.runs(); r++) {
                double[] stowageMs = new double[perRun];
                double[] rawMs = new double[perRun];
                double[] lookupMs = new double[perRun];
                for (int i = 0; i < perRun; i++) {
                    List<String> ids = idBatches.get(next++);
                    // alternate which goes first, so that neither always finds the other's reads cached
                    if (i % 2 == 0) {
                        stowageMs[i] = stowageGet(client, ids);
                    }
                    long t = System.nanoTime();
                    List<Location> locations = locate(db, ids);
                    lookupMs[i] = (System.nanoTime() - t) / 1e6;
                    rawMs[i] = rawGet(s3, io, locations);
                    if (i % 2 == 1) {
                        stowageMs[i] = stowageGet(client, ids);
                    }
                }
                p50.add(Stats.percentile(stowageMs, 50));
                p99.add(Stats.percentile(stowageMs, 99));
                rawP50.add(Stats.percentile(rawMs, 50));
                rawP99.add(Stats.percentile(rawMs, 99));
                lookupP50.add(Stats.percentile(lookupMs, 50));
                Progress.say("  run %d: GetBatch p50 %.1f ms p99 %.1f ms; raw ranged GETs p50 %.1f ms p99 %.1f ms;"
                        + " index look-up p50 %.1f ms", r, p50.get(r - 1), p99.get(r - 1), rawP50.get(r - 1),
                        rawP99.get(r - 1), lookupP50.get(r - 1));
            }
        } finally {
            io.shutdownNow();
        }
        String name = String.format(Locale.ROOT, "B3 GetBatch %d random ids of %,d", sizes.getIds(), stored);
        String raw = sizes.getIds() + " ranged GETs to S3, " + IO_THREADS + " in parallel";
        String note = String.format(Locale.ROOT, "%d batches per run; the raw path's index look-up (not in its"
                + " figure) takes %.1f ms at p50", perRun, Stats.median(lookupP50));
        return List.of(
                Entry.of(name + ", p50", Stats.median(p50), "ms", raw + ", p50", Stats.median(rawP50)).withNote(note),
                Entry.of(name + ", p99", Stats.median(p99), "ms", raw + ", p99", Stats.median(rawP99))
                        .withTarget(Target.ratioAtMost(3)));
    }

    private static double stowageGet(StowageClient client, List<String> ids) throws Exception {
        long t = System.nanoTime();
        List<Message> got = Flaky.call("GetBatch", () -> client.get(ids));
        double ms = (System.nanoTime() - t) / 1e6;
        if (got.size() != ids.size()) {
            throw new IllegalStateException("GetBatch returned " + got.size() + " of " + ids.size() + " stored ids");
        }
        return ms;
    }

    private double rawGet(S3Client s3, ExecutorService io, List<Location> locations) throws Exception {
        long t = System.nanoTime();
        List<Callable<Integer>> reads = new ArrayList<>(locations.size());
        for (Location l : locations) {
            reads.add(() -> {
                ResponseBytes<GetObjectResponse> bytes = Flaky.call("raw ranged GET", () -> s3.getObjectAsBytes(r -> r
                        .bucket(bucket).key(l.key()).range("bytes=" + l.offset() + "-" + (l.offset() + l.length() - 1))));
                return bytes.asByteArray().length;
            });
        }
        for (Future<Integer> f : io.invokeAll(reads)) {
            f.get();
        }
        return (System.nanoTime() - t) / 1e6;
    }

    /** Where the messages are, as the server looks them up. */
    private List<Location> locate(Connection db, List<String> ids) throws Exception {
        String sql = "SELECT s.object_key, m.byte_offset, m.length FROM " + server.schema() + ".messages m JOIN "
                + server.schema() + ".segments s ON s.id = m.segment_id"
                + " WHERE m.id_uuid = ANY(?::uuid[]) OR m.id_text = ANY(?::text[])";
        List<Location> found = new ArrayList<>(ids.size());
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            Array uuids = db.createArrayOf("uuid", ids.stream().map(IndexRows::uuidOrNull).filter(u -> u != null).toArray());
            Array texts = db.createArrayOf("text", ids.stream().map(IndexRows::textOrNull).filter(t -> t != null).toArray());
            ps.setArray(1, uuids);
            ps.setArray(2, texts);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Location(rs.getString(1), rs.getLong(2), rs.getInt(3)));
                }
            }
        }
        return found;
    }

    /** {@code count} ids drawn at random from all stored (repeating only when fewer are stored), in batches. */
    private List<List<String>> sample(long stored, int count) throws Exception {
        double percent = Math.min(100, 100.0 * count * 1.3 / Math.max(1, stored));
        List<String> ids = new ArrayList<>(count);
        try (Connection c = backends.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(String.format(Locale.ROOT, "SELECT coalesce(id_uuid::text, id_text) FROM %s.messages TABLESAMPLE"
                        + " BERNOULLI (%f)", server.schema(), percent))) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalStateException("no message is stored to read");
        }
        Random random = new Random(7);
        Collections.shuffle(ids, random);
        while (ids.size() < count) {
            ids.add(ids.get(random.nextInt(ids.size())));
        }
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i + sizes.getIds() <= count; i += sizes.getIds()) {
            batches.add(ids.subList(i, i + sizes.getIds()));
        }
        return batches;
    }
}
