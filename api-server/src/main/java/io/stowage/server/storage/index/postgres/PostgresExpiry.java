package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.SegmentRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention in PostgreSQL. Most of a day past retention lies in segments that end before the
 * cut: their rows go by one {@code DELETE} per batch of segments, found through the time index
 * and kept to those segments by a hash join, and the segments are set to nothing live in the same
 * transaction, without returning and counting the rows one by one (which costs as much as the
 * delete itself). The rows before the cut in segments that reach past it are deleted with
 * accounting per segment, as {@code DeleteBatch} does.
 */
final class PostgresExpiry {
    private static final Logger log = LoggerFactory.getLogger(PostgresExpiry.class);
    /**
     * Widens a batch's time range: a segment's bounds and its rows' times come from the same
     * instants, but a rounding to the microsecond somewhere must not leave a row behind.
     */
    private static final Duration SLACK = Duration.ofSeconds(1);

    private static final int WHOLE_SEGMENTS_FETCH = 500;
    private static final String WHOLE_SEGMENTS = "SELECT id, min_time, max_time, live_count FROM segments"
            + " WHERE stream_id = ? AND state = 'committed' AND max_time < ? AND live_count > 0"
            + " ORDER BY max_time, id LIMIT ?";
    private static final String DELETE_ROWS = "DELETE FROM messages m WHERE m.stream_id = ? AND m.time >= ?"
            + " AND m.time <= ? AND m.segment_id IN (SELECT unnest(?::int8[]))";
    // o is the row before the update: its live bytes are the bytes deleted (nothing else can
    // change a segment whose rows this transaction holds deleted)
    private static final String EMPTY_SEGMENTS = "UPDATE segments s SET live_count = 0, live_bytes = 0"
            + " FROM segments o, streams st WHERE s.id = ANY(?) AND s.state = 'committed' AND o.id = s.id"
            + " AND st.id = s.stream_id RETURNING " + PostgresSegments.SEGMENT_COLUMNS + ", o.live_count AS live_before,"
            + " o.live_bytes AS deleted_bytes";

    private final Database db;
    private final NameIds streams;

    PostgresExpiry(Database db, NameIds streams) {
        this.db = db;
        this.streams = streams;
    }

    DeleteOutcome expireSegments(String stream, Instant cutoff, int limit) {
        return db.inTransaction("expire whole segments of " + stream, c -> {
            Optional<Integer> streamId = streams.find(c, stream);
            if (streamId.isEmpty()) {
                return DeleteOutcome.NONE;
            }
            List<Long> ids = new ArrayList<>();
            Instant from = null;
            Instant to = null;
            try (PreparedStatement ps = c.prepareStatement(WHOLE_SEGMENTS)) {
                ps.setInt(1, streamId.get());
                Sql.setTime(ps, 2, cutoff);
                ps.setInt(3, Math.max(1, limit));
                // read only as far as the limit needs, not every segment before the cut
                ps.setFetchSize(WHOLE_SEGMENTS_FETCH);
                long messages = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (messages < limit && rs.next()) {
                        ids.add(rs.getLong("id"));
                        Instant min = Sql.getTime(rs, "min_time");
                        from = from == null || min.isBefore(from) ? min : from;
                        to = Sql.getTime(rs, "max_time"); // in order: the last is the latest
                        messages += rs.getInt("live_count");
                    }
                }
            }
            if (ids.isEmpty()) {
                return DeleteOutcome.NONE;
            }
            Long[] segmentIds = ids.toArray(Long[]::new);
            int deleted;
            try (PreparedStatement ps = c.prepareStatement(DELETE_ROWS)) {
                ps.setInt(1, streamId.get());
                Sql.setTime(ps, 2, from.minus(SLACK));
                Sql.setTime(ps, 3, to.plus(SLACK));
                ps.setArray(4, Sql.array(c, "int8", segmentIds));
                deleted = ps.executeUpdate();
            }
            return emptySegments(c, segmentIds, deleted);
        });
    }

    /**
     * Sets the batch's segments to nothing live, unless the rows deleted are not exactly the rows
     * they held: then a segment's time range did not cover its rows (or a segment left the
     * committed state), and emptying it would let Clean delete an object rows still point at. The
     * whole batch is rolled back and left to {@link #expire}, which counts row by row.
     */
    private static DeleteOutcome emptySegments(Connection c, Long[] segmentIds, int deleted) throws SQLException {
        long bytes = 0;
        long liveBefore = 0;
        List<SegmentRef> emptied = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(EMPTY_SEGMENTS)) {
            ps.setArray(1, Sql.array(c, "int8", segmentIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    liveBefore += rs.getLong("live_before");
                    bytes += rs.getLong("deleted_bytes");
                    emptied.add(PostgresSegments.segmentRef(rs));
                }
            }
        }
        if (liveBefore != deleted || emptied.size() != segmentIds.length) {
            c.rollback();
            log.warn("Expiry by whole segments deleted {} rows where the segments held {}; those segments are"
                    + " expired message by message instead", deleted, liveBefore);
            return DeleteOutcome.NONE;
        }
        return new DeleteOutcome(deleted, bytes, emptied);
    }

    DeleteOutcome expire(String stream, Instant cutoff, int limit) {
        return db.withConnection("expire messages of " + stream, c -> {
            Optional<Integer> streamId = streams.find(c, stream);
            if (streamId.isEmpty()) {
                return DeleteOutcome.NONE;
            }
            try (PreparedStatement ps = c.prepareStatement(PostgresMessages.Deletes.EXPIRE)) {
                ps.setInt(1, streamId.get());
                Sql.setTime(ps, 2, cutoff);
                ps.setInt(3, streamId.get());
                ps.setInt(4, limit);
                return PostgresMessages.Deletes.outcome(ps);
            }
        });
    }
}
