package io.stowage.server.verify;

import io.stowage.api.v1.Message;
import io.stowage.common.bson.DocumentFormatException;
import io.stowage.common.bson.DocumentFrames;
import io.stowage.common.bson.MessageCodec;
import io.stowage.common.message.ContentDigest;
import io.stowage.server.storage.ObjectKeys;
import io.stowage.server.storage.SegmentFormat;
import io.stowage.server.storage.blob.BlobLister;
import io.stowage.server.storage.blob.BlobNotFoundException;
import io.stowage.server.storage.blob.BlobStore;
import io.stowage.server.storage.index.IndexedMessage;
import io.stowage.server.storage.index.SegmentCatalog;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.verify.Problem.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the archive both ways. Index to storage: every indexed message's byte range exists in its
 * segment object, is a readable document of that id (plain BSON, or a zstd frame of one whose
 * checksum holds), and matches the content digest in the index (each segment object is read once). Storage to index: every segment-shaped object under the
 * prefix is a segment the index knows (other objects are not Stowage's and are left alone). With repair, orphans are deleted and segment counters corrected; damaged or
 * missing data is only reported, since nothing here can bring it back.
 */
public final class Verifier {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    private static final int SEGMENT_PAGE = 200;
    private static final int KEY_BATCH = 1000;
    private static final long PROGRESS_EVERY_NANOS = 500_000_000L;

    private final SegmentCatalog catalog;
    private final BlobStore blobs;
    private final SegmentFormat format;

    public Verifier(SegmentCatalog catalog, BlobStore blobs) {
        this(catalog, blobs, SegmentFormat.PLAIN);
    }

    /** Reads documents of both forms; {@code format} bounds what a compressed one may declare. */
    public Verifier(SegmentCatalog catalog, BlobStore blobs, SegmentFormat format) {
        this.catalog = catalog;
        this.blobs = blobs;
        this.format = format;
    }

    public VerifyReport verify(boolean repair, VerifyListener listener) {
        long started = System.nanoTime();
        Run run = new Run(repair, listener);
        try {
            run.checkIndex();
        } finally {
            run.frames.close();
        }
        run.checkObjects();
        VerifyReport report = new VerifyReport(run.messages, run.objects, run.problems, run.repaired,
                Duration.ofNanos(System.nanoTime() - started));
        log.info("Verify{}: {} messages and {} objects checked, {} problems, {} repaired in {} ms",
                repair ? " with repair" : "", report.messagesChecked(), report.objectsChecked(), report.problems(),
                report.repaired(), report.took().toMillis());
        return report;
    }

    /** The state of one verify. */
    private final class Run {
        final boolean repair;
        final VerifyListener listener;
        long messages;
        long objects;
        long problems;
        long repaired;
        long lastProgress;
        final DocumentFrames.Decoder frames = DocumentFrames.decoder();

        Run(boolean repair, VerifyListener listener) {
            this.repair = repair;
            this.listener = listener;
        }

        void checkIndex() {
            long total = catalog.messageCount();
            listener.progress("index", 0, total);
            long after = 0;
            List<SegmentRef> page;
            do {
                page = catalog.committedSegments(after, SEGMENT_PAGE);
                for (SegmentRef segment : page) {
                    checkSegment(segment);
                    after = segment.id();
                    maybeProgress("index", messages, total);
                }
            } while (page.size() == SEGMENT_PAGE);
            listener.progress("index", messages, total);
        }

        void checkSegment(SegmentRef segment) {
            List<IndexedMessage> rows = catalog.liveMessages(segment);
            if (rows.size() != segment.liveCount()) {
                boolean fixed = false;
                if (repair) {
                    catalog.recount(segment);
                    fixed = true;
                }
                report(new Problem(Kind.COUNT_MISMATCH, segment.objectKey(), "", "the index counts "
                        + segment.liveCount() + " live messages but holds " + rows.size() + " rows", fixed));
            }
            if (rows.isEmpty()) {
                return;
            }
            byte[] object;
            try {
                object = blobs.read(segment.objectKey());
            } catch (BlobNotFoundException e) {
                if (catalog.isCommitted(segment.id())) {
                    report(new Problem(Kind.MISSING_OBJECT, segment.objectKey(), rows.get(0).id(),
                            rows.size() + " indexed messages point at this object, which is missing", false));
                }
                messages += rows.size();
                return; // a cleaner rewrote it meanwhile otherwise
            }
            for (IndexedMessage row : rows) {
                checkMessage(segment, row, object);
                messages++;
            }
        }

        void checkMessage(SegmentRef segment, IndexedMessage row, byte[] object) {
            int offset = row.location().offset();
            int length = row.location().length();
            if ((long) offset + length > object.length) {
                report(new Problem(Kind.UNREADABLE_MESSAGE, segment.objectKey(), row.id(), "byte range " + offset + "+"
                        + length + " is past the end of the object (" + object.length + " bytes)", false));
                return;
            }
            Message msg;
            try {
                msg = DocumentFrames.isFrame(object, offset, length)
                        ? MessageCodec.decode(format.unwrap(frames, Arrays.copyOfRange(object, offset, offset + length)))
                        : MessageCodec.decode(object, offset, length);
            } catch (DocumentFormatException e) {
                report(new Problem(Kind.UNREADABLE_MESSAGE, segment.objectKey(), row.id(), "byte range " + offset + "+"
                        + length + " is not a readable document: " + e.getMessage(), false));
                return;
            }
            if (!msg.getId().equals(row.id())) {
                report(new Problem(Kind.UNREADABLE_MESSAGE, segment.objectKey(), row.id(), "byte range " + offset + "+"
                        + length + " holds message '" + msg.getId() + "'", false));
            } else if (!Arrays.equals(ContentDigest.of(msg), row.digest())) {
                report(new Problem(Kind.DIGEST_MISMATCH, segment.objectKey(), row.id(),
                        "the stored document does not match the content digest in the index", false));
            }
        }

        void checkObjects() {
            listener.progress("objects", 0, 0);
            List<String> batch = new ArrayList<>(KEY_BATCH);
            blobs.list("", (BlobLister.BlobInfo info) -> {
                if (!ObjectKeys.isSegmentKey(info.key())) {
                    return; // another application's object in a shared bucket: not ours to judge or delete
                }
                batch.add(info.key());
                if (batch.size() == KEY_BATCH) {
                    checkKeys(batch);
                    batch.clear();
                }
            });
            checkKeys(batch);
            listener.progress("objects", objects, objects);
        }

        void checkKeys(List<String> keys) {
            Set<String> known = catalog.knownObjectKeys(keys);
            for (String key : keys) {
                objects++;
                if (!known.contains(key)) {
                    boolean fixed = false;
                    if (repair) {
                        blobs.delete(key);
                        fixed = true;
                    }
                    report(new Problem(Kind.ORPHAN_OBJECT, key, "", "the index does not know this object", fixed));
                }
            }
            maybeProgress("objects", objects, 0);
        }

        void report(Problem p) {
            problems++;
            if (p.repaired()) {
                repaired++;
            }
            log.warn("Verify: {} {} {} {}{}", p.kind(), p.objectKey(), p.messageId(), p.detail(),
                    p.repaired() ? " (repaired)" : "");
            listener.problem(p);
        }

        void maybeProgress(String phase, long done, long total) {
            long now = System.nanoTime();
            if (now - lastProgress > PROGRESS_EVERY_NANOS) {
                lastProgress = now;
                listener.progress(phase, done, total);
            }
        }
    }
}
