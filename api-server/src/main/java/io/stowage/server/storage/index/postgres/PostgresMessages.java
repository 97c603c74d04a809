package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.ScanOrder;
import io.stowage.server.storage.index.ScanPosition;
import io.stowage.server.storage.index.ScanQuery;
import io.stowage.server.storage.index.ScanRow;
import io.stowage.server.storage.index.StreamStats;
import io.stowage.server.storage.index.WrittenSegment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message side of {@link PostgresIndex}: writes, look-ups, deletes, scans and status. Every
 * operation on a batch is a constant number of statements, whatever the batch size: rows go in
 * and out as arrays ({@code unnest}), and the rows of a large commit go in by binary {@code COPY}
 * ({@link CopyCommit}).
 */
final class PostgresMessages {
    private static final Logger log = LoggerFactory.getLogger(PostgresMessages.class);
    private static final String MICROS = Sql.MICROS_TO_TIMESTAMP;

    /**
     * The order in which a commit inserts rows, and so takes the locks of their ids: one order for
     * every writer (and {@link CopyCommit}'s), so that two batches with shared ids wait for each
     * other instead of deadlocking. {@code "C"}: whatever the database's collation.
     */
    static final String LOCK_ORDER = "x.u, x.tx COLLATE \"C\"";
    /** The most rows the commits of a group hold, unless its first commit alone has more. */
    private static final int MAX_GROUP_ROWS = 10_000;
    /**
     * The longest a group waits for a lock, when the connection's lock timeout is longer: a lock
     * held for a second is held by something other than a concurrent commit, and the group's
     * calls are better committed alone (see {@link #commitTogether}).
     */
    static final Duration GROUP_LOCK_WAIT = Duration.ofSeconds(1);
    /**
     * The longest a transaction that copied a batch's rows waits for the batch's objects: it holds
     * the locks of the batch's ids and segments meanwhile, which a concurrent writer of one of those
     * ids (a group among them) or a cleaner may need. Past it, the transaction rolls back, and the
     * batch commits once its objects are durable, as a small one does.
     */
    static final Duration OVERLAP_WAIT = GROUP_LOCK_WAIT;
    /** What a segment's commit sets, besides its live count and bytes. */
    static final String COMMITTED = "state = 'committed', committed_at = now()";
    /**
     * The facts of a written segment's object, from a {@link WrittenFacts} relation {@code f}; a
     * null keeps what the pending row was registered with.
     */
    static final String WRITTEN_FACTS = "size_bytes = coalesce(f.sz, s.size_bytes),"
            + " message_count = coalesce(f.n, s.message_count),"
            + " min_time = coalesce(" + Sql.MICROS_TO_TIMESTAMP.formatted("f.lo") + ", s.min_time),"
            + " max_time = coalesce(" + Sql.MICROS_TO_TIMESTAMP.formatted("f.hi") + ", s.max_time)";

    private final Database db;
    private final NameIds streams;
    private final NameIds types;

    private final CopyCommit copyCommit;
    private final int copyFrom;
    private final GroupedCalls<CommitCall, Committed> commits;
    /** {@link #GROUP_LOCK_WAIT} when the connection's lock timeout is longer (or off); else empty: that timeout. */
    private final Optional<Duration> groupLockWait;
    /** Calls committed alone at once: half the pool (see {@link #commitAlone}). */
    private final Semaphore aloneSlots;
    /**
     * Large batches whose rows are copied while their objects are written, at once: a quarter of the
     * pool, none with fewer than four connections (see {@link #commitSegments(List, List,
     * MessageIndex.ObjectsDurable)}); apart from {@link #aloneSlots}, which calls held up by a lock need.
     */
    private final Semaphore overlapSlots;
    /** How long a call to be committed alone waits for its turn: as long as a lock may be waited for. */
    private final Duration aloneQueueWait;

