package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.CountQuery;
import io.stowage.server.storage.index.CountResult;
import io.stowage.server.storage.index.CountResult.PartitionCount;
import io.stowage.server.storage.index.ScanPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counts for {@link PostgresIndex#count}: one GROUP BY over the stream's Kafka rows in the time
 * range, and one statement for all the probes, each a range of the Kafka order index
 * ({@code stream_id, kafka_partition, kafka_offset}). The rows are those a Kafka-order scan of
 * the same range selects ({@link PostgresMessages#scan}).
 */
final class PostgresCounts {
    private final Database db;
    private final NameIds streams;
    private final NameIds types;

    PostgresCounts(Database db, NameIds streams, NameIds types) {
        this.db = db;
        this.streams = streams;
        this.types = types;
    }

    CountResult count(CountQuery q) {
        return db.withConnection("count messages", c -> {
            Optional<Integer> streamId = streams.find(c, q.stream());
            Optional<Integer> typeId = q.type().isPresent() ? types.find(c, q.type().get()) : Optional.empty();
            if (streamId.isEmpty() || (q.type().isPresent() && typeId.isEmpty())) {
                return new CountResult(List.of(), q.probes().stream().map(p -> 0L).toList());
            }
            return new CountResult(partitions(c, q, streamId.get(), typeId), probes(c, q, streamId.get(), typeId));
        });
    }

    /** The rows of the range; {@code m} is the message row, the type is that of its segment. */
    private static String range(CountQuery q, Optional<Integer> typeId) {
        return " FROM messages m" + (typeId.isPresent() ? " JOIN segments s ON s.id = m.segment_id AND s.type_id = ?" : "")
                + " WHERE m.stream_id = ? AND m.kafka_partition IS NOT NULL AND m.time >= ? AND m.time < ?"
                // after a scan position, as the Kafka-order scan continues after its cursor
                + (q.after().isPresent() ? " AND m.kafka_partition >= ? AND (m.kafka_partition, m.kafka_offset, "
                        + IdColumns.ID_ORDER + ") > (?, ?, ?)" : "");
    }

    private static int bindRange(PreparedStatement ps, int i, CountQuery q, int streamId, Optional<Integer> typeId)
            throws SQLException {
        if (typeId.isPresent()) {
            ps.setInt(i++, typeId.get());
        }
        ps.setInt(i++, streamId);
        Sql.setTime(ps, i++, q.from());
        Sql.setTime(ps, i++, q.to());
        if (q.after().isPresent()) {
            ScanPosition after = q.after().get();
            ps.setInt(i++, after.kafkaPartition());
            ps.setInt(i++, after.kafkaPartition());
            ps.setLong(i++, after.kafkaOffset());
            ps.setString(i++, after.id());
        }
        return i;
    }

    private static List<PartitionCount> partitions(Connection c, CountQuery q, int streamId, Optional<Integer> typeId)
            throws SQLException {
        String sql = "SELECT m.kafka_partition, count(*) AS n, sum(m.length)::bigint AS b, min(m.kafka_offset) AS lo,"
                + " max(m.kafka_offset) AS hi, min(m.time) AS oldest" + range(q, typeId)
                + " GROUP BY m.kafka_partition ORDER BY m.kafka_partition";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindRange(ps, 1, q, streamId, typeId);
            List<PartitionCount> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new PartitionCount(rs.getInt(1), rs.getLong("n"), rs.getLong("b"), rs.getLong("lo"),
                            rs.getLong("hi"), Sql.getTime(rs, "oldest")));
                }
            }
            return result;
        }
    }

    private static List<Long> probes(Connection c, CountQuery q, int streamId, Optional<Integer> typeId)
            throws SQLException {
        if (q.probes().isEmpty()) {
            return List.of();
        }
        int n = q.probes().size();
        Integer[] partitions = new Integer[n];
        Long[] below = new Long[n];
        for (int i = 0; i < n; i++) {
            partitions[i] = q.probes().get(i).partition();
            below[i] = q.probes().get(i).belowOffset();
        }
        String sql = "SELECT (SELECT count(*)" + range(q, typeId) + " AND m.kafka_partition = p.kp AND m.kafka_offset < p.below)"
                + " FROM unnest(?::int[], ?::bigint[]) WITH ORDINALITY AS p(kp, below, ord) ORDER BY p.ord";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindRange(ps, 1, q, streamId, typeId);
            ps.setArray(i++, Sql.array(c, "int4", partitions));
            ps.setArray(i, Sql.array(c, "int8", below));
            List<Long> result = new ArrayList<>(n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getLong(1));
                }
            }
            return result;
        }
    }
}
