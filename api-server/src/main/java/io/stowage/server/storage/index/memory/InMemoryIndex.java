package io.stowage.server.storage.index.memory;

import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.CaptureStore;
import io.stowage.server.storage.index.CountQuery;
import io.stowage.server.storage.index.CountResult;
import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.IndexedMessage;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.ScanOrder;
import io.stowage.server.storage.index.ScanQuery;
import io.stowage.server.storage.index.ScanRow;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.StreamStats;
import io.stowage.server.storage.index.WrittenSegment;
import io.stowage.server.storage.index.memory.Segment.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The index in memory, with the semantics of the PostgreSQL adapter (the same contract test
 * pins both): segments pending, committed or retired; a commit indexes only into segments still
 * pending and leaves out ids another writer stored; deletes keep the segments' live counts.
 * Every operation is atomic (one monitor); the clean lock is separate, so that a clean in
 * progress does not block writes. Times are kept at microsecond precision, as PostgreSQL keeps
 * them. For fast tests of the engine's logic; nothing survives the process.
 */
public final class InMemoryIndex implements MessageIndex {
    /** How far past its segments' time range expireSegments reaches, as the PostgreSQL adapter does. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(1);
    private final Clock clock;
    private final SegmentTable segments = new SegmentTable();
    private final Map<String, IndexEntry> messages = new HashMap<>();
    private final TreeSet<String> streams = new TreeSet<>();
    private final ReentrantLock cleanLock = new ReentrantLock();
    private final InMemoryCaptures captures = new InMemoryCaptures();
    private boolean closed;

    /** With the system clock for the time a segment is registered. */
    public InMemoryIndex() {
        this(Clock.systemUTC());
    }

    /** With {@code clock} for the time a segment is registered, which {@link #retireAbandoned} compares. */
    public InMemoryIndex(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CaptureStore captures() {
        return captures;
    }

    @Override
    public String description() {
        return "memory";
    }

    @Override
    public synchronized void checkReady(Duration timeout) {
        open();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public synchronized Map<String, byte[]> findDigests(Collection<String> ids) {
        open();
        Map<String, byte[]> found = new HashMap<>();
        for (String id : ids) {
            IndexEntry e = messages.get(id);
            if (e != null) {
                found.put(id, e.digest().clone());
            }
        }
        return found;
    }

    @Override
    public synchronized List<Long> addPendingSegments(List<NewSegment> added) {
        open();
        List<Long> ids = segments.addPending(added, micros(clock.instant()));
        added.forEach(s -> streams.add(s.stream()));
        return ids;
    }

    @Override
    public synchronized Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
        open();
        Map<Long, Segment> pending = new HashMap<>();
        for (WrittenSegment w : written) {
            Segment s = segments.get(w.id());
            if (s != null && s.is(State.PENDING)) { // locked, in PostgreSQL
                s.setFacts(w);
                pending.put(w.id(), s);
            }
        }
        entries.forEach(e -> streams.add(e.stream()));
        Map<Long, long[]> added = new HashMap<>(); // segment id -> {count, bytes}
        Set<String> inserted = new HashSet<>();
        for (IndexEntry e : entries.stream().sorted(Comparator.comparing(IndexEntry::id)).toList()) {
            if (!pending.containsKey(e.segmentId()) || messages.containsKey(e.id())) {
                continue;
            }
            messages.put(e.id(), new IndexEntry(e.id(), e.segmentId(), e.stream(), e.type(), micros(e.time()),
                    e.offset(), e.length(), e.digest().clone(), e.kafkaPartition(), e.kafkaOffset()));
            long[] tally = added.computeIfAbsent(e.segmentId(), k -> new long[2]);
            tally[0]++;
            tally[1] += e.length();
            inserted.add(e.id());
        }
        for (Segment s : pending.values()) {
            long[] tally = added.getOrDefault(s.id, new long[2]);
            s.state = State.COMMITTED;
            s.liveCount = (int) tally[0];
            s.liveBytes = tally[1];
        }
        return inserted;
    }

    @Override
    public synchronized List<MessageLocation> locate(Collection<String> ids) {
        open();
        List<MessageLocation> found = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            IndexEntry e = messages.get(id);
            if (e != null && segments.contains(e.segmentId())) {
                found.add(location(e));
            }
        }
        return found;
    }

    @Override
    public synchronized DeleteOutcome delete(Collection<String> ids) {
        open();
        return remove(new LinkedHashSet<>(ids).stream().map(messages::get).filter(e -> e != null).toList());
    }

    @Override
    public synchronized DeleteOutcome expire(String stream, Instant cutoff, int limit) {
        open();
        return remove(messages.values().stream().filter(e -> e.stream().equals(stream) && e.time().isBefore(cutoff))
                .sorted(Comparator.comparing(IndexEntry::time).thenComparing(IndexEntry::id)).limit(limit).toList());
    }

