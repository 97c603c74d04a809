package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.IndexedMessage;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.SegmentRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/** The segment side of {@link PostgresIndex}: what the cleaner and the verifier use. */
final class PostgresSegments {
    private static final long CLEAN_LOCK_KEY = 0x5354_4f57_434c_4eL; // "STOWCLN"
    /** A segment row as SegmentRef reads it; {@code s} is segments, {@code st} streams. */
    static final String SEGMENT_COLUMNS = "s.id, s.object_key, st.name AS stream,"
            + " (SELECT t.name FROM types t WHERE t.id = s.type_id) AS type, s.size_bytes,"
            + " s.live_count, s.live_bytes, s.min_time, s.max_time";

    private final Database db;
    private final NameIds streams;

    PostgresSegments(Database db, NameIds streams) {
        this.db = db;
        this.streams = streams;
    }

    List<String> streams() {
        return db.withConnection("list streams", c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM streams ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    List<SegmentRef> retireAbandoned(Instant cutoff) {
        return db.withConnection("retire abandoned segments", c -> {
            // locked in the order of their ids, as the commits lock theirs, so neither deadlocks the other
            try (PreparedStatement ps = c.prepareStatement("WITH overdue AS (SELECT id FROM segments"
                    + " WHERE state = 'pending' AND created_at < ? ORDER BY id FOR UPDATE)"
                    + " UPDATE segments s SET state = 'retired' FROM overdue, streams st"
                    + " WHERE s.id = overdue.id AND st.id = s.stream_id RETURNING " + SEGMENT_COLUMNS)) {
                Sql.setTime(ps, 1, cutoff);
                return segments(ps);
            }
        });
    }

    List<SegmentRef> deadSegments() {
        return db.withConnection("find dead segments", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEGMENT_COLUMNS
                    + " FROM segments s JOIN streams st ON st.id = s.stream_id"
                    + " WHERE s.state = 'retired' OR (s.state = 'committed' AND s.live_count = 0) ORDER BY s.id")) {
                return segments(ps);
            }
        });
    }

    List<SegmentRef> sparseSegments(double minDeadRatio, long afterId, int limit) {
        return db.withConnection("find sparse segments", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEGMENT_COLUMNS
                    + " FROM segments s JOIN streams st ON st.id = s.stream_id"
                    + " WHERE s.state = 'committed' AND s.live_count > 0 AND s.live_bytes < s.size_bytes"
                    + " AND (s.size_bytes - s.live_bytes) >= ? * s.size_bytes AND s.id > ? ORDER BY s.id LIMIT ?")) {
                ps.setDouble(1, minDeadRatio);
                ps.setLong(2, afterId);
                ps.setInt(3, limit);
                return segments(ps);
            }
        });
    }

    List<IndexedMessage> liveMessages(SegmentRef segment) {
        return db.withConnection("list live messages of a segment", c -> {
            // through the scan index: the segment's stream and time bounds narrow the range
            try (PreparedStatement ps = c.prepareStatement("SELECT " + IdColumns.ID + ", m.byte_offset, m.length,"
                    + " m.digest FROM messages m"
                    + " WHERE m.stream_id = (SELECT stream_id FROM segments WHERE id = ?)"
                    + " AND m.time >= ? AND m.time <= ? AND m.segment_id = ? ORDER BY m.byte_offset")) {
                ps.setLong(1, segment.id());
                Sql.setTime(ps, 2, segment.minTime());
                Sql.setTime(ps, 3, segment.maxTime());
                ps.setLong(4, segment.id());
                List<IndexedMessage> live = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        live.add(new IndexedMessage(new MessageLocation(rs.getString(1), segment.id(),
                                segment.objectKey(), rs.getInt(2), rs.getInt(3)), IdColumns.digest(rs.getLong(4))));
                    }
                }
                return live;
            }
        });
    }

    List<SegmentRef> committedSegments(long afterId, int limit) {
        return db.withConnection("list committed segments", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEGMENT_COLUMNS
                    + " FROM segments s JOIN streams st ON st.id = s.stream_id"
                    + " WHERE s.state = 'committed' AND s.id > ? ORDER BY s.id LIMIT ?")) {
                ps.setLong(1, afterId);
                ps.setInt(2, limit);
                return segments(ps);
            }
        });
    }

    boolean isCommitted(long segmentId) {
        return db.withConnection("check a segment", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM segments WHERE id = ? AND state = 'committed'")) {
                ps.setLong(1, segmentId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    Set<String> knownObjectKeys(Collection<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        return db.withConnection("look up object keys", c -> {
            Set<String> known = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT object_key FROM segments WHERE object_key = ANY(?)")) {
                ps.setArray(1, Sql.texts(c, keys));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.add(rs.getString(1));
                    }
                }
            }
            return known;
        });
    }

    void recount(SegmentRef segment) {
        db.withConnection("recount a segment", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE segments s SET live_count = agg.n, live_bytes = agg.b"
                    + " FROM (SELECT count(*)::int AS n, coalesce(sum(m.length), 0)::bigint AS b FROM messages m"
                    + "   WHERE m.stream_id = (SELECT stream_id FROM segments WHERE id = ?)"
                    + "   AND m.time >= ? AND m.time <= ? AND m.segment_id = ?) agg WHERE s.id = ?")) {
                ps.setLong(1, segment.id());
                Sql.setTime(ps, 2, segment.minTime());
                Sql.setTime(ps, 3, segment.maxTime());
                ps.setLong(4, segment.id());
                ps.setLong(5, segment.id());
                return ps.executeUpdate();
            }
        });
    }

    long messageCount() {
        return db.withConnection("count messages", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT coalesce(sum(live_count), 0) FROM segments WHERE state = 'committed'");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    List<SegmentRef> mergeableSegments(Instant closedBefore, long smallerThan, String afterKey, int limit) {
        return db.withConnection("find small segments to merge", c -> {
            // the folder of the object key is the layout partition; byte order ("C") keeps each
            // folder's keys together, whatever the database's collation
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (SELECT " + SEGMENT_COLUMNS + ","
                    + " count(*) OVER (PARTITION BY regexp_replace(s.object_key, '[^/]*$', '')) AS in_partition"
                    + " FROM segments s JOIN streams st ON st.id = s.stream_id"
                    + " WHERE s.state = 'committed' AND s.live_count > 0 AND s.size_bytes < ? AND s.max_time < ?) c"
                    + " WHERE in_partition > 1 AND object_key COLLATE \"C\" > ? ORDER BY object_key COLLATE \"C\" LIMIT ?")) {
                ps.setLong(1, smallerThan);
                Sql.setTime(ps, 2, closedBefore);
                ps.setString(3, afterKey);
                ps.setInt(4, limit);
                return segments(ps);
            }
        });
    }

    int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
        Long[] fromIds = from.stream().map(SegmentRef::id).sorted().toArray(Long[]::new);
        return db.inTransaction("move messages to a rewritten segment", c -> {
            // in id order, so that two relocations never wait on each other
            try (PreparedStatement lock = c.prepareStatement(
                    "SELECT id FROM segments WHERE id = ANY(?) ORDER BY id FOR UPDATE")) {
                lock.setArray(1, Sql.array(c, "int8", fromIds));
                lock.executeQuery().close();
            }
            List<String> ids = List.copyOf(newOffsets.keySet());
            Integer[] offsets = new Integer[ids.size()];
            Integer[] lengths = new Integer[ids.size()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = newOffsets.get(ids.get(i))[0];
                lengths[i] = newOffsets.get(ids.get(i))[1]; // a rewrite may change the stored form (compression)
            }
            int moved;
            long movedBytes;
            try (PreparedStatement ps = c.prepareStatement("WITH moved AS (UPDATE messages m SET segment_id = ?,"
                    + " byte_offset = x.off, length = x.len FROM unnest(?::uuid[], ?::text[], ?::int[], ?::int[])"
                    + " AS x(u, tx, off, len) WHERE (m.id_uuid = x.u OR m.id_text = x.tx) AND m.segment_id = ANY(?)"
                    + " RETURNING m.length) SELECT count(*)::int, coalesce(sum(length), 0)::bigint FROM moved")) {
                ps.setLong(1, to);
                IdColumns.Split.of(ids).bind(c, ps, 2);
                ps.setArray(4, Sql.array(c, "int4", offsets));
                ps.setArray(5, Sql.array(c, "int4", lengths));
                ps.setArray(6, Sql.array(c, "int8", fromIds));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    moved = rs.getInt(1);
                    movedBytes = rs.getLong(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE segments SET state = 'committed',"
                    + " committed_at = now(), live_count = ?, live_bytes = ? WHERE id = ?")) {
                ps.setInt(1, moved);
                ps.setLong(2, movedBytes);
                ps.setLong(3, to);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE segments SET state = 'retired', live_count = 0,"
                    + " live_bytes = 0 WHERE id = ANY(?)")) {
                ps.setArray(1, Sql.array(c, "int8", fromIds));
                ps.executeUpdate();
            }
            return moved;
        });
    }

    void removeSegment(long segmentId) {
        db.withConnection("forget a removed segment", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM segments WHERE id = ?"
                    + " AND (state = 'retired' OR live_count = 0)")) {
                ps.setLong(1, segmentId);
                return ps.executeUpdate();
            }
        });
    }

    void removeSegments(List<Long> segmentIds) {
        if (segmentIds.isEmpty()) {
            return;
        }
        db.withConnection("forget removed segments", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM segments WHERE id = ANY(?)"
                    + " AND (state = 'retired' OR live_count = 0)")) {
                ps.setArray(1, Sql.array(c, "int8", segmentIds.toArray(Long[]::new)));
                return ps.executeUpdate();
            }
        });
    }

    boolean withCleanLock(Runnable work) {
        return db.withConnection("take the clean lock", c -> {
            if (!tryLock(c)) {
                return false;
            }
            try {
                work.run();
                return true;
            } finally {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, CLEAN_LOCK_KEY);
                    ps.executeQuery().close();
                }
            }
        });
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, CLEAN_LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static List<SegmentRef> segments(PreparedStatement ps) throws SQLException {
        List<SegmentRef> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(segmentRef(rs));
            }
        }
        return result;
    }

    static SegmentRef segmentRef(ResultSet rs) throws SQLException {
        return new SegmentRef(rs.getLong("id"), rs.getString("object_key"), rs.getString("stream"),
                rs.getString("type"), rs.getLong("size_bytes"), rs.getInt("live_count"), rs.getLong("live_bytes"),
                Sql.getTime(rs, "min_time"), Sql.getTime(rs, "max_time"));
    }
}
