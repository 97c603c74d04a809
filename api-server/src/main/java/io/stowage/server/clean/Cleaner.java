package io.stowage.server.clean;

import io.stowage.server.storage.MessageReader;
import io.stowage.server.storage.SegmentBuilder;
import io.stowage.server.storage.SegmentNames;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.blob.BlobDeleter;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.IndexedMessage;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.SegmentRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies retention and keeps storage tidy. One clean: retire segments abandoned by interrupted
 * writes, expire messages past retention, rewrite segments that hold deleted messages (so the
 * deleted bytes are physically gone), merge the small segments of closed hours, and delete
 * segments with nothing live. Only one server of
 * a cluster cleans at a time.
 */
public final class Cleaner {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);
    private static final int EXPIRE_CHUNK = 10_000;
    private static final int REWRITE_CHUNK = 1_000;

    private final MessageIndex index;
    private final MessageReader reader;
    private final BlobWriter writer;
    private final BlobDeleter deleter;
    private final CleanSettings settings;
    private final Clock clock;
    private final CleanMetrics metrics;
    private final SegmentMerger merger;

    public Cleaner(MessageIndex index, MessageReader reader, BlobWriter writer, BlobDeleter deleter,
            CleanSettings settings, Clock clock, CleanMetrics metrics) {
        this.index = index;
        this.reader = reader;
        this.writer = writer;
        this.deleter = deleter;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.merger = new SegmentMerger(index, reader, writer, deleter, settings.segmentTargetBytes());
    }

    public CleanReport clean() {
        CleanReport report;
        try {
            report = cleanOnce();
        } catch (RuntimeException e) {
            metrics.cleanFailed();
            throw e;
        }
        metrics.cleaned(report);
        return report;
    }

    private CleanReport cleanOnce() {
        long started = System.nanoTime();
        AtomicReference<Tally> result = new AtomicReference<>();
        boolean ran = index.withCleanLock(() -> result.set(cleanLocked()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (!ran) {
            return new CleanReport(false, 0, 0, 0, 0, 0, 0, 0, took);
        }
        Tally t = result.get();
        CleanReport report = new CleanReport(true, t.expired, t.deleted, t.rewritten, t.orphaned, t.merged.written(),
                t.merged.replaced(), t.bytesFreed + t.merged.bytesFreed(), took);
        log.info("Clean: {}", report);
        return report;
    }

    private Tally cleanLocked() {
        Tally t = new Tally();
        Instant now = clock.instant();

        List<SegmentRef> abandoned = index.retireAbandoned(now.minus(settings.pendingGrace()));
        for (SegmentRef s : abandoned) {
            removeObject(s);
            t.orphaned++;
            t.bytesFreed += s.sizeBytes();
        }

        for (String stream : index.streams()) {
            Optional<Duration> period = settings.retention().periodFor(stream);
            if (period.isEmpty()) {
                continue;
            }
            Instant cutoff = now.minus(period.get());
            DeleteOutcome out;
            do {
                out = index.expire(stream, cutoff, EXPIRE_CHUNK);
                t.expired += out.deleted();
            } while (out.deleted() > 0);
        }

        // One segment that cannot be rewritten (its object damaged, say) must not stop the rest
        // of the clean: it is logged, left for verify, and the walk goes on by segment id.
        long after = 0;
        List<SegmentRef> sparse;
        do {
            sparse = index.sparseSegments(settings.minDeadRatio(), after, REWRITE_CHUNK);
            for (SegmentRef s : sparse) {
                after = s.id();
                try {
                    rewrite(s, t);
                } catch (StorageUnavailableException e) {
                    if (e.dependency().isPresent()) {
                        throw e; // the store is down: every other segment would fail too, the next clean retries
                    }
                    // this one write failed (other bytes arrived, say): the old segment stays in use
                    log.warn("Could not rewrite segment {}; the next clean tries again", s.objectKey(), e);
                } catch (RuntimeException e) {
                    log.warn("Could not rewrite segment {}; the next clean tries again (stowage verify checks it)",
                            s.objectKey(), e);
                }
            }
        } while (sparse.size() == REWRITE_CHUNK);

        t.merged = merger.mergeClosed(SegmentMerger.closedBefore(now, settings.pendingGrace()));

        for (SegmentRef s : index.deadSegments()) {
            try {
                removeObject(s);
                t.deleted++;
                t.bytesFreed += s.sizeBytes();
            } catch (StorageUnavailableException e) {
                if (e.dependency().isPresent()) {
                    throw e;
                }
                log.warn("Could not remove dead segment {}; the next clean tries again", s.objectKey(), e);
            } catch (RuntimeException e) {
                log.warn("Could not remove dead segment {}; the next clean tries again", s.objectKey(), e);
            }
        }
        return t;
    }

    /** Copies the live documents of {@code s} into a new segment and retires {@code s}. */
    private void rewrite(SegmentRef s, Tally t) {
        List<MessageLocation> live = index.liveMessages(s).stream().map(IndexedMessage::location).toList();
        Map<String, byte[]> docs = reader.readDocuments(live);
        SegmentBuilder segment = new SegmentBuilder(docs.values().stream().mapToInt(d -> d.length).sum());
        Map<String, int[]> offsets = new HashMap<>();
        for (MessageLocation m : live) {
            byte[] doc = docs.get(m.id());
            if (doc != null) { // else deleted meanwhile
                offsets.put(m.id(), new int[] {segment.append(doc), doc.length});
            }
        }
        if (offsets.isEmpty()) {
            // every message was deleted meanwhile; should the counters say otherwise, set them right
            // so that the dead-segment pass removes it
            index.recount(s);
            return;
        }
        String folder = s.objectKey().substring(0, s.objectKey().lastIndexOf('/') + 1);
        String key = folder + SegmentNames.next() + ".bson";
        byte[] content = segment.toBytes();
        long newId = index.addPendingSegments(List.of(new NewSegment(key, s.stream(), s.type(), content.length,
                offsets.size(), s.minTime(), s.maxTime()))).get(0);
        writer.put(key, content);
        index.relocate(s, newId, offsets);
        removeObject(s);
        t.rewritten++;
        t.bytesFreed += s.sizeBytes() - content.length;
    }

    private void removeObject(SegmentRef s) {
        deleter.delete(s.objectKey());
        index.removeSegment(s.id());
    }

    private static final class Tally {
        long expired;
        long deleted;
        long rewritten;
        long orphaned;
        long bytesFreed;
        SegmentMerger.Merged merged = SegmentMerger.Merged.NONE;
    }
}