    /** @param copyFrom commits of at least this many rows go by {@link CopyCommit} first */
    PostgresMessages(Database db, NameIds streams, NameIds types, int copyFrom) {
        this.db = db;
        this.streams = streams;
        this.types = types;
        this.copyCommit = new CopyCommit(db, streams);
        this.copyFrom = copyFrom;
        this.commits = new GroupedCalls<>(this::commitTogether, call -> call.entries().size(), MAX_GROUP_ROWS);
        this.groupLockWait = db.lockTimeout().filter(t -> t.compareTo(GROUP_LOCK_WAIT) <= 0).isPresent()
                ? Optional.empty() : Optional.of(GROUP_LOCK_WAIT);
        this.aloneSlots = new Semaphore(Math.max(1, db.poolSize() / 2));
        this.overlapSlots = new Semaphore(db.poolSize() / 4);
        this.aloneQueueWait = db.lockTimeout().orElse(Database.DEFAULT_LOCK_TIMEOUT);
    }

    Map<String, byte[]> findDigests(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return db.withConnection("look up stored ids", c -> {
            Map<String, byte[]> found = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + IdColumns.ID + ", m.digest FROM messages m"
                    + " WHERE " + IdColumns.MATCHES)) {
                IdColumns.bindSet(c, ps, 1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), IdColumns.digest(rs.getLong(2)));
                    }
                }
            }
            return found;
        });
    }

    /**
     * The pending rows of segments about to be written, one statement (so one round trip and one
     * commit). The write path reserves them ahead, several per layout partition at a time, so that
     * a PutBatch does not pay this durable round trip of its own.
     */
    List<Long> addPendingSegments(List<NewSegment> segments) {
        if (segments.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> streamIds = streams.ensure(db, segments.stream().map(NewSegment::stream).toList());
        Map<String, Integer> typeIds = types.ensure(db, segments.stream().map(NewSegment::type).toList());
        return db.withConnection("register pending segments", c -> {
            int n = segments.size();
            String[] keys = new String[n];
            Integer[] streamCol = new Integer[n];
            Integer[] typeCol = new Integer[n];
            Long[] sizes = new Long[n];
            Integer[] counts = new Integer[n];
            Long[] minTimes = new Long[n];
            Long[] maxTimes = new Long[n];
            for (int i = 0; i < n; i++) {
                NewSegment s = segments.get(i);
                keys[i] = s.objectKey();
                streamCol[i] = streamIds.get(s.stream());
                typeCol[i] = typeIds.get(s.type());
                sizes[i] = s.sizeBytes();
                counts[i] = s.messageCount();
                minTimes[i] = Sql.micros(s.minTime());
                maxTimes[i] = Sql.micros(s.maxTime());
            }
            String sql = "INSERT INTO segments (object_key, stream_id, type_id, state, size_bytes, message_count,"
                    + " min_time, max_time)"
                    + " SELECT k, s, t, 'pending', sz, n, " + MICROS.formatted("lo") + ", " + MICROS.formatted("hi")
                    + " FROM unnest(?::text[], ?::int[], ?::int[], ?::bigint[], ?::int[], ?::bigint[], ?::bigint[])"
                    + " WITH ORDINALITY AS x(k, s, t, sz, n, lo, hi, ord) ORDER BY ord RETURNING id, object_key";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, Sql.texts(c, List.of(keys)));
                ps.setArray(2, Sql.array(c, "int4", streamCol));
                ps.setArray(3, Sql.array(c, "int4", typeCol));
                ps.setArray(4, Sql.array(c, "int8", sizes));
                ps.setArray(5, Sql.array(c, "int4", counts));
                ps.setArray(6, Sql.array(c, "int8", minTimes));
                ps.setArray(7, Sql.array(c, "int8", maxTimes));
                Map<String, Long> idByKey = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        idByKey.put(rs.getString(2), rs.getLong(1));
                    }
                }
                List<Long> ids = new ArrayList<>(n);
                for (String key : keys) {
                    ids.add(idByKey.get(key));
                }
                return ids;
            }
        });
    }

    /**
     * The rows and the segments' commit, one transaction, shared with the commits of other
     * PutBatch calls that come while one runs ({@link GroupedCalls}): each statement's planning,
     * round trip and WAL flush then serve several batches, and a group of small batches goes by
     * {@code COPY}. A call its group could not commit is committed alone, on the caller's own
     * thread, outside the groups' turn. Returns the ids indexed.
     */
    Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
        // an outage of the group, or the failure of a call that was alone in it, is thrown here
        Committed grouped = commits.run(new CommitCall(written, entries));
        return grouped.alone() ? commitAlone(written, entries) : grouped.ids();
    }

    /**
     * As {@link #commitSegments(List, List)} while the objects are still being written. A commit
     * large enough to go by {@code COPY} on its own goes alone when one of {@link #overlapSlots}
     * is free: its rows are copied into its own transaction while the objects are written, and the
     * transaction commits once they are durable (rolled back if a write failed), so the write and
     * the index's work overlap instead of adding up. It gains nothing from a group, and waiting for
     * its objects inside one would hold up the group's other calls and every commit after them. A
     * transaction waits at most {@link #OVERLAP_WAIT} for the objects, holding its locks; past it,
     * and for smaller commits, the objects are written first and the commit joins the groups.
     */
    Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries,
            MessageIndex.ObjectsDurable objects) {
        if (entries.size() >= copyFrom && overlapSlots.tryAcquire()) {
            try {
                objects.start();
                return commit(written, entries, Optional.empty(), objects).stream().map(IndexEntry::id).toList();
            } catch (ObjectsStillWriting e) {
                log.debug("The objects of a batch of {} took longer than {} to write; committed after them",
                        entries.size(), OVERLAP_WAIT);
            } finally {
                overlapSlots.release();
            }
        }
        objects.await();
        return commitSegments(written, entries);
    }

    /**
     * Inside a commit's transaction, before it commits: returns once {@code objects} are durable,
     * throws the failure of a write, or {@link ObjectsStillWriting} past {@link #OVERLAP_WAIT}
     * (either rolls the transaction back).
     */
    static void awaitBeforeCommit(MessageIndex.ObjectsDurable objects) {
        if (!objects.awaitFor(OVERLAP_WAIT)) {
            throw new ObjectsStillWriting();
        }
    }

    /** A transaction gave up waiting for its objects: it rolls back, and the batch commits after them. */
    static final class ObjectsStillWriting extends RuntimeException {
        ObjectsStillWriting() {
            super("objects still being written", null, false, false);
        }
    }

    /**
     * A call its group could not commit, committed alone with the connection's full lock timeout.
     * A few at a time: under a table lock each of them holds a connection for that long, and all of
     * them at once would take the pool from every other call (whose wait for a connection then
     * reads as an outage of the database).
     */
    private Collection<String> commitAlone(List<WrittenSegment> written, List<IndexEntry> entries) {
        boolean admitted;
        try {
            admitted = aloneSlots.tryAcquire(aloneQueueWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting to index stored messages", e);
        }
        if (!admitted) {
            throw new StorageUnavailableException("the index database at " + db.description() + " is held up: "
                    + "half of the pool's connections already wait for locks that other transactions"
                    + " hold (STOWAGE_DB_LOCK_TIMEOUT); look in pg_stat_activity for a long-running or 'idle in"
                    + " transaction' session", null);
        }
        try {
            return commit(written, entries, Optional.empty(), MessageIndex.ObjectsDurable.WRITTEN).stream()
                    .map(IndexEntry::id).toList();
        } finally {
            aloneSlots.release();
        }
    }

    /**
     * Commits a group of calls together and tells each call which of its entries were indexed.
     * Groups go one at a time, so a group waits at most {@link #GROUP_LOCK_WAIT} for a lock another
     * transaction holds: past it, or when the group fails for a reason of its own (a deadlock with
     * another writer, something in one call's rows), each call is committed again alone by its own
     * caller, all at once and with the connection's full lock timeout, so that a lock held on one
     * row, or one call's bad rows, fail only the call concerned and hold up no one else's turn. A
     * commit is safe to run again: it indexes only into segments still pending, so a call whose
     * rows a failed attempt did commit indexes nothing the second time, and the write path finds
     * them stored and settles them. An outage fails the whole group at once.
     */
    private List<Committed> commitTogether(List<CommitCall> group) {
        try {
            return commitAsOne(group);
        } catch (StorageException e) {
            if (e instanceof StorageUnavailableException u && u.dependency().isPresent()) {
                throw e; // the database is down: each call alone would fail the same way
            }
            if (group.size() == 1 && (groupLockWait.isEmpty() || !Sql.isLockTimeout(e))) {
                throw e; // it was alone already, and waited as long as it would alone
            }
            log.debug("A group of {} commits failed, each is committed alone: {}", group.size(), e.getMessage());
            return Collections.nCopies(group.size(), Committed.ALONE);
        }
    }

    private List<Committed> commitAsOne(List<CommitCall> group) {
        List<WrittenSegment> written = new ArrayList<>();
        List<IndexEntry> entries = new ArrayList<>();
        for (CommitCall call : group) {
            written.addAll(call.written());
            entries.addAll(call.entries());
        }
        Set<IndexEntry> indexed = Collections.newSetFromMap(new IdentityHashMap<>());
        indexed.addAll(commit(written, entries, groupLockWait, MessageIndex.ObjectsDurable.WRITTEN));
        List<Committed> results = new ArrayList<>(group.size());
        for (CommitCall call : group) {
            results.add(Committed.ids(call.entries().stream().filter(indexed::contains).map(IndexEntry::id).toList()));
        }
        return results;
    }

    /** The outcome of one call's commit in its group: the ids indexed, or "commit it alone". */
    private record Committed(Collection<String> ids, boolean alone) {
        static final Committed ALONE = new Committed(null, true);

        static Committed ids(Collection<String> ids) {
            return new Committed(ids, false);
        }
    }

    /**
     * First without settling conflicts: by binary {@code COPY} ({@link CopyCommit}) for large
     * commits, by a plain insert for small ones, either of which fails whole on an id that is stored
     * already (rare: a re-delivery, or another writer of the same ids). Then, only if that failed, by the insert that leaves
     * stored ids out: {@code ON CONFLICT} looks every row up in the unique indexes before inserting
     * it, which cost PostgreSQL 1.45 ms against 1.24 ms per 100 rows without it ({@code pgbench}, a
     * million rows in the table). Statements wait at most {@code lockWait} for a lock (empty: the
     * connection's lock timeout), and none commits before {@code objects} are durable. Returns the
     * entries indexed.
     */
    private List<IndexEntry> commit(List<WrittenSegment> written, List<IndexEntry> entries,
            Optional<Duration> lockWait, MessageIndex.ObjectsDurable objects) {
        Map<String, Integer> streamIds = streams.ensure(db, entries.stream().map(IndexEntry::stream).toList());
        Optional<List<IndexEntry>> committed = entries.size() >= copyFrom
                ? copyCommit.commit(written, entries, streamIds, lockWait, objects)
                : insertCommit(written, entries, streamIds, false, lockWait, objects);
        // empty: an id is stored already; the insert below leaves it out and indexes the rest
        return committed.orElseGet(
                () -> insertCommit(written, entries, streamIds, true, lockWait, objects).orElseThrow());
    }

    /** The arguments of one {@link #commitSegments} call. */
    private record CommitCall(List<WrittenSegment> written, List<IndexEntry> entries) {}

    /**
     * The rows and the segments' commit in one statement. With {@code settleConflicts}, ids that
     * are stored are left out; without, such an id fails the statement and nothing is committed
     * (empty).
     */
    private Optional<List<IndexEntry>> insertCommit(List<WrittenSegment> written, List<IndexEntry> entries,
            Map<String, Integer> streamIds, boolean settleConflicts, Optional<Duration> lockWait,
            MessageIndex.ObjectsDurable objects) {
        boolean objectsWritten = objects == MessageIndex.ObjectsDurable.WRITTEN;
        Database.SqlWork<List<IndexEntry>> work = c -> {
            List<IndexEntry> indexed = insertCommit(c, written, entries, settleConflicts, streamIds);
            awaitBeforeCommit(objects);
            return indexed;
        };
        try {
            // one statement: a transaction of its own only to wait less for locks than the connection
            // does, or to commit once the objects are durable
            return Optional.of(lockWait.isPresent() || !objectsWritten
                    ? db.inTransaction("index stored messages", lockWait, work)
                    : db.withConnection("index stored messages", work));
        } catch (StorageException e) {
            if (!settleConflicts && Sql.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private List<IndexEntry> insertCommit(Connection c, List<WrittenSegment> written, List<IndexEntry> entries,
            boolean settleConflicts, Map<String, Integer> streamIds) throws SQLException {
        int n = entries.size();
        String[] ids = new String[n];
        Integer[] streamCol = new Integer[n];
        Long[] times = new Long[n];
        Long[] segments = new Long[n];
        Integer[] offsets = new Integer[n];
        Integer[] lengths = new Integer[n];
        Long[] digests = new Long[n];
        Integer[] partitions = new Integer[n];
        Long[] kafkaOffsets = new Long[n];
        for (int i = 0; i < n; i++) {
            IndexEntry e = entries.get(i);
            ids[i] = e.id();
            streamCol[i] = streamIds.get(e.stream());
            times[i] = Sql.micros(e.time());
            segments[i] = e.segmentId();
            offsets[i] = e.offset();
            lengths[i] = e.length();
            digests[i] = IdColumns.digest(e.digest());
            partitions[i] = e.kafkaPartition();
            kafkaOffsets[i] = e.kafkaOffset();
        }
        // One statement, so one implicit transaction: the rows and the segments' commit go together.
        // The segments are locked first and must still be pending: a cleaner that retired one
        // as abandoned (its write took longer than the grace period) wins, and none of its
        // messages is indexed, so no row can point at an object the cleaner deletes.
        // segments locked in the order of their ids, as the COPY commit does
        String sql = "WITH locked AS (SELECT id FROM segments WHERE id = ANY(?) AND state = 'pending'"
                + " ORDER BY id FOR UPDATE),"
                + " facts AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::int[], ?::bigint[], ?::bigint[])"
                + " AS f(id, sz, n, lo, hi)),"
                + " ins AS ("
                + " INSERT INTO messages AS m (id_uuid, id_text, stream_id, time, segment_id, byte_offset, length,"
                + " digest, kafka_partition, kafka_offset)"
                + " SELECT u, tx, s, " + MICROS.formatted("tm") + ", seg, off, len, dig, kp, ko"
                + " FROM unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[], ?::bigint[], ?::int[], ?::int[],"
                + " ?::bigint[], ?::int[], ?::bigint[]) AS x(u, tx, s, tm, seg, off, len, dig, kp, ko)"
                + " JOIN locked ON locked.id = x.seg"
                + " ORDER BY " + LOCK_ORDER
                // either unique index (uuid or text id) settles a conflict
                + (settleConflicts ? " ON CONFLICT DO NOTHING" : "")
                + " RETURNING " + IdColumns.ID + " AS id, m.segment_id, m.length),"
                + " agg AS (SELECT segment_id, count(*)::int AS n, sum(length)::bigint AS b FROM ins GROUP BY segment_id),"
                + " upd AS (UPDATE segments s SET " + COMMITTED + ", " + WRITTEN_FACTS + ","
                + " live_count = coalesce(agg.n, 0), live_bytes = coalesce(agg.b, 0)"
                + " FROM locked JOIN facts f ON f.id = locked.id LEFT JOIN agg ON agg.segment_id = locked.id"
                + " WHERE s.id = locked.id)"
                + " SELECT id, segment_id FROM ins";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            WrittenFacts facts = WrittenFacts.of(written);
            ps.setArray(1, Sql.array(c, "int8", facts.ids()));
            facts.bind(c, ps, 2);
            IdColumns.Split.of(List.of(ids)).bind(c, ps, 7);
            ps.setArray(9, Sql.array(c, "int4", streamCol));
            ps.setArray(10, Sql.array(c, "int8", times));
            ps.setArray(11, Sql.array(c, "int8", segments));
            ps.setArray(12, Sql.array(c, "int4", offsets));
            ps.setArray(13, Sql.array(c, "int4", lengths));
            ps.setArray(14, Sql.array(c, "int8", digests));
            ps.setArray(15, Sql.array(c, "int4", partitions));
            ps.setArray(16, Sql.array(c, "int8", kafkaOffsets));
            Map<String, IndexEntry> bySegmentAndId = new HashMap<>(); // an id can come in two segments of a group
            for (IndexEntry e : entries) {
                bySegmentAndId.put(e.segmentId() + "/" + e.id(), e);
            }
            List<IndexEntry> inserted = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    IndexEntry e = bySegmentAndId.get(rs.getLong(2) + "/" + rs.getString(1));
                    if (e == null) {
                        throw new IllegalStateException("the commit returned a row it was not given: segment "
                                + rs.getLong(2) + ", id " + rs.getString(1));
                    }
                    inserted.add(e);
                }
            }
            return inserted;
        }
    }

    List<MessageLocation> locate(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.withConnection("locate messages", c -> {
            List<MessageLocation> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + IdColumns.ID + ", m.segment_id, s.object_key,"
                    + " m.byte_offset, m.length FROM messages m JOIN segments s ON s.id = m.segment_id WHERE "
                    + IdColumns.MATCHES)) {
                IdColumns.bindSet(c, ps, 1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new MessageLocation(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                                rs.getInt(5)));
                    }
                }
            }
            return found;
        });
    }

    DeleteOutcome delete(Collection<String> ids) {
        if (ids.isEmpty()) {
            return DeleteOutcome.NONE;
        }
        return db.withConnection("delete messages", c -> {
            try (PreparedStatement ps = c.prepareStatement(Deletes.DELETE_BY_IDS)) {
                IdColumns.bindSet(c, ps, 1, ids);
                return Deletes.outcome(ps);
            }
        });
    }

    List<ScanRow> scan(ScanQuery q) {
        return db.withConnection("scan messages", c -> {
            Optional<Integer> streamId = streams.find(c, q.stream());
            if (streamId.isEmpty()) {
                return List.of();
            }
            Optional<Integer> typeId = Optional.empty();
            if (q.type().isPresent()) {
                typeId = types.find(c, q.type().get());
                if (typeId.isEmpty()) {
                    return List.of();
                }
            }
            boolean kafkaOrder = q.order() == ScanOrder.KAFKA_OFFSET;
            StringBuilder sql = new StringBuilder("SELECT " + IdColumns.ID + " AS id, s.type_id, m.time, m.segment_id,"
                    + " s.object_key,"
                    + " m.byte_offset, m.length, m.kafka_partition, m.kafka_offset"
                    + " FROM messages m JOIN segments s ON s.id = m.segment_id"
                    + " WHERE m.stream_id = ? AND m.time >= ? AND m.time < ?");
            if (typeId.isPresent()) {
                sql.append(" AND s.type_id = ?");
            }
            if (kafkaOrder) {
                sql.append(" AND m.kafka_partition IS NOT NULL");
            }
            if (q.kafkaPartition().isPresent()) {
                sql.append(" AND m.kafka_partition = ?");
            }
            if (q.after().isPresent()) {
                // the plain bound on the leading column lets the index start at the cursor
                sql.append(kafkaOrder ? " AND m.kafka_partition >= ? AND (m.kafka_partition, m.kafka_offset, "
                        + IdColumns.ID_ORDER + ") > (?, ?, ?)" : " AND m.time >= ? AND (m.time, " + IdColumns.ID_ORDER
                        + ") > (?, ?)");
            }
            sql.append(kafkaOrder ? " ORDER BY m.kafka_partition, m.kafka_offset, " + IdColumns.ID_ORDER + " LIMIT ?"
                    : " ORDER BY m.time, " + IdColumns.ID_ORDER + " LIMIT ?");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setInt(i++, streamId.get());
                Sql.setTime(ps, i++, q.from());
                Sql.setTime(ps, i++, q.to());
                if (typeId.isPresent()) {
                    ps.setInt(i++, typeId.get());
                }
                if (q.kafkaPartition().isPresent()) {
                    ps.setInt(i++, q.kafkaPartition().get());
                }
                if (q.after().isPresent()) {
                    ScanPosition after = q.after().get();
                    if (kafkaOrder) {
                        ps.setInt(i++, after.kafkaPartition());
                        ps.setInt(i++, after.kafkaPartition());
                        ps.setLong(i++, after.kafkaOffset());
                    } else {
                        Sql.setTime(ps, i++, after.time());
                        Sql.setTime(ps, i++, after.time());
                    }
                    ps.setString(i++, after.id());
                }
                ps.setInt(i, q.limit());
                List<ScanRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString("id");
                        rows.add(new ScanRow(id, q.stream(), types.name(c, rs.getInt("type_id")), Sql.getTime(rs, "time"),
                                new MessageLocation(id, rs.getLong("segment_id"), rs.getString("object_key"),
                                        rs.getInt("byte_offset"), rs.getInt("length")),
                                Sql.getIntOrNull(rs, "kafka_partition"), Sql.getLongOrNull(rs, "kafka_offset")));
                    }
                }
                return rows;
            }
        });
    }

    List<StreamStats> status(Optional<String> stream) {
        return db.withConnection("read status", c -> {
            String sql = "SELECT st.name, seg.messages, seg.bytes, seg.segments, seg.segment_bytes,"
                    + " (SELECT min(m.time) FROM messages m WHERE m.stream_id = st.id) AS first_time,"
                    + " (SELECT max(m.time) FROM messages m WHERE m.stream_id = st.id) AS last_time"
                    + " FROM streams st JOIN ("
                    + "   SELECT stream_id, sum(live_count)::bigint AS messages, sum(live_bytes)::bigint AS bytes,"
                    + "   count(*) AS segments, sum(size_bytes)::bigint AS segment_bytes"
                    + "   FROM segments WHERE state = 'committed' GROUP BY stream_id) seg ON seg.stream_id = st.id"
                    + (stream.isPresent() ? " WHERE st.name = ?" : "")
                    + " ORDER BY st.name";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (stream.isPresent()) {
                    ps.setString(1, stream.get());
                }
                List<StreamStats> result = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new StreamStats(rs.getString("name"), rs.getLong("messages"), rs.getLong("bytes"),
                                Sql.getTime(rs, "first_time"), Sql.getTime(rs, "last_time"), rs.getLong("segments"),
                                rs.getLong("segment_bytes")));
                    }
                }
                return result;
            }
        });
    }

    /** Statement shared with the cleaner: delete rows and account for them in their segments. */
    static final class Deletes {
        private Deletes() {}

        private static final String ACCOUNT = " agg AS (SELECT segment_id, count(*)::int AS n, sum(length)::bigint AS b"
                + " FROM del GROUP BY segment_id)"
                + " UPDATE segments s SET live_count = s.live_count - agg.n, live_bytes = s.live_bytes - agg.b"
                + " FROM agg, streams st WHERE s.id = agg.segment_id AND st.id = s.stream_id"
                + " RETURNING s.id, s.object_key, st.name AS stream,"
                + " (SELECT t.name FROM types t WHERE t.id = s.type_id) AS type, s.size_bytes, s.live_count, s.live_bytes,"
                + " s.min_time, s.max_time, agg.n AS deleted, agg.b AS deleted_bytes";

        static final String DELETE_BY_IDS = "WITH del AS (DELETE FROM messages m WHERE " + IdColumns.MATCHES
                + " RETURNING segment_id, length)," + ACCOUNT;

        // by the rows' physical addresses: a row has no single-column key any more. The scan starts
        // at the earliest segment with a live message, not at the stream's first index entry: the
        // entries of rows just expired stay in the index until VACUUM, and walking them again for
        // every batch cost more than the delete
        static final String EXPIRE = "WITH del AS (DELETE FROM messages WHERE ctid = ANY(ARRAY("
                + " SELECT ctid FROM messages WHERE stream_id = ? AND time < ? AND time >= coalesce((SELECT"
                + " min(min_time) - interval '1 second' FROM segments WHERE stream_id = ? AND state = 'committed'"
                + " AND live_count > 0), '-infinity') ORDER BY time LIMIT ?))"
                + " RETURNING segment_id, length)," + ACCOUNT;

        static DeleteOutcome outcome(PreparedStatement ps) throws SQLException {
            long deleted = 0;
            long bytes = 0;
            List<io.stowage.server.storage.index.SegmentRef> emptied = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted += rs.getLong("deleted");
                    bytes += rs.getLong("deleted_bytes");
                    if (rs.getInt("live_count") == 0) {
                        emptied.add(PostgresSegments.segmentRef(rs));
                    }
                }
            }
            return new DeleteOutcome(deleted, bytes, emptied);
        }
    }
}
