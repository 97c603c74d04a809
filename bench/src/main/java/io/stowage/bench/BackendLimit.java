package io.stowage.bench;

import io.stowage.api.v1.Message;
import io.stowage.common.bson.MessageCodec;
import io.stowage.common.message.ContentDigest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The backends' own limit for a PutBatch: per batch, one write of the segment's bytes straight to
 * the store (an S3 PUT, or a file written and forced to disk) while one multi-row insert of the
 * same index rows goes into a scratch table shaped like Stowage's {@code messages}, committed once
 * the object is durable; and, one after the other, the same for the one-object-per-message layout.
 */
final class BackendLimit implements AutoCloseable {
    /** Objects written at once: the server's STOWAGE_IO_THREADS default. */
    static final int PARALLEL = 16;
    private static final String TIME = "timestamptz 'epoch' + tm * interval '1 microsecond'";

    private final Connection db;
    private final String table;
    private final Store store;
    private final S3Client s3;
    private final ExecutorService io = Executors.newFixedThreadPool(PARALLEL);
    private long next;

    /** A batch made ready beforehand, so that only the writes are timed. */
    record Prepared(byte[] segment, List<byte[]> docs, String[] ids, Long[] times, Integer[] offsets, Integer[] lengths, byte[][] digests,
            Integer[] partitions, Long[] kafkaOffsets) {}

    private BackendLimit(Connection db, String table, Store store, S3Client s3) {
        this.db = db;
        this.table = table;
        this.store = store;
        this.s3 = s3;
    }

