package io.stowage.bench;

import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.client.StowageClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** Tops a server up to a number of stored messages with PutBatch (not measured): the data B3, B4 and B5 read. */
final class Filler {
    private static final int BATCH = 1000;
    private static final int THREADS = 4;

    private Filler() {}

    static long storedCount(Backends backends, String schema) throws SQLException {
        try (Connection c = backends.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + ".messages")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What a top-up added. */
    record Filled(long records, long payloadBytes) {}

    /** Stores messages until the server holds {@code target}. */
    static Filled fillTo(long target, Backends backends, ServerProcess server, int valueBytes) throws Exception {
        return fillTo(target, backends, server, valueBytes, Payloads.Kind.RANDOM);
    }

    /** Likewise with values of {@code kind}. */
    static Filled fillTo(long target, Backends backends, ServerProcess server, int valueBytes, Payloads.Kind kind)
            throws Exception {
        long have = storedCount(backends, server.schema());
        long missing = target - have;
        if (missing <= 0) {
            return new Filled(0, 0);
        }
        Progress.say("Storing %,d more messages (the server holds %,d; the reads want %,d)", missing, have, target);
        BenchMessages messages = new BenchMessages("fill", valueBytes, kind);
        AtomicLong payload = new AtomicLong();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (StowageClient client = StowageClient.builder(server.target()).deadline(Duration.ofMinutes(2))
                .retryListener(Flaky.listener()).build()) {
            List<Future<?>> work = new ArrayList<>();
            for (long start = 0; start < missing; start += BATCH) {
                int n = (int) Math.min(BATCH, missing - start);
                work.add(pool.submit(() -> {
                    List<Message> batch;
                    synchronized (messages) {
                        batch = messages.batch(n);
                    }
                    PutBatchResponse rsp = Flaky.call("PutBatch (filling)", () -> client.putBatch(batch));
                    if (rsp.getAckCount() != batch.size()) {
                        throw new IllegalStateException("PutBatch acknowledged " + rsp.getAckCount() + " of " + n);
                    }
                    batch.forEach(m -> payload.addAndGet(BenchMessages.payloadBytes(m)));
                    long total = done.addAndGet(n);
                    if (total % 100_000 < n) {
                        Progress.say("  %,d of %,d stored", total, missing);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Filled(missing, payload.get());
    }
}
