package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageIds;
import io.stowage.server.storage.index.WrittenSegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The commit of many rows (a large batch, or a group of small ones) the fast way: the segments set
 * committed, then the message rows by binary {@code COPY}, in one transaction. {@code COPY} fills
 * heap pages many rows at a time (one WAL record per page, not per row) and skips the executor's
 * work per row of an {@code INSERT ... SELECT FROM unnest(...)}: in {@code psql}, 1,000 rows into
 * the messages table with its indexes took 8.5-8.9 ms by text {@code COPY} against 14-16 ms by the
 * insert.
 *
 * <p>{@code COPY} has no {@code ON CONFLICT}: one stored id fails it whole. That is rare: a
 * re-delivery (a client's retry of a batch whose answer it missed, a Kafka partition read again
 * after a worker's restart), or another writer of the same ids at the same moment or in the same
 * group. Then nothing of the transaction stays, and {@link #commit} says so, for the caller to
 * commit by the insert that settles each id.
 *
 * <p>Rows go in the order of the insert's {@code ORDER BY} (UUIDs by their bytes, then text ids
 * by their UTF-8 bytes, which is the {@code "C"} collation), so that two writers of the same ids
 * wait for each other in one order and never deadlock, whichever way each one commits.
 */
final class CopyCommit {
    /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    private static final short COLUMNS = 10;
    /** Each field is its length (4 bytes, -1 for null) and its value. */
    private static final int FIELD = Integer.BYTES;
    private static final String COPY = "COPY messages (id_uuid, id_text, stream_id, time, segment_id, byte_offset,"
            + " length, digest, kafka_partition, kafka_offset) FROM STDIN (FORMAT binary)";

    /**
     * The order rows go in, that of {@link PostgresMessages#LOCK_ORDER}: UUID ids by their 16
     * bytes, then text ids by their UTF-8 bytes.
     */
    static final Comparator<Row> LOCK_ORDER = (a, b) -> {
        if (a.uuid != null && b.uuid != null) {
            int high = Long.compareUnsigned(a.uuid.getMostSignificantBits(), b.uuid.getMostSignificantBits());
            return high != 0 ? high
                    : Long.compareUnsigned(a.uuid.getLeastSignificantBits(), b.uuid.getLeastSignificantBits());
        }
        if (a.uuid != null || b.uuid != null) {
            return a.uuid != null ? -1 : 1; // UUIDs first, as NULLS LAST puts the text ids' null UUIDs last
        }
        return Arrays.compareUnsigned(a.text, b.text);
    };

    private final Database db;
    private final NameIds streams;

    CopyCommit(Database db, NameIds streams) {
        this.db = db;
        this.streams = streams;
    }

    /**
     * Commits the segments still pending among {@code written} with the rows of their messages.
     * Returns the entries indexed (those of the segments still pending); empty when an id is stored
     * already: nothing was committed then.
     */
    Optional<List<IndexEntry>> commit(List<WrittenSegment> written, List<IndexEntry> entries) {
        return commit(written, entries, streams.ensure(db, entries.stream().map(IndexEntry::stream).toList()),
                Optional.empty(), MessageIndex.ObjectsDurable.WRITTEN);
    }

    /**
     * ... with the entries' streams numbered already ({@code streamIds}), whose statements wait at
     * most {@code lockWait} for a lock (empty: the connection's lock timeout), and which commits
     * once {@code objects} are durable: the rows are copied meanwhile.
     */
    Optional<List<IndexEntry>> commit(List<WrittenSegment> written, List<IndexEntry> entries,
            Map<String, Integer> streamIds, Optional<Duration> lockWait, MessageIndex.ObjectsDurable objects) {
        try {
            return Optional.of(db.inTransaction("index stored messages", lockWait, c -> {
                List<IndexEntry> copied = copy(c, written, entries, streamIds);
                PostgresMessages.awaitBeforeCommit(objects);
                return copied;
            }));
        } catch (StorageException e) {
            if (Sql.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static List<IndexEntry> copy(Connection c, List<WrittenSegment> written, List<IndexEntry> entries,
            Map<String, Integer> streamIds) throws SQLException {
        Map<Long, int[]> live = new HashMap<>(); // per segment: messages, bytes
        for (IndexEntry e : entries) {
            int[] counts = live.computeIfAbsent(e.segmentId(), id -> new int[2]);
            counts[0]++;
            counts[1] += e.length();
        }
        Set<Long> committed = commitPending(c, written, live);
        List<Row> rows = new ArrayList<>(entries.size());
        List<IndexEntry> copied = new ArrayList<>(entries.size());
        for (IndexEntry e : entries) {
            if (committed.contains(e.segmentId())) { // else retired meanwhile: none of its messages is indexed
                rows.add(new Row(e, streamIds.get(e.stream())));
                copied.add(e);
            }
        }
        rows.sort(LOCK_ORDER);
        byte[] data = encode(rows);
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            in.writeToCopy(data, 0, data.length);
            in.endCopy();
        } catch (SQLException | RuntimeException e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException cancel) {
                    e.addSuppressed(cancel); // the connection is likely gone; the first error says why
                }
            }
            throw e;
        }
        return copied;
    }

    /**
     * Sets the segments that are still pending committed, with the facts of their objects and
     * their live counts; returns those that were. Its row locks keep a cleaner from retiring them meanwhile.
     */
    private static Set<Long> commitPending(Connection c, List<WrittenSegment> written, Map<Long, int[]> live)
            throws SQLException {
        WrittenFacts facts = WrittenFacts.of(written);
        int n = written.size();
        Integer[] counts = new Integer[n];
        Long[] bytes = new Long[n];
        for (int i = 0; i < n; i++) {
            int[] l = live.getOrDefault(facts.ids()[i], new int[2]);
            counts[i] = l[0];
            bytes[i] = (long) l[1];
        }
        Set<Long> committed = new HashSet<>();
        // locked in the order of their ids first, as the insert commit does, so that two commits (or a
        // commit and the cleaner) that share segments wait for each other instead of deadlocking
        try (PreparedStatement ps = c.prepareStatement("WITH locked AS (SELECT id FROM segments"
                + " WHERE id = ANY(?) AND state = 'pending' ORDER BY id FOR UPDATE)"
                + " UPDATE segments s SET " + PostgresMessages.COMMITTED + ", " + PostgresMessages.WRITTEN_FACTS + ","
                + " live_count = f.live_n, live_bytes = f.live_b"
                + " FROM locked JOIN unnest(?::bigint[], ?::bigint[], ?::int[], ?::bigint[], ?::bigint[], ?::int[],"
                + " ?::bigint[]) AS f(id, sz, n, lo, hi, live_n, live_b) ON f.id = locked.id"
                + " WHERE s.id = locked.id RETURNING s.id")) {
            ps.setArray(1, Sql.array(c, "int8", facts.ids()));
            facts.bind(c, ps, 2);
            ps.setArray(7, Sql.array(c, "int4", counts));
            ps.setArray(8, Sql.array(c, "int8", bytes));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    committed.add(rs.getLong(1));
                }
            }
        }
        return committed;
    }

    /** The rows in PostgreSQL's binary {@code COPY} format, into an array of their exact size. */
    static byte[] encode(List<Row> rows) {
        int size = HEADER.length + Short.BYTES;
        for (Row r : rows) {
            size += rowBytes(r);
        }
        ByteBuffer out = ByteBuffer.allocate(size); // big-endian, as COPY wants
        out.put(HEADER);
        for (Row r : rows) {
            IndexEntry e = r.entry;
            out.putShort(COLUMNS);
            if (r.uuid != null) {
                out.putInt(16).putLong(r.uuid.getMostSignificantBits()).putLong(r.uuid.getLeastSignificantBits());
                out.putInt(-1);
            } else {
                out.putInt(-1);
                out.putInt(r.text.length).put(r.text);
            }
            out.putInt(Integer.BYTES).putInt(r.stream);
            out.putInt(Long.BYTES).putLong(Sql.micros(e.time()) - PG_EPOCH_MICROS);
            out.putInt(Long.BYTES).putLong(e.segmentId());
            out.putInt(Integer.BYTES).putInt(e.offset());
            out.putInt(Integer.BYTES).putInt(e.length());
            out.putInt(Long.BYTES).putLong(IdColumns.digest(e.digest()));
            if (e.kafkaPartition() == null) {
                out.putInt(-1);
            } else {
                out.putInt(Integer.BYTES).putInt(e.kafkaPartition());
            }
            if (e.kafkaOffset() == null) {
                out.putInt(-1);
            } else {
                out.putInt(Long.BYTES).putLong(e.kafkaOffset());
            }
        }
        out.putShort((short) -1);
        if (out.hasRemaining()) {
            throw new IllegalStateException("COPY rows took " + out.position() + " of the " + size + " bytes counted");
        }
        return out.array();
    }

    /** The bytes {@link #encode} writes for {@code r}. */
    private static int rowBytes(Row r) {
        int id = r.uuid != null ? FIELD + 16 + FIELD : FIELD + FIELD + r.text.length;
        int fixed = 6 * FIELD + Integer.BYTES + Long.BYTES + Long.BYTES + Integer.BYTES + Integer.BYTES + Long.BYTES;
        int kafka = (r.entry.kafkaPartition() == null ? FIELD : FIELD + Integer.BYTES)
                + (r.entry.kafkaOffset() == null ? FIELD : FIELD + Long.BYTES);
        return Short.BYTES + id + fixed + kafka;
    }

    /** A row to copy: its entry, its id in the column it goes to, its stream's number. */
    static final class Row {
        final IndexEntry entry;
        final UUID uuid;
        final byte[] text;
        final int stream;

        Row(IndexEntry entry, int stream) {
            this.entry = entry;
            this.stream = stream;
            this.uuid = MessageIds.asUuid(entry.id()).orElse(null);
            this.text = uuid == null ? entry.id().getBytes(StandardCharsets.UTF_8) : null;
        }
    }
}
