package io.stowage.server.clean;

import io.stowage.server.storage.MessageReader;
import io.stowage.server.storage.SegmentBuilder;
import io.stowage.server.storage.SegmentFormat;
import io.stowage.server.storage.SegmentNames;
import io.stowage.server.storage.blob.BlobDeleter;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.IndexedMessage;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.SegmentRef;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the small segments of closed layout partitions (stream, type, day, hour) into segments of
 * up to the target size, so that sparse traffic does not end as one object per message. A merge
 * is a rewrite of several segments at once, with the rewrite's order: the new segment registered
 * pending, its object written (verified), the live messages moved to it and the old segments
 * retired in one index transaction, then the old objects deleted. A crash before the move leaves
 * the old segments in use and a pending one that the clean retires after the grace; a crash after
 * it leaves retired segments that the clean deletes.
 */
final class SegmentMerger {
    private static final Logger log = LoggerFactory.getLogger(SegmentMerger.class);
    private static final int PAGE = 1_000;

    private final MessageIndex index;
    private final MessageReader reader;
    private final BlobWriter writer;
    private final BlobDeleter deleter;
    private final long targetBytes;
    private final SegmentFormat format;

    /** What merging did: segments written, the small segments they replaced, bytes freed. */
    record Merged(long written, long replaced, long bytesFreed) {
        static final Merged NONE = new Merged(0, 0, 0);

        Merged plus(Merged o) {
            return new Merged(written + o.written, replaced + o.replaced, bytesFreed + o.bytesFreed);
        }
    }

    SegmentMerger(MessageIndex index, MessageReader reader, BlobWriter writer, BlobDeleter deleter, long targetBytes,
            SegmentFormat format) {
        this.format = format;
        this.index = index;
        this.reader = reader;
        this.writer = writer;
        this.deleter = deleter;
        this.targetBytes = targetBytes;
    }

    /**
     * The hours that ended at least {@code grace} before {@code now} are closed: a write still in
     * progress for them has had its grace, so what they hold now is what they keep (a late record
     * may still add a segment, which the next clean merges).
     */
    static Instant closedBefore(Instant now, Duration grace) {
        return now.minus(grace).truncatedTo(ChronoUnit.HOURS);
    }

    Merged mergeClosed(Instant closedBefore) {
        if (targetBytes <= 0) {
            return Merged.NONE;
        }
        Merged total = Merged.NONE;
        String after = "";
        List<SegmentRef> page;
        do {
            page = index.mergeableSegments(closedBefore, targetBytes, after, PAGE);
            if (page.isEmpty()) {
                break;
            }
            after = page.get(page.size() - 1).objectKey();
            for (List<SegmentRef> group : bins(page)) {
                try {
                    total = total.plus(copyLive(group));
                } catch (StorageUnavailableException e) {
                    if (e.dependency().isPresent()) {
                        throw e; // the store or the database is down: the next clean retries
                    }
                    // this group only (a lock held too long, other bytes arrived): its segments stay in use
                    log.warn("Could not merge {} segments of {}; the next clean tries again: {}", group.size(),
                            folder(group.get(0)), e.getMessage());
                } catch (RuntimeException e) {
                    log.warn("Could not merge {} segments of {}; the next clean tries again (stowage verify checks them)",
                            group.size(), folder(group.get(0)), e);
                }
            }
        } while (page.size() == PAGE);
        return total;
    }

    /**
     * Splits the page into runs of one folder, each run into bins whose live bytes fit the target;
     * a bin of one segment is left as it is.
     */
    private List<List<SegmentRef>> bins(List<SegmentRef> page) {
        List<List<SegmentRef>> bins = new ArrayList<>();
        List<SegmentRef> bin = new ArrayList<>();
        long binBytes = 0;
        for (SegmentRef s : page) {
            boolean fits = !bin.isEmpty() && folder(bin.get(0)).equals(folder(s)) && binBytes + s.liveBytes() <= targetBytes;
            if (!fits) {
                addIfMergeable(bins, bin);
                bin = new ArrayList<>();
                binBytes = 0;
            }
            bin.add(s);
            binBytes += s.liveBytes();
        }
        addIfMergeable(bins, bin);
        return bins;
    }

    private static void addIfMergeable(List<List<SegmentRef>> bins, List<SegmentRef> bin) {
        if (bin.size() > 1) {
            bins.add(bin);
        }
    }

    /**
     * Copies the live documents of {@code group} (segments of one layout folder) into one new
     * segment and retires the group, in the order that keeps a crash harmless: a pending row, the
     * object (a write the store proves), then one relocate transaction, then the old objects. The
     * cleaner's rewrite of a sparse segment is the group of one.
     */
    Merged copyLive(List<SegmentRef> group) {
        List<MessageLocation> live = new ArrayList<>();
        for (SegmentRef s : group) {
            index.liveMessages(s).stream().map(IndexedMessage::location).forEach(live::add);
        }
        // documents that already have the current form are copied as they are; the others are
        // framed or unwrapped, so a segment never mixes the forms and its key says which it holds
        Map<String, byte[]> docs = reader.readStored(live);
        Map<String, int[]> offsets = new HashMap<>();
        byte[] content;
        try (SegmentBuilder segment = new SegmentBuilder(docs.values().stream().mapToInt(d -> d.length).sum(), format)) {
            for (MessageLocation m : live) {
                byte[] doc = docs.get(m.id());
                if (doc != null) { // else deleted meanwhile
                    int offset = segment.append(doc);
                    offsets.put(m.id(), new int[] {offset, segment.size() - offset});
                }
            }
            content = segment.toBytes();
        }
        if (offsets.isEmpty()) {
            group.forEach(index::recount); // all deleted meanwhile: the dead-segment pass removes them
            return Merged.NONE;
        }
        SegmentRef first = group.get(0);
        String key = folder(first) + SegmentNames.next() + format.suffix();
        Instant minTime = group.stream().map(SegmentRef::minTime).min(Comparator.naturalOrder()).orElseThrow();
        Instant maxTime = group.stream().map(SegmentRef::maxTime).max(Comparator.naturalOrder()).orElseThrow();
        long newId = index.addPendingSegments(List.of(new NewSegment(key, first.stream(), first.type(), content.length,
                offsets.size(), minTime, maxTime))).get(0);
        writer.put(key, content);
        index.relocate(group, newId, offsets);
        long freed = -content.length;
        for (SegmentRef s : group) {
            deleter.delete(s.objectKey());
            index.removeSegment(s.id());
            freed += s.sizeBytes();
        }
        log.debug("Copied the live messages of {} segments of {} into {} ({} bytes)", group.size(), folder(first), key, content.length);
        return new Merged(1, group.size(), freed);
    }

    private static String folder(SegmentRef s) {
        return s.objectKey().substring(0, s.objectKey().lastIndexOf('/') + 1);
    }
}
