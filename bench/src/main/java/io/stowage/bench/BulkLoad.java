package io.stowage.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * B8's bulk rows, written the fast way: binary {@code COPY} straight into the server's tables
 * with the message indexes dropped and built again afterwards (as a restore from a dump does).
 * The rows are the server's own format: UUID ids, Kafka partition and offset, 1,000 messages
 * per committed segment of one stream and type. Their objects do not exist: they serve look-ups,
 * inserts next to them, scans of ids and expiry, not reads of documents.
 *
 * <p>Layout in time: the first tenth of the rows (the "old day") fills one day ending 10 days
 * ago; the rest spread over the 9 days before {@code now} minus an hour. A retention of 9.5 days
 * expires exactly the old day.
 */
final class BulkLoad {
    static final int PER_SEGMENT = 1000;
    static final Duration OLD_DAY_RETENTION = Duration.ofHours(9 * 24 + 12);
    private static final int LENGTH = 1400;
    private static final int PARTITIONS = 6;
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L; // 2000-01-01T00:00:00Z
    private static final int CHUNK = 20_000;

    /** What was loaded and how long each step took. */
    record Loaded(long rows, long oldDayRows, Duration copy, Duration indexes, Duration vacuum) {}

    private BulkLoad() {}

    static Loaded load(Connection c, String schema, String stream, String type, long rows, Instant now)
            throws SQLException, IOException {
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO \"" + schema + "\"");
            st.execute("SET maintenance_work_mem = '512MB'");
            st.execute("SET synchronous_commit = off");
        }
        int streamId = nameId(c, "streams", stream);
        int typeId = nameId(c, "types", type);
        long oldDay = rows / 10;
        long segments = (rows + PER_SEGMENT - 1) / PER_SEGMENT;
        long[] times = new long[2];
        long t0 = System.nanoTime();
        long firstSegment = copySegments(c, streamId, typeId, rows, segments, now);
        List<String> indexes = dropMessageIndexes(c, schema);
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY messages (time,"
                + " segment_id, kafka_offset, digest, id_uuid, stream_id, byte_offset, length, kafka_partition)"
                + " FROM STDIN (FORMAT binary)");
        ByteArrayOutputStream buf = new ByteArrayOutputStream(CHUNK * 110);
        DataOutputStream out = new DataOutputStream(buf);
        out.writeBytes("PGCOPY\n");
        out.write(new byte[] {(byte) 0xFF, '\r', '\n', 0});
        out.writeInt(0);
        out.writeInt(0);
        for (long r = 0; r < rows; r++) {
            out.writeShort(9);
            field(out, 8).writeLong(micros(timeOf(r, rows, now)) - PG_EPOCH_MICROS);
            field(out, 8).writeLong(firstSegment + r / PER_SEGMENT);
            field(out, 8).writeLong(r / PARTITIONS);
            field(out, 8).writeLong(mix(r + 0x5DEECE66DL));
            field(out, 16).writeLong(mix(r));
            out.writeLong(mix(~r));
            field(out, 4).writeInt(streamId);
            field(out, 4).writeInt((int) (r % PER_SEGMENT) * LENGTH);
            field(out, 4).writeInt(LENGTH);
            field(out, 4).writeInt((int) (r % PARTITIONS));
            if (buf.size() >= CHUNK * 100) {
                copy.writeToCopy(buf.toByteArray(), 0, buf.size());
                buf.reset();
            }
            if ((r + 1) % 5_000_000 == 0) {
                Progress.say("  B8: %,d of %,d rows copied", r + 1, rows);
            }
        }
        out.writeShort(-1);
        copy.writeToCopy(buf.toByteArray(), 0, buf.size());
        copy.endCopy();
        times[0] = System.nanoTime();
        Progress.say("  B8: %,d rows copied in %.0f s; building %d indexes", rows, (times[0] - t0) / 1e9, indexes.size());
        try (Statement st = c.createStatement()) {
            for (String def : indexes) {
                st.execute(def);
            }
            times[1] = System.nanoTime();
            st.execute("VACUUM (ANALYZE) messages, segments");
        }
        long done = System.nanoTime();
        return new Loaded(rows, oldDay, Duration.ofNanos(times[0] - t0), Duration.ofNanos(times[1] - times[0]),
                Duration.ofNanos(done - times[1]));
    }

    /** The time of bulk row {@code r} of {@code rows}: see the class comment. */
    static Instant timeOf(long r, long rows, Instant now) {
        long oldDay = rows / 10;
        Duration day = Duration.ofDays(1);
        if (r < oldDay) {
            Instant start = now.minus(Duration.ofDays(11));
            return start.plusNanos(day.toNanos() / Math.max(1, oldDay) * r);
        }
        Instant start = now.minus(Duration.ofDays(9)).minus(Duration.ofHours(1));
        return start.plusNanos(Duration.ofDays(9).toNanos() / Math.max(1, rows - oldDay) * (r - oldDay));
    }

    private static long copySegments(Connection c, int streamId, int typeId, long rows, long segments, Instant now)
            throws SQLException, IOException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY segments (object_key,"
                + " stream_id, type_id, state, size_bytes, message_count, live_count, live_bytes, min_time, max_time,"
                + " committed_at) FROM STDIN");
        StringBuilder text = new StringBuilder();
        for (long s = 0; s < segments; s++) {
            long first = s * PER_SEGMENT;
            long last = Math.min(rows, first + PER_SEGMENT) - 1;
            long n = last - first + 1;
            // a folder of its own for each: a clean never tries to merge objects that do not exist
            text.append("b8-bulk/").append(s).append("/segment.bson\t").append(streamId).append('\t').append(typeId)
                    .append("\tcommitted\t").append(n * LENGTH).append('\t').append(n).append('\t').append(n)
                    .append('\t').append(n * LENGTH).append('\t').append(timeOf(first, rows, now)).append('\t')
                    .append(timeOf(last, rows, now)).append('\t').append(now).append('\n');
            if (text.length() > 1 << 20 || s == segments - 1) {
                byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                text.setLength(0);
            }
        }
        copy.endCopy();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT min(id), max(id), count(*) FROM segments"
                        + " WHERE object_key LIKE 'b8-bulk/%'")) {
            rs.next();
            if (rs.getLong(3) != segments || rs.getLong(2) - rs.getLong(1) + 1 != segments) {
                throw new IllegalStateException("the bulk segments did not get consecutive ids");
            }
            return rs.getLong(1);
        }
    }

    /** Drops the message table's indexes that no constraint owns; returns their definitions. */
    private static List<String> dropMessageIndexes(Connection c, String schema) throws SQLException {
        List<String> defs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indexname, i.indexdef FROM pg_indexes i"
                + " WHERE i.schemaname = ? AND i.tablename = 'messages' AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
                + " WHERE k.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    defs.add(rs.getString(2));
                }
            }
        }
        try (Statement st = c.createStatement()) {
            for (String name : names) {
                st.execute("DROP INDEX \"" + name + "\"");
            }
        }
        return defs;
    }

    private static int nameId(Connection c, String table, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH ins AS (INSERT INTO " + table + " (name) VALUES (?)"
                + " ON CONFLICT (name) DO NOTHING RETURNING id) SELECT id FROM ins UNION ALL"
                + " SELECT id FROM " + table + " WHERE name = ?")) {
            ps.setString(1, name);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static DataOutputStream field(DataOutputStream out, int length) throws IOException {
        out.writeInt(length);
        return out;
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /** A bijection of 64-bit values that scatters neighbours (the SplitMix64 finaliser): distinct ids, random order. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
