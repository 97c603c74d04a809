package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.Capture;
import io.stowage.server.storage.index.CaptureStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The captures side of {@link PostgresIndex}: tables {@code topic_captures} and {@code group_captures}. */
final class PostgresCaptures implements CaptureStore {
    private static final String PUT_TOPIC = "INSERT INTO topic_captures (topic, seen_at, cluster_id, partitions,"
            + " replication_factor, config_names, config_values) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (topic, seen_at) DO UPDATE SET cluster_id = excluded.cluster_id,"
            + " partitions = excluded.partitions, replication_factor = excluded.replication_factor,"
            + " config_names = excluded.config_names, config_values = excluded.config_values";
    private static final String PUT_GROUP = "INSERT INTO group_captures (group_name, seen_at, cluster_id,"
            + " offset_topics, offset_partitions, offset_values, offset_metadata) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (group_name, seen_at) DO UPDATE SET cluster_id = excluded.cluster_id,"
            + " offset_topics = excluded.offset_topics, offset_partitions = excluded.offset_partitions,"
            + " offset_values = excluded.offset_values, offset_metadata = excluded.offset_metadata";
    private static final String TOPIC_COLUMNS = "topic, seen_at, cluster_id, partitions, replication_factor,"
            + " config_names, config_values";
    private static final String GROUP_COLUMNS = "group_name, seen_at, cluster_id, offset_topics, offset_partitions,"
            + " offset_values, offset_metadata";

    private final Database db;

    PostgresCaptures(Database db) {
        this.db = db;
    }