    @Override
    public synchronized DeleteOutcome expireSegments(String stream, Instant cutoff, int limit) {
        open();
        List<Segment> whole = segments.wholeBefore(stream, micros(cutoff), limit);
        if (whole.isEmpty()) {
            return DeleteOutcome.NONE;
        }
        Set<Long> ids = new HashSet<>();
        long live = 0;
        long bytes = 0;
        Instant from = whole.get(0).minTime;
        Instant to = whole.get(0).maxTime;
        for (Segment s : whole) {
            ids.add(s.id);
            live += s.liveCount;
            bytes += s.liveBytes;
            from = s.minTime.isBefore(from) ? s.minTime : from;
            to = s.maxTime.isAfter(to) ? s.maxTime : to;
        }
        // the rows PostgreSQL's statement reaches: those of these segments inside the batch's time range
        Instant lo = from.minus(EXPIRY_SLACK);
        Instant hi = to.plus(EXPIRY_SLACK);
        List<String> victims = messages.values().stream()
                .filter(e -> ids.contains(e.segmentId()) && e.stream().equals(stream))
                .filter(e -> !e.time().isBefore(lo) && !e.time().isAfter(hi))
                .map(IndexEntry::id).toList();
        if (victims.size() != live) {
            return DeleteOutcome.NONE; // a segment's time range does not cover its rows: left to expire()
        }
        victims.forEach(messages::remove);
        for (Segment s : whole) {
            s.liveCount = 0;
            s.liveBytes = 0;
        }
        return new DeleteOutcome(victims.size(), bytes, whole.stream().map(Segment::ref).toList());
    }

    /** Removes rows and accounts for them in their segments, as the PostgreSQL statement does. */
    private DeleteOutcome remove(List<IndexEntry> rows) {
        TreeMap<Long, long[]> removed = new TreeMap<>();
        for (IndexEntry e : rows) {
            messages.remove(e.id());
            long[] tally = removed.computeIfAbsent(e.segmentId(), k -> new long[2]);
            tally[0]++;
            tally[1] += e.length();
        }
        long deleted = 0;
        long bytes = 0;
        List<SegmentRef> emptied = new ArrayList<>();
        for (Map.Entry<Long, long[]> r : removed.entrySet()) {
            Segment s = segments.get(r.getKey());
            if (s == null) {
                continue; // a row of a forgotten segment goes without being counted, as in PostgreSQL
            }
            s.liveCount -= (int) r.getValue()[0];
            s.liveBytes -= r.getValue()[1];
            deleted += r.getValue()[0];
            bytes += r.getValue()[1];
            if (s.liveCount == 0) {
                emptied.add(s.ref());
            }
        }
        return new DeleteOutcome(deleted, bytes, emptied);
    }

    @Override
    public synchronized List<ScanRow> scan(ScanQuery q) {
        open();
        ScanOrdering ordering = new ScanOrdering(q);
        return messages.values().stream()
                .filter(ordering::matches)
                .filter(e -> segments.contains(e.segmentId()))
                .sorted(ordering.comparator())
                .limit(q.limit())
                .map(e -> new ScanRow(e.id(), e.stream(), e.type(), e.time(), location(e), e.kafkaPartition(),
                        e.kafkaOffset()))
                .toList();
    }

    @Override
    public synchronized CountResult count(CountQuery q) {
        open();
        // the rows a Kafka-order scan of the same range selects
        ScanOrdering ordering = new ScanOrdering(new ScanQuery(q.stream(), q.type(), q.from(), q.to(), q.after(),
                Integer.MAX_VALUE, ScanOrder.KAFKA_OFFSET, Optional.empty()));
        List<IndexEntry> rows = messages.values().stream()
                .filter(ordering::matches)
                .filter(e -> segments.contains(e.segmentId()))
                .toList();
        TreeMap<Integer, List<IndexEntry>> byPartition = new TreeMap<>();
        rows.forEach(e -> byPartition.computeIfAbsent(e.kafkaPartition(), p -> new ArrayList<>()).add(e));
        List<CountResult.PartitionCount> partitions = new ArrayList<>();
        byPartition.forEach((p, es) -> partitions.add(new CountResult.PartitionCount(p, es.size(),
                es.stream().mapToLong(IndexEntry::length).sum(),
                es.stream().mapToLong(IndexEntry::kafkaOffset).min().orElseThrow(),
                es.stream().mapToLong(IndexEntry::kafkaOffset).max().orElseThrow(),
                es.stream().map(IndexEntry::time).min(Comparator.naturalOrder()).orElseThrow())));
        List<Long> probes = q.probes().stream()
                .map(pr -> byPartition.getOrDefault(pr.partition(), List.of()).stream()
                        .filter(e -> e.kafkaOffset() < pr.belowOffset()).count())
                .toList();
        return new CountResult(partitions, probes);
    }

    @Override
    public synchronized List<StreamStats> status(Optional<String> stream) {
        open();
        List<StreamStats> result = new ArrayList<>();
        for (String name : stream.map(n -> streams.contains(n) ? Set.of(n) : Set.<String>of()).orElse(streams)) {
            List<Segment> committed = segments.committedOf(name);
            if (!committed.isEmpty()) {
                result.add(Segment.stats(name, committed, messages.values().stream()
                        .filter(e -> e.stream().equals(name)).map(IndexEntry::time).toList()));
            }
        }
        return result;
    }