    /** Creates the scratch table as a copy of {@code schema.messages}, with its keys and indexes. */
    static BackendLimit open(Backends backends, String schema, Store store) throws SQLException {
        Connection db = backends.connect();
        String table = "bench_raw.messages_" + store.label().toLowerCase(java.util.Locale.ROOT);
        try (Statement st = db.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench_raw");
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (LIKE " + schema + ".messages INCLUDING ALL)");
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        return new BackendLimit(db, table, store, store instanceof Store.Bucket ? RawS3.client(backends) : null);
    }

    /** The segment Stowage would write for {@code batch} (its BSON documents back to back) and its index rows. */
    static Prepared prepare(List<Message> batch) {
        Instant storedAt = Instant.now();
        int n = batch.size();
        ByteArrayOutputStream segment = new ByteArrayOutputStream(n * 1400);
        List<byte[]> docs = new ArrayList<>(n);
        String[] ids = new String[n];
        Long[] times = new Long[n];
        Integer[] offsets = new Integer[n];
        Integer[] lengths = new Integer[n];
        byte[][] digests = new byte[n][];
        Integer[] partitions = new Integer[n];
        Long[] kafkaOffsets = new Long[n];
        for (int i = 0; i < n; i++) {
            Message m = batch.get(i);
            byte[] doc = MessageCodec.encode(m, storedAt);
            ids[i] = m.getId();
            times[i] = m.getKafka().getTimestamp() * 1_000;
            offsets[i] = segment.size();
            lengths[i] = doc.length;
            digests[i] = ContentDigest.of(m);
            partitions[i] = m.getKafka().getPartition();
            kafkaOffsets[i] = m.getKafka().getOffset();
            segment.writeBytes(doc);
            docs.add(doc);
        }
        return new Prepared(segment.toByteArray(), docs, ids, times, offsets, lengths, digests, partitions, kafkaOffsets);
    }

    /**
     * Writes each batch, one after the other: its object on another thread while its rows are
     * inserted in a transaction, committed once the object is durable (the fastest order that keeps
     * every row's object durable before the row is visible, as the server writes a large batch);
     * returns the nanoseconds it took.
     */
    long write(List<Prepared> batches) throws Exception {
        long started = System.nanoTime();
        for (Prepared b : batches) {
            long segmentId = ++next;
            String key = "raw/" + Long.toHexString(System.nanoTime()) + "-" + segmentId + ".bson";
            Future<Object> object = io.submit(() -> {
                writeObject(key, b.segment());
                return null;
            });
            db.setAutoCommit(false);
            try {
                insertRows(segmentId, b);
                object.get();
                db.commit();
            } catch (Exception e) {
                try {
                    db.rollback();
                    object.get(); // the write ends before the batch is given up
                } catch (Exception more) {
                    e.addSuppressed(more);
                }
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
        return System.nanoTime() - started;
    }

    /**
     * The one-object-per-message layout at the backends' limit: each message's document as an
     * object of its own, {@value #PARALLEL} at a time (as the server writes segments), then one
     * insert of the batch's rows.
     */
    long writeOnePerMessage(List<Prepared> batches) throws Exception {
        long started = System.nanoTime();
        for (Prepared b : batches) {
            long segmentId = ++next;
            List<Callable<Object>> puts = new ArrayList<>(b.docs().size());
            for (int i = 0; i < b.docs().size(); i++) {
                String key = "raw-per-message/" + segmentId + "/" + i + ".bson";
                byte[] doc = b.docs().get(i);
                puts.add(() -> {
                    writeObject(key, doc);
                    return null;
                });
            }
            for (Future<Object> f : io.invokeAll(puts)) {
                f.get();
            }
            insertRows(segmentId, b);
        }
        return System.nanoTime() - started;
    }

    private void writeObject(String key, byte[] bytes) throws Exception {
        if (store instanceof Store.Bucket bucket) {
            Flaky.call("raw S3 PUT", () -> s3.putObject(r -> r.bucket(bucket.name()).key(key)
                    .contentLength((long) bytes.length), RequestBody.fromBytes(bytes)));
        } else if (store instanceof Store.Directory dir) {
            Path file = dir.path().resolve(key);
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        }
    }

    private void insertRows(long segmentId, Prepared b) throws SQLException {
        int n = b.ids().length;
        Long[] segments = new Long[n];
        Integer[] ones = new Integer[n];
        java.util.Arrays.fill(segments, segmentId);
        java.util.Arrays.fill(ones, 1);
        java.util.UUID[] uuids = new java.util.UUID[n];
        String[] texts = new String[n];
        Long[] digests = new Long[n];
        for (int i = 0; i < n; i++) {
            uuids[i] = IndexRows.uuidOrNull(b.ids()[i]);
            texts[i] = uuids[i] == null ? b.ids()[i] : null;
            digests[i] = IndexRows.digest(b.digests()[i]);
        }
        String sql = "INSERT INTO " + table + " (" + IndexRows.ID_COLUMNS + ", stream_id, time, segment_id, byte_offset,"
                + " length, digest, kafka_partition, kafka_offset) SELECT u, tx, s, " + TIME + ", seg, off, len, dig, kp, ko"
                + " FROM unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[], ?::bigint[], ?::int[], ?::int[], ?::bigint[],"
                + " ?::int[], ?::bigint[]) AS x(u, tx, s, tm, seg, off, len, dig, kp, ko)";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setArray(1, db.createArrayOf("uuid", uuids));
            ps.setArray(2, db.createArrayOf("text", texts));
            ps.setArray(3, db.createArrayOf("int4", ones));
            ps.setArray(4, db.createArrayOf("int8", b.times()));
            ps.setArray(5, db.createArrayOf("int8", segments));
            ps.setArray(6, db.createArrayOf("int4", b.offsets()));
            ps.setArray(7, db.createArrayOf("int4", b.lengths()));
            ps.setArray(8, db.createArrayOf("int8", digests));
            ps.setArray(9, db.createArrayOf("int4", b.partitions()));
            ps.setArray(10, db.createArrayOf("int8", b.kafkaOffsets()));
            ps.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        io.shutdownNow();
        if (s3 != null) {
            s3.close();
        }
        db.close();
    }
}
