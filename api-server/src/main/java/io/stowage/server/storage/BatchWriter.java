package io.stowage.server.storage;

import io.stowage.api.v1.Message;
import io.stowage.common.message.ContentDigest;
import io.stowage.common.message.Messages;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.NewSegment;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of PutBatch. Validates the whole batch, sorts out re-puts and conflicts, writes
 * one segment object per layout partition, and indexes the messages, in the order that keeps a
 * crash harmless: segments registered as pending, objects written, rows and commit together.
 */
public final class BatchWriter {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);
    private final MessageIndex index;
    private final BlobWriter blobs;
    private final ParallelIo io;
    private final BatchValidator validator;
    private final Clock clock;
    private final ArchiveMetrics metrics;
    private final SegmentFormat format;

    public BatchWriter(MessageIndex index, BlobWriter blobs, ParallelIo io, Limits limits, Clock clock,
            ArchiveMetrics metrics) {
        this(index, blobs, io, limits, clock, metrics, SegmentFormat.PLAIN);
    }

    public BatchWriter(MessageIndex index, BlobWriter blobs, ParallelIo io, Limits limits, Clock clock,
            ArchiveMetrics metrics, SegmentFormat format) {
        this.format = format;
        this.index = index;
        this.blobs = blobs;
        this.io = io;
        this.validator = new BatchValidator(limits);
        this.clock = clock;
        this.metrics = metrics;
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
     * Writes and indexes the batch's distinct messages; returns how many are acknowledged. Two
     * durable round trips to the index, whatever the batch size:
     * <ol>
     * <li>{@link MessageIndex#registerPending}: the segments' pending rows, committed, and in the
     * same statement a {@link #probe} of the batch's ids. When a probed id is stored (a
     * re-delivery), every id is looked up (a third round trip, for re-deliveries only) and settled
     * here: the same content is acknowledged again, other content rejected; a segment whose
     * messages are all stored is not written and its pending row is removed.
     * <li>the objects, durable when {@code put} returns.
     * <li>{@link MessageIndex#commitSegments}: the rows of the messages not known to be stored and
     * the segments' commit, one transaction (which PostgreSQL shares with the commits of concurrent
     * calls); an id that is stored (by another writer since step 1, or before and not probed) is
     * left out and settled by {@link #settleRaces}.
     * </ol>
     * Crash windows: before step 1 commits, nothing is left. Between 1 and 3 (objects written or
     * not), pending rows are left: Clean retires those older than the grace period and deletes
     * their objects (deleting one never written succeeds), and a commit that comes after that
     * indexes nothing (it only commits segments still pending), so no row points at a deleted
     * object. After 3 the batch is stored; a client that missed the answer puts it again and is
     * acknowledged from the look-up of step 1 without writing anything. The pending marker stays
     * a durable commit: were it asynchronous, a PostgreSQL crash could lose it after its object
     * was written, and Clean does not list the store for objects no row knows (only
     * {@code stowage verify --repair} does).
     */
    private int store(List<Candidate> candidates, List<PutOutcome.Rejected> rejected) {
        Instant storedAt = clock.instant();
        Map<LayoutPartition, List<Candidate>> partitions = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            c.time = Messages.time(c.msg, storedAt);
            partitions.computeIfAbsent(LayoutPartition.of(Messages.stream(c.msg), c.msg.getType(), c.time),
                    p -> new ArrayList<>()).add(c);
        }

        List<NewSegment> segments = new ArrayList<>();
        List<byte[]> objects = new ArrayList<>();
        for (Map.Entry<LayoutPartition, List<Candidate>> p : partitions.entrySet()) {
            List<Candidate> members = p.getValue();
            Instant min = members.get(0).time;
            Instant max = min;
            byte[] object;
            try (SegmentBuilder segment = new SegmentBuilder(
                    members.stream().mapToInt(c -> c.msg.getSerializedSize() + 128).sum(), format)) {
                for (Candidate c : members) {
                    c.offset = segment.append(c.msg, storedAt);
                    c.length = segment.size() - c.offset;
                    min = c.time.isBefore(min) ? c.time : min;
                    max = c.time.isAfter(max) ? c.time : max;
                }
                object = segment.toBytes();
            }
            LayoutPartition partition = p.getKey();
            segments.add(new NewSegment(partition.newSegmentKey(format), partition.stream(), partition.type(),
                    object.length, members.size(), min, max));
            objects.add(object);
        }

        // 1. pending rows, committed, and whether the batch was stored before (a probe, all its ids if so)
        long encoded = System.nanoTime();
        List<String> probe = probe(partitions.values());
        MessageIndex.PendingWrite registered = index.registerPending(segments, probe);
        Map<String, byte[]> storedDigests = registered.storedDigests();
        if (!storedDigests.isEmpty() && probe.size() < candidates.size()) {
            storedDigests = index.findDigests(candidates.stream().map(c -> c.msg.getId()).toList());
        }
        long pending = System.nanoTime();
        int acknowledged = 0;
        List<Candidate> fresh = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            byte[] existing = storedDigests.get(c.msg.getId());
            if (existing == null) {
                fresh.add(c);
            } else if (Arrays.equals(existing, c.digest)) {
                acknowledged++;
            } else {
                rejected.add(conflict(c));
            }
        }
        List<Long> segmentIds = new ArrayList<>();
        List<Integer> toWrite = new ArrayList<>();
        List<IndexEntry> entries = new ArrayList<>(fresh.size());
        int s = 0;
        for (List<Candidate> members : partitions.values()) {
            long segmentId = registered.segmentIds().get(s);
            int before = entries.size();
            for (Candidate c : members) {
                if (storedDigests.containsKey(c.msg.getId())) {
                    continue; // stored before: its copy in this segment stays dead bytes, never indexed
                }
                var kafka = c.msg.hasKafka() ? c.msg.getKafka() : null;
                entries.add(new IndexEntry(c.msg.getId(), segmentId, Messages.stream(c.msg), c.msg.getType(), c.time,
                        c.offset, c.length, c.digest, kafka == null ? null : kafka.getPartition(),
                        kafka == null ? null : kafka.getOffset()));
            }
            if (entries.size() > before) {
                segmentIds.add(segmentId);
                toWrite.add(s);
            } else {
                index.removeSegment(segmentId); // a re-delivery: no object written, nothing to commit
            }
            s++;
        }
        if (entries.isEmpty()) {
            return acknowledged;
        }
        // 2. the objects, durable when put returns
        io.runAll(toWrite.size(), i -> {
            int segment = toWrite.get(i);
            blobs.put(segments.get(segment).objectKey(), objects.get(segment));
            metrics.segmentWritten(objects.get(segment).length);
        });
        // 3. the rows and the segments' commit, in one transaction
        long written = System.nanoTime();
        Collection<String> indexed = index.commitSegments(segmentIds, entries);
        if (log.isDebugEnabled()) {
            log.debug("Stored {} messages in {} segments: pending rows and look-up {} ms, objects {} ms, index commit"
                    + " {} ms", entries.size(), segmentIds.size(), (pending - encoded) / 1_000_000,
                    (written - pending) / 1_000_000, (System.nanoTime() - written) / 1_000_000);
        }
        acknowledged += indexed.size();
        if (indexed.size() < fresh.size()) {
            acknowledged += settleRaces(fresh, Set.copyOf(indexed), rejected);
        }
        return acknowledged;
    }

    /**
     * The ids looked up before writing: for each layout partition, the first and last id of each
     * Kafka partition's records in it (of all its messages for those put directly). Kafka
     * re-delivers a partition from its last committed offset, so a re-delivered partition's first
     * record in the batch is one that is stored, wherever its records sit in the batch (a worker
     * sends them in runs; another client may interleave partitions). Looking up every id cost
     * PostgreSQL as much CPU as indexing it (4-5 ms for 1,000 ids, measured with {@code psql} on a
     * million rows), and the commit finds the stored ids anyway. The probe only decides whether the
     * batch holds a re-delivery: then every id is looked up and no object is written for what is
     * stored. An id stored otherwise is written once more as dead bytes and settled by the commit.
     */
    private static List<String> probe(Collection<List<Candidate>> partitions) {
        Set<String> probe = new LinkedHashSet<>();
        for (List<Candidate> members : partitions) {
            Map<Integer, Candidate[]> ends = new LinkedHashMap<>(); // Kafka partition -> its first and last
            for (Candidate c : members) {
                ends.computeIfAbsent(kafkaPartition(c), k -> new Candidate[] {c, c})[1] = c;
            }
            for (Candidate[] firstAndLast : ends.values()) {
                probe.add(firstAndLast[0].msg.getId());
                probe.add(firstAndLast[1].msg.getId());
            }
        }
        return List.copyOf(probe);
    }

    /** The Kafka partition a message came from; -1 for a message put directly. */
    private static int kafkaPartition(Candidate c) {
        return c.msg.hasKafka() ? c.msg.getKafka().getPartition() : -1;
    }

    /**
     * Ids the commit found stored (by another writer meanwhile, or before and not probed):
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
