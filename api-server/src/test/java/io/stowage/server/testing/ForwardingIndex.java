package io.stowage.server.testing;

import io.stowage.server.storage.index.CaptureStore;
import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.IndexedMessage;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.ScanQuery;
import io.stowage.server.storage.index.ScanRow;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.StreamStats;
import io.stowage.server.storage.index.WrittenSegment;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An index that passes every call to a real one; a test overrides the calls it wants to fail
 * or to watch (a commit that fails after the object was written, say).
 */
public class ForwardingIndex implements MessageIndex {
    protected final MessageIndex real;

    public ForwardingIndex(MessageIndex real) {
        this.real = real;
    }

    @Override
    public CaptureStore captures() {
        return real.captures();
    }

    @Override
    public String description() {
        return real.description();
    }

    @Override
    public void checkReady(Duration timeout) {
        real.checkReady(timeout);
    }

    @Override
    public void close() {
        real.close();
    }

    @Override
    public Map<String, byte[]> findDigests(Collection<String> ids) {
        return real.findDigests(ids);
    }

    @Override
    public List<Long> addPendingSegments(List<NewSegment> newSegments) {
        return real.addPendingSegments(newSegments);
    }

    @Override
    public Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
        return real.commitSegments(written, entries);
    }

    @Override
    public void removeSegments(Collection<Long> segmentIds) {
        real.removeSegments(segmentIds);
    }

    @Override
    public List<MessageLocation> locate(Collection<String> ids) {
        return real.locate(ids);
    }

    @Override
    public DeleteOutcome delete(Collection<String> ids) {
        return real.delete(ids);
    }

    @Override
    public List<ScanRow> scan(ScanQuery query) {
        return real.scan(query);
    }

    @Override
    public io.stowage.server.storage.index.CountResult count(io.stowage.server.storage.index.CountQuery query) {
        return real.count(query);
    }

    @Override
    public List<StreamStats> status(Optional<String> stream) {
        return real.status(stream);
    }

    @Override
    public List<String> streams() {
        return real.streams();
    }

    @Override
    public DeleteOutcome expire(String stream, Instant cutoff, int limit) {
        return real.expire(stream, cutoff, limit);
    }

    @Override
    public DeleteOutcome expireSegments(String stream, Instant cutoff, int limit) {
        return real.expireSegments(stream, cutoff, limit);
    }

    @Override
    public List<SegmentRef> retireAbandoned(Instant cutoff) {
        return real.retireAbandoned(cutoff);
    }

    @Override
    public List<SegmentRef> deadSegments() {
        return real.deadSegments();
    }

    @Override
    public List<SegmentRef> sparseSegments(double minDeadRatio, long afterId, int limit) {
        return real.sparseSegments(minDeadRatio, afterId, limit);
    }

    @Override
    public List<IndexedMessage> liveMessages(SegmentRef segment) {
        return real.liveMessages(segment);
    }

    @Override
    public List<SegmentRef> committedSegments(long afterId, int limit) {
        return real.committedSegments(afterId, limit);
    }

    @Override
    public boolean isCommitted(long segmentId) {
        return real.isCommitted(segmentId);
    }

    @Override
    public Set<String> knownObjectKeys(Collection<String> keys) {
        return real.knownObjectKeys(keys);
    }

    @Override
    public void recount(SegmentRef segment) {
        real.recount(segment);
    }

    @Override
    public long messageCount() {
        return real.messageCount();
    }

    @Override
    public List<SegmentRef> mergeableSegments(Instant closedBefore, long smallerThan, String afterKey, int limit) {
        return real.mergeableSegments(closedBefore, smallerThan, afterKey, limit);
    }

    @Override
    public int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
        return real.relocate(from, to, newOffsets);
    }

    @Override
    public void removeSegment(long segmentId) {
        real.removeSegment(segmentId);
    }

    @Override
    public boolean withCleanLock(Runnable work) {
        return real.withCleanLock(work);
    }
}
