package io.stowage.server.storage;

import io.stowage.api.v1.Message;
import io.stowage.common.message.ContentDigest;
import io.stowage.common.message.Messages;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.WrittenSegment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of PutBatch. Validates the whole batch, sorts out re-puts and conflicts, writes
 * one segment object per layout partition, and indexes the messages, in the order that keeps a
 * crash harmless: segments registered as pending (ahead of time), objects written, rows and
 * commit together.
 */
public final class BatchWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);
    private final MessageIndex index;
    private final BlobWriter blobs;
    private final ParallelIo io;
    private final BatchValidator validator;
    private final Clock clock;
    private final ArchiveMetrics metrics;
    private final SegmentFormat format;
    private final SegmentReservations reservations;

    /**
     * @param pendingGrace the cleaner's grace period for pending segments: pending segments
     *     reserved ahead of writes are used while they are young enough for it
     */
    public BatchWriter(MessageIndex index, BlobWriter blobs, ParallelIo io, Limits limits, Clock clock,
            ArchiveMetrics metrics, SegmentFormat format, Duration pendingGrace) {
        this.format = format;
        this.index = index;
        this.blobs = blobs;
        this.io = io;
        this.validator = new BatchValidator(limits);
        this.clock = clock;
        this.metrics = metrics;
        this.reservations = new SegmentReservations(index, format, SegmentReservations.maxAgeFor(pendingGrace), clock);
    }

    public PutOutcome put(List<Message> batch) {
        long t0 = System.nanoTime();
        validator.validate(batch);
        List<PutOutcome.Rejected> rejected = new ArrayList<>();
        int acknowledged = 0;

        // Repeats inside the batch: the same content is one message (it shares the outcome of its
        // first copy), other content a conflict.
        Map<String, Candidate> byId = new LinkedHashMap<>();
        List<Repeat> repeats = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Message msg = batch.get(i);
            byte[] digest = ContentDigest.of(msg);
            Candidate first = byId.get(msg.getId());
            if (first == null) {
                byId.put(msg.getId(), new Candidate(i, msg, digest));
            } else if (Arrays.equals(first.digest, digest)) {
                repeats.add(new Repeat(i, msg.getId(), first.index));
            } else {
                rejected.add(new PutOutcome.Rejected(i, msg.getId(),
                        "conflicts with message #" + first.index + " of the same batch (same id, other content)"));
            }
        }

        long t1 = System.nanoTime();
        if (!byId.isEmpty()) {
            acknowledged += store(List.copyOf(byId.values()), rejected);
        }
        acknowledged += settleRepeats(repeats, rejected);
        if (log.isDebugEnabled()) {
            log.debug("PutBatch of {}: validate and digest {} ms, store {} ms", batch.size(), (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
        }
        rejected.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new PutOutcome(acknowledged, List.copyOf(rejected));
    }

    /**
     * Writes and indexes the batch's distinct messages; returns how many are acknowledged. One
     * durable round trip to the index, whatever the batch size:
     * <ol>
     * <li>a pending segment per layout partition, registered and committed before its object is
     * written: the crash marker. {@link SegmentReservations} registers them ahead, several at a
     * time for a partition that keeps being written, so a PutBatch mostly finds one reserved and
     * registers nothing.
     * <li>the objects, durable when {@code put} returns, written when the index asks for them:
     * on the caller's thread before the commit, or on the I/O pool while the index prepares it.
     * <li>{@link MessageIndex#commitSegments}: the rows of the messages and the segments' commit
     * with the facts of their objects, one transaction (which PostgreSQL shares with the commits of
     * concurrent calls), committed only once the objects are durable: a large batch's rows are
     * copied into its transaction while its objects are written. An id that is stored (a
     * re-delivery, or another writer meanwhile) is left out, and settled by {@link #settleRaces}:
     * acknowledged when the stored content is the same, rejected when not. Its copy in this segment
     * stays dead bytes; a segment whose messages were all stored is committed with nothing live, and
     * the cleaner deletes its object.
     * </ol>
     * Ids are not looked up before writing: that cost every batch a statement (and its planning)
     * to spare a re-delivery an object that the commit finds stored anyway.
     *
     * <p>Crash windows: before step 1 commits, nothing is left. Between 1 and 3 (objects written or
     * not), pending rows are left: Clean retires those older than the grace period and deletes
     * their objects (deleting one never written succeeds), and a commit that comes after that
     * indexes nothing (it only commits segments still pending), so no row points at a deleted
     * object. After 3 the batch is stored; a client that missed the answer puts it again and is
     * acknowledged by the settling of step 3. The pending marker stays a durable commit: were it
     * asynchronous, a PostgreSQL crash could lose it after its object was written, and Clean does
     * not list the store for objects no row knows (only {@code stowage verify --repair} does).
     */
    private int store(List<Candidate> candidates, List<PutOutcome.Rejected> rejected) {
        Instant storedAt = clock.instant();
        Map<LayoutPartition, List<Candidate>> partitions = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            c.time = Messages.time(c.msg, storedAt);
            partitions.computeIfAbsent(LayoutPartition.of(Messages.stream(c.msg), c.msg.getType(), c.time),
                    p -> new ArrayList<>()).add(c);
        }

        List<Encoded> objects = new ArrayList<>();
        for (List<Candidate> members : partitions.values()) {
            Instant min = members.get(0).time;
            Instant max = min;
            try (SegmentBuilder segment = new SegmentBuilder(
                    members.stream().mapToInt(c -> c.msg.getSerializedSize() + 128).sum(), format)) {
                for (Candidate c : members) {
                    c.offset = segment.append(c.msg, storedAt);
                    c.length = segment.size() - c.offset;
                    min = c.time.isBefore(min) ? c.time : min;
                    max = c.time.isAfter(max) ? c.time : max;
                }
                objects.add(new Encoded(segment.toBytes(), members.size(), min, max));
            }
        }

        // 1. the pending rows, committed (reserved ahead, mostly)
        long encoded = System.nanoTime();
        List<SegmentReservations.Reserved> segments = reservations.take(List.copyOf(partitions.keySet()));
        long pending = System.nanoTime();
        List<WrittenSegment> written = new ArrayList<>(segments.size());
        List<IndexEntry> entries = new ArrayList<>(candidates.size());
        int s = 0;
        for (List<Candidate> members : partitions.values()) {
            long segmentId = segments.get(s).id();
            written.add(objects.get(s).writtenAs(segmentId));
            for (Candidate c : members) {
                var kafka = c.msg.hasKafka() ? c.msg.getKafka() : null;
                entries.add(new IndexEntry(c.msg.getId(), segmentId, Messages.stream(c.msg), c.msg.getType(), c.time,
                        c.offset, c.length, c.digest, kafka == null ? null : kafka.getPartition(),
                        kafka == null ? null : kafka.getOffset()));
            }
            s++;
        }
        // 2. the objects, durable when put returns, written when the index asks (3. may prepare meanwhile),
        // 3. the rows and the segments' commit, in one transaction that commits once the objects are durable
        ObjectWrites writes = new ObjectWrites(objects.size(), i -> {
            byte[] bytes = objects.get(i).bytes();
            blobs.put(segments.get(i).objectKey(), bytes);
            metrics.segmentWritten(bytes.length);
        });
        Collection<String> indexed;
        try {
            indexed = index.commitSegments(written, entries, writes);
        } catch (RuntimeException e) {
            writes.awaitQuietly(); // no write of this call outlives it
            throw e;
        }
        if (log.isDebugEnabled()) {
            log.debug("Stored {} messages in {} segments: pending rows {} ms, objects and index commit {} ms",
                    entries.size(), written.size(), (pending - encoded) / 1_000_000,
                    (System.nanoTime() - pending) / 1_000_000);
        }
        int acknowledged = indexed.size();
        if (indexed.size() < candidates.size()) {
            acknowledged += settleRaces(candidates, Set.copyOf(indexed), rejected);
        }
        return acknowledged;
    }

    /**
     * Ids the commit found stored (before: a re-delivery; or by another writer meanwhile):
     * acknowledged when the content is the same, rejected when not. Only colliding ids are looked up.
     */
    private int settleRaces(List<Candidate> fresh, Set<String> indexed, List<PutOutcome.Rejected> rejected) {
        Map<String, Candidate> lost = new HashMap<>();
        for (Candidate c : fresh) {
            if (!indexed.contains(c.msg.getId())) {
                lost.put(c.msg.getId(), c);
            }
        }
        Map<String, byte[]> stored = index.findDigests(lost.keySet());
        Set<String> missing = new HashSet<>(lost.keySet());
        missing.removeAll(stored.keySet());
        if (!missing.isEmpty()) {
            // none indexed: the cleaner retired the segment as abandoned; or the stored copy was deleted meanwhile
            throw new StorageUnavailableException("the write took longer than the cleaner's grace period for"
                    + " pending segments and was abandoned, or a message of it was deleted while it was written;"
                    + " retry the batch", null);
        }
        int acknowledged = 0;
        for (Candidate c : lost.values()) {
            if (Arrays.equals(stored.get(c.msg.getId()), c.digest)) {
                acknowledged++;
            } else {
                rejected.add(conflict(c));
            }
        }
        return acknowledged;
    }

    /** Pending segments reserved ahead and not taken yet. */
    int reservedSpares() {
        return reservations.spares();
    }

    /** Forgets the reserved segments that aged unused now, as the sweep every so often does. */
    void forgetStaleReservations() {
        reservations.sweep();
    }

    /** Forgets the pending segments reserved for writes that did not come. */
    @Override
    public void close() {
        reservations.close();
    }

    /**
     * A batch's object writes, on the caller's thread when the index asks for them to be durable
     * first (one thread less to hand over to), on the I/O pool when it starts them to work meanwhile.
     */
    private final class ObjectWrites implements MessageIndex.ObjectsDurable {
        private final int count;
        private final IntConsumer write;
        private ParallelIo.Started writes; // guarded by this

        ObjectWrites(int count, IntConsumer write) {
            this.count = count;
            this.write = write;
        }

        @Override
        public synchronized void start() {
            if (writes == null) {
                writes = io.start(count, write);
            }
        }

        @Override
        public void await() {
            startedOrRunNow().await();
        }

        @Override
        public boolean awaitFor(Duration limit) {
            return startedOrRunNow().awaitFor(limit);
        }

        /** The writes started before, or else run now on this thread. */
        private synchronized ParallelIo.Started startedOrRunNow() {
            if (writes == null) {
                writes = io.runNow(count, write);
            }
            return writes;
        }

        /** Waits for writes that were started, if any; their failure is not this caller's to report. */
        void awaitQuietly() {
            ParallelIo.Started started;
            synchronized (this) {
                started = writes;
            }
            if (started != null) {
                started.awaitQuietly();
            }
        }
    }

    /** A segment's object, encoded: its bytes, how many documents it holds and their time range. */
    private record Encoded(byte[] bytes, int documents, Instant minTime, Instant maxTime) {

        /** What the commit of segment {@code segmentId}, holding this object, records of it. */
        WrittenSegment writtenAs(long segmentId) {
            return new WrittenSegment(segmentId, (long) bytes.length, documents, minTime, maxTime);
        }
    }

    /** A repeat is acknowledged when its first copy was, and rejected with it when it was not. */
    private static int settleRepeats(List<Repeat> repeats, List<PutOutcome.Rejected> rejected) {
        if (repeats.isEmpty()) {
            return 0;
        }
        Map<Integer, PutOutcome.Rejected> byIndex = new HashMap<>();
        for (PutOutcome.Rejected r : rejected) {
            byIndex.put(r.index(), r);
        }
        int acknowledged = 0;
        for (Repeat r : repeats) {
            PutOutcome.Rejected firstCopy = byIndex.get(r.firstIndex());
            if (firstCopy == null) {
                acknowledged++;
            } else {
                rejected.add(new PutOutcome.Rejected(r.index(), r.id(), firstCopy.reason()));
            }
        }
        return acknowledged;
    }

    /** A message of the batch that repeats an earlier one exactly. */
    private record Repeat(int index, String id, int firstIndex) {}

    private static PutOutcome.Rejected conflict(Candidate c) {
        return new PutOutcome.Rejected(c.index, c.msg.getId(), "id is already stored with other content");
    }

    /** A message of the batch on its way to storage. */
    private static final class Candidate {
        final int index;
        final Message msg;
        final byte[] digest;
        Instant time;
        int offset;
        int length;

        Candidate(int index, Message msg, byte[] digest) {
            this.index = index;
            this.msg = msg;
            this.digest = digest;
        }
    }
}
