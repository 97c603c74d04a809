package io.stowage.server.clean;

import io.stowage.server.storage.MessageReader;
import io.stowage.server.storage.SegmentFormat;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.blob.BlobDeleter;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.index.CaptureStore;
import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.SegmentRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    /** Messages per transaction of expiry by whole segments: a few tenths of a second each. */
    private static final int EXPIRE_SEGMENTS_CHUNK = 100_000;
    /** Dead segments forgotten by the index per round trip, once their objects are deleted. */
    private static final int REMOVE_CHUNK = 1_000;
    private static final int REWRITE_CHUNK = 1_000;
    /** Group captures older than this keep the last of each hour; older than the next, the last of each day. */
    static final Duration GROUP_CAPTURES_HOURLY_AFTER = Duration.ofDays(1);
    static final Duration GROUP_CAPTURES_DAILY_AFTER = Duration.ofDays(30);

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
        this(index, reader, writer, deleter, settings, clock, metrics, SegmentFormat.PLAIN);
    }

    /** Segments it rewrites or merges are written in {@code format}, whatever form their documents had. */
    public Cleaner(MessageIndex index, MessageReader reader, BlobWriter writer, BlobDeleter deleter,
            CleanSettings settings, Clock clock, CleanMetrics metrics, SegmentFormat format) {
        this.index = index;
        this.reader = reader;
        this.writer = writer;
        this.deleter = deleter;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.merger = new SegmentMerger(index, reader, writer, deleter, settings.segmentTargetBytes(), format);
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
        long phase = System.nanoTime();

        List<SegmentRef> abandoned = index.retireAbandoned(now.minus(settings.pendingGrace()));
        for (SegmentRef s : abandoned) {
            t.bytesFreed += deleteObject(s);
            index.removeSegment(s.id());
            t.orphaned++;
        }

        for (String stream : index.streams()) {
            Optional<Duration> period = settings.retention().periodFor(stream);
            if (period.isEmpty()) {
                continue;
            }
            Instant cutoff = now.minus(period.get());
            DeleteOutcome out;
            do { // the segments that end before the cut, as a whole: most of what expires
                out = index.expireSegments(stream, cutoff, EXPIRE_SEGMENTS_CHUNK);
                t.expired += out.deleted();
            } while (!out.emptied().isEmpty());
            do { // then message by message, in the segments that reach past the cut
                out = index.expire(stream, cutoff, EXPIRE_CHUNK);
                t.expired += out.deleted();
            } while (out.deleted() > 0);
        }
        phase = logPhase("retire abandoned and expire", phase);

        expireCaptures(now);
        phase = logPhase("expire captures", phase);

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
        phase = logPhase("rewrite sparse segments", phase);

        t.merged = merger.mergeClosed(SegmentMerger.closedBefore(now, settings.pendingGrace()));
        phase = logPhase("merge small segments", phase);

        // objects one by one, then the rows in batches: a crash in between leaves rows whose
        // objects are gone, which the next clean finds dead again (deleting a missing object succeeds)
        List<Long> removed = new ArrayList<>();
        for (SegmentRef s : index.deadSegments()) {
            if (removed.size() == REMOVE_CHUNK) {
                index.removeSegments(removed);
                removed.clear();
            }
            try {
                t.bytesFreed += deleteObject(s);
                removed.add(s.id());
                t.deleted++;
            } catch (StorageUnavailableException e) {
                if (e.dependency().isPresent()) {
                    throw e;
                }
                log.warn("Could not remove dead segment {}; the next clean tries again", s.objectKey(), e);
            } catch (RuntimeException e) {
                log.warn("Could not remove dead segment {}; the next clean tries again", s.objectKey(), e);
            }
        }
        index.removeSegments(removed);
        logPhase("remove dead segments", phase);
        return t;
    }

    /** Logs how long a step of the clean took (DEBUG) and returns now, the start of the next step. */
    private static long logPhase(String step, long startedNanos) {
        long now = System.nanoTime();
        log.debug("Clean: {} took {} ms", step, (now - startedNanos) / 1_000_000);
        return now;
    }

    /**
     * Removes captures of the Kafka cluster past retention, keeping the latest before each cut so
     * that a restore to any time still within retention finds the state it had. A topic's
     * captures follow its stream's retention; a group reads several topics, so its captures are
     * kept as long as the longest retention of any stream (forever when any stream is kept forever),
     * and thinned: older than a day, the last of each hour; older than 30 days, the last of each day.
     */
    private void expireCaptures(Instant now) {
        CaptureStore captures = index.captures();
        int removed = 0;
        for (String topic : captures.topics()) {
            Optional<Duration> period = settings.retention().periodFor(topic);
            if (period.isPresent()) {
                removed += captures.expireTopic(topic, now.minus(period.get()));
            }
        }
        Optional<Duration> longest = settings.retention().longestPeriod();
        if (longest.isPresent()) {
            removed += captures.expireGroups(now.minus(longest.get()));
        }
        // a reading group changes at every capture interval: without thinning, kept forever, its
        // captures grow by one row of all its partitions per interval
        removed += captures.thinGroups(now.minus(GROUP_CAPTURES_HOURLY_AFTER), now.minus(GROUP_CAPTURES_DAILY_AFTER));
        // the worker sends every topic once an hour, changed or not
        removed += captures.dropRepeatedTopics(now.minus(GROUP_CAPTURES_HOURLY_AFTER));
        if (removed > 0) {
            log.info("Clean: removed {} captures of topics and groups past retention or thinned", removed);
        }
    }

    /**
     * Copies the live documents of {@code s} into a new segment and retires {@code s}: a merge of
     * one segment, so a rewrite and a merge take the same crash-safe steps.
     */
    private void rewrite(SegmentRef s, Tally t) {
        SegmentMerger.Merged copied = merger.copyLive(List.of(s));
        if (copied.written() > 0) {
            t.rewritten++;
            t.bytesFreed += copied.bytesFreed();
        }
    }

    /**
     * Deletes a segment's object; returns the bytes that freed. A segment of size 0 was registered
     * before its write and never committed (a reservation, or a write cut short), so the index never
     * learnt its size: the store is asked, which costs a request more. That also holds for such a
     * segment retired by a clean that then failed, which the next clean finds among the dead.
     */
    private long deleteObject(SegmentRef s) {
        if (s.sizeBytes() > 0) {
            deleter.delete(s.objectKey());
            return s.sizeBytes();
        }
        return deleter.deleteMeasured(s.objectKey());
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