    @Override
    public synchronized List<String> streams() {
        open();
        return List.copyOf(streams);
    }

    @Override
    public synchronized List<SegmentRef> retireAbandoned(Instant cutoff) {
        open();
        return segments.retirePendingBefore(cutoff);
    }

    @Override
    public synchronized List<SegmentRef> deadSegments() {
        open();
        return segments.select(Segment::isDead, 0, Long.MAX_VALUE);
    }

    @Override
    public synchronized List<SegmentRef> sparseSegments(double minDeadRatio, long afterId, int limit) {
        open();
        return segments.select(s -> s.is(State.COMMITTED) && s.liveCount > 0 && s.liveBytes < s.sizeBytes
                && (double) (s.sizeBytes - s.liveBytes) >= minDeadRatio * s.sizeBytes, afterId, limit);
    }

    @Override
    public synchronized List<SegmentRef> committedSegments(long afterId, int limit) {
        open();
        return segments.select(s -> s.is(State.COMMITTED), afterId, limit);
    }

    @Override
    public synchronized List<IndexedMessage> liveMessages(SegmentRef segment) {
        open();
        return rowsOf(segment).stream().sorted(Comparator.comparingInt(IndexEntry::offset))
                .map(e -> new IndexedMessage(new MessageLocation(e.id(), segment.id(), segment.objectKey(), e.offset(),
                        e.length()), e.digest().clone()))
                .toList();
    }

    /**
     * The rows of a segment, found as PostgreSQL finds them: by the stored segment's stream and
     * the given segment's time bounds.
     */
    private List<IndexEntry> rowsOf(SegmentRef ref) {
        Segment s = segments.get(ref.id());
        if (s == null) {
            return List.of();
        }
        Predicate<IndexEntry> inside = e -> e.segmentId() == ref.id() && e.stream().equals(s.stream)
                && !e.time().isBefore(ref.minTime()) && !e.time().isAfter(ref.maxTime());
        return messages.values().stream().filter(inside).toList();
    }

    @Override
    public synchronized boolean isCommitted(long segmentId) {
        open();
        return segments.isIn(segmentId, State.COMMITTED);
    }

    @Override
    public synchronized Set<String> knownObjectKeys(Collection<String> keys) {
        open();
        return segments.knownKeys(keys);
    }

    @Override
    public synchronized void recount(SegmentRef segment) {
        open();
        Segment s = segments.get(segment.id());
        if (s != null) {
            List<IndexEntry> rows = rowsOf(segment);
            s.liveCount = rows.size();
            s.liveBytes = rows.stream().mapToLong(IndexEntry::length).sum();
        }
    }

    @Override
    public synchronized long messageCount() {
        open();
        return segments.committedLiveCount();
    }

    @Override
    public synchronized List<SegmentRef> mergeableSegments(Instant closedBefore, long smallerThan, String afterKey,
            int limit) {
        open();
        return segments.mergeable(closedBefore, smallerThan, afterKey, limit);
    }

    @Override
    public synchronized int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
        open();
        Set<Long> fromIds = new HashSet<>();
        from.forEach(f -> fromIds.add(f.id()));
        int moved = 0;
        long movedBytes = 0;
        for (Map.Entry<String, int[]> n : newOffsets.entrySet()) {
            IndexEntry e = messages.get(n.getKey());
            if (e != null && fromIds.contains(e.segmentId())) {
                messages.put(e.id(), new IndexEntry(e.id(), to, e.stream(), e.type(), e.time(), n.getValue()[0],
                        n.getValue()[1], e.digest(), e.kafkaPartition(), e.kafkaOffset()));
                moved++;
                movedBytes += n.getValue()[1];
            }
        }
        Segment target = segments.get(to);
        if (target != null) {
            target.state = State.COMMITTED;
            target.liveCount = moved;
            target.liveBytes = movedBytes;
        }
        for (long id : fromIds) {
            Segment old = segments.get(id);
            if (old != null) {
                old.state = State.RETIRED;
                old.liveCount = 0;
                old.liveBytes = 0;
            }
        }
        return moved;
    }

    @Override
    public synchronized void removeSegment(long segmentId) {
        open();
        segments.removeUnlessLive(segmentId);
    }

    @Override
    public boolean withCleanLock(Runnable work) {
        if (!cleanLock.tryLock()) {
            return false;
        }
        try {
            work.run();
            return true;
        } finally {
            cleanLock.unlock();
        }
    }

    private MessageLocation location(IndexEntry e) {
        return new MessageLocation(e.id(), e.segmentId(), segments.get(e.segmentId()).objectKey, e.offset(), e.length());
    }

    private void open() {
        if (closed) {
            throw new StorageUnavailableException("the in-memory index is closed", null);
        }
    }

    /** {@code t} at PostgreSQL's precision. */
    static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