    @Override
    public void put(Capture capture) {
        db.inTransaction("store a capture", c -> {
            try (PreparedStatement ps = c.prepareStatement(PUT_TOPIC)) {
                for (Capture.Topic t : capture.topics()) {
                    // in name order, so that the same configuration is the same arrays (see dropRepeatedTopics)
                    List<String> names = new ArrayList<>(new TreeSet<>(t.configs().keySet()));
                    ps.setString(1, t.name());
                    Sql.setTime(ps, 2, micros(t.seenAt()));
                    ps.setString(3, t.clusterId());
                    ps.setInt(4, t.partitions());
                    ps.setInt(5, t.replicationFactor());
                    ps.setArray(6, Sql.texts(c, names));
                    ps.setArray(7, Sql.texts(c, names.stream().map(t.configs()::get).toList()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(PUT_GROUP)) {
                for (Capture.Group g : capture.groups()) {
                    List<Capture.Offset> offsets = g.offsets();
                    ps.setString(1, g.name());
                    Sql.setTime(ps, 2, micros(g.seenAt()));
                    ps.setString(3, g.clusterId());
                    ps.setArray(4, Sql.texts(c, offsets.stream().map(Capture.Offset::topic).toList()));
                    ps.setArray(5, Sql.array(c, "integer",
                            offsets.stream().map(Capture.Offset::partition).toArray(Integer[]::new)));
                    ps.setArray(6, Sql.array(c, "bigint",
                            offsets.stream().map(Capture.Offset::offset).toArray(Long[]::new)));
                    ps.setArray(7, Sql.texts(c, offsets.stream().map(Capture.Offset::metadata).toList()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Capture latest(Optional<Instant> at) {
        return db.withConnection("read the latest captures", c -> {
            List<Capture.Topic> topics = new ArrayList<>();
            try (PreparedStatement ps = latestStatement(c, "topic_captures", "topic", TOPIC_COLUMNS, at);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    topics.add(topic(rs));
                }
            }
            List<Capture.Group> groups = new ArrayList<>();
            try (PreparedStatement ps = latestStatement(c, "group_captures", "group_name", GROUP_COLUMNS, at);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Capture.Group g = group(rs);
                    if (!g.offsets().isEmpty()) { // none: the group was gone (deleted, or its offsets expired) by then
                        groups.add(g);
                    }
                }
            }
            return new Capture(topics, groups);
        });
    }

    @Override
    public List<String> topics() {
        return db.withConnection("list captured topics", c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT topic FROM topic_captures ORDER BY topic");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    @Override
    public int expireTopic(String topic, Instant cutoff) {
        return db.withConnection("expire captures of topic " + topic, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM topic_captures t WHERE t.topic = ?"
                    + " AND t.seen_at < ? AND t.seen_at < (SELECT max(k.seen_at) FROM topic_captures k WHERE k.topic = ?"
                    + " AND k.seen_at < ?)")) {
                ps.setString(1, topic);
                Sql.setTime(ps, 2, micros(cutoff));
                ps.setString(3, topic);
                Sql.setTime(ps, 4, micros(cutoff));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int expireGroups(Instant cutoff) {
        return db.withConnection("expire group captures", c -> {
            int removed;
            // the outer bound first, so that the correlated subquery runs only for rows before the cut
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM group_captures g WHERE g.seen_at < ? AND"
                    + " g.seen_at < (SELECT max(k.seen_at) FROM group_captures k WHERE k.group_name = g.group_name"
                    + " AND k.seen_at < ?)")) {
                Sql.setTime(ps, 1, micros(cutoff));
                Sql.setTime(ps, 2, micros(cutoff));
                removed = ps.executeUpdate();
            }
            // a group gone before the cut has no state to keep for any time after it
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM group_captures WHERE seen_at < ?"
                    + " AND cardinality(offset_topics) = 0")) {
                Sql.setTime(ps, 1, micros(cutoff));
                return removed + ps.executeUpdate();
            }
        });
    }

    @Override
    public int thinGroups(Instant hourlyBefore, Instant dailyBefore) {
        return db.withConnection("thin group captures", c -> thin(c, "hour", hourlyBefore) + thin(c, "day", dailyBefore));
    }

    @Override
    public int dropRepeatedTopics(Instant before) {
        // one statement sees the rows as they were when it started: of a run of equal captures, all
        // but the first go
        return db.withConnection("drop repeated topic captures", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM topic_captures t WHERE t.seen_at < ? AND EXISTS ("
                    + "SELECT 1 FROM (SELECT * FROM topic_captures p WHERE p.topic = t.topic AND p.seen_at < t.seen_at"
                    + " ORDER BY p.seen_at DESC LIMIT 1) p WHERE p.cluster_id = t.cluster_id"
                    + " AND p.partitions = t.partitions AND p.replication_factor = t.replication_factor"
                    + " AND p.config_names = t.config_names AND p.config_values = t.config_values)")) {
                Sql.setTime(ps, 1, micros(before));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Removes each group's captures before {@code before} that another capture of the group
     * follows in the same UTC {@code unit}; the probe is a range on the primary key.
     */
    private static int thin(Connection c, String unit, Instant before) throws SQLException {
        String bucketEnd = "(date_trunc('" + unit + "', g.seen_at AT TIME ZONE 'UTC') + interval '1 " + unit
                + "') AT TIME ZONE 'UTC'";
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM group_captures g WHERE g.seen_at < ? AND EXISTS ("
                + "SELECT 1 FROM group_captures k WHERE k.group_name = g.group_name AND k.seen_at > g.seen_at"
                + " AND k.seen_at < " + bucketEnd + ")")) {
            Sql.setTime(ps, 1, micros(before));
            return ps.executeUpdate();
        }
    }

    /** The latest row of each name, at or before {@code at} when given. */
    private static PreparedStatement latestStatement(Connection c, String table, String name, String columns,
            Optional<Instant> at) throws SQLException {
        PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (" + name + ") " + columns + " FROM " + table
                + (at.isPresent() ? " WHERE seen_at <= ?" : "") + " ORDER BY " + name + ", seen_at DESC");
        if (at.isPresent()) {
            Sql.setTime(ps, 1, micros(at.get()));
        }
        return ps;
    }

    private static Capture.Topic topic(ResultSet rs) throws SQLException {
        String[] names = (String[]) rs.getArray("config_names").getArray();
        String[] values = (String[]) rs.getArray("config_values").getArray();
        Map<String, String> configs = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            configs.put(names[i], values[i]);
        }
        return new Capture.Topic(rs.getString("cluster_id"), rs.getString("topic"), rs.getInt("partitions"),
                rs.getInt("replication_factor"), configs, Sql.getTime(rs, "seen_at"));
    }

    private static Capture.Group group(ResultSet rs) throws SQLException {
        String[] topics = (String[]) rs.getArray("offset_topics").getArray();
        Integer[] partitions = (Integer[]) rs.getArray("offset_partitions").getArray();
        Long[] values = (Long[]) rs.getArray("offset_values").getArray();
        String[] metadata = (String[]) rs.getArray("offset_metadata").getArray();
        List<Capture.Offset> offsets = new ArrayList<>();
        for (int i = 0; i < topics.length; i++) {
            offsets.add(new Capture.Offset(topics[i], partitions[i], values[i], metadata[i]));
        }
        return new Capture.Group(rs.getString("cluster_id"), rs.getString("group_name"), offsets,
                Sql.getTime(rs, "seen_at"));
    }

    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
