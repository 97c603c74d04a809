package io.stowage.server.storage.index.postgres;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.server.storage.index.CaptureStore;
import io.stowage.server.storage.index.CountQuery;
import io.stowage.server.storage.index.CountResult;
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
 * The index in PostgreSQL: owns the connection pool. The SQL of the message rows is in
 * {@link PostgresMessages}, that of the segment rows in {@link PostgresSegments}; both share the
 * cached stream and type numbers.
 */
public final class PostgresIndex implements MessageIndex {
    private final Database db;
    private final PostgresMessages messages;
    private final PostgresSegments segments;
    private final PostgresExpiry expiry;
    private final PostgresCounts counts;
    private final PostgresCaptures captures;

    /**
     * Commits of at least this many messages go by binary {@code COPY} ({@link CopyCommit}); below,
     * its extra round trips (a transaction of three statements against one) cost more than it saves.
     */
    static final int COPY_FROM = 200;

    /** Over an open database, which it closes on {@link #close()}. */
    public PostgresIndex(Database db) {
        this(db, COPY_FROM);
    }

    /** As {@link #PostgresIndex(Database)}, committing by {@code COPY} from {@code copyFrom} messages up. */
    PostgresIndex(Database db, int copyFrom) {
        this.db = db;
        NameIds streams = new NameIds("streams");
        NameIds types = new NameIds("types");
        this.messages = new PostgresMessages(db, streams, types, copyFrom);
        this.counts = new PostgresCounts(db, streams, types);
        this.segments = new PostgresSegments(db, streams);
        this.expiry = new PostgresExpiry(db, streams);
        this.captures = new PostgresCaptures(db);
    }

    /**
     * Connects, creates {@code schema} if needed and applies pending migrations, with the pool's
     * metrics in {@code registry}; a statement waits at most {@code lockTimeout} for a lock another
     * transaction holds.
     */
    public static PostgresIndex connect(String jdbcUrl, String user, String password, String schema, int poolSize,
            Optional<Duration> lockTimeout, MeterRegistry registry) {
        return new PostgresIndex(Database.connect(jdbcUrl, user, password, schema, poolSize, lockTimeout, registry));
    }

    /** The database, for tests of what only PostgreSQL shows (such as damage done with SQL). */
    public Database database() {
        return db;
    }

    @Override
    public CaptureStore captures() {
        return captures;
    }

    @Override
    public String description() {
        return db.description();
    }

    @Override
    public void checkReady(Duration timeout) {
        db.ping(timeout);
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public Map<String, byte[]> findDigests(Collection<String> ids) {
        return messages.findDigests(ids);
    }

    @Override
    public List<Long> addPendingSegments(List<NewSegment> newSegments) {
        return messages.addPendingSegments(newSegments);
    }

    @Override
    public Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
        return messages.commitSegments(written, entries);
    }

    @Override
    public Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries,
            ObjectsDurable objects) {
        return messages.commitSegments(written, entries, objects);
    }

    @Override
    public List<MessageLocation> locate(Collection<String> ids) {
        return messages.locate(ids);
    }

    @Override
    public DeleteOutcome delete(Collection<String> ids) {
        return messages.delete(ids);
    }

    @Override
    public List<ScanRow> scan(ScanQuery query) {
        return messages.scan(query);
    }

    @Override
    public CountResult count(CountQuery query) {
        return counts.count(query);
    }

    @Override
    public List<StreamStats> status(Optional<String> stream) {
        return messages.status(stream);
    }

    @Override
    public List<String> streams() {
        return segments.streams();
    }

    @Override
    public DeleteOutcome expire(String stream, Instant cutoff, int limit) {
        return expiry.expire(stream, cutoff, limit);
    }

    @Override
    public DeleteOutcome expireSegments(String stream, Instant cutoff, int limit) {
        return expiry.expireSegments(stream, cutoff, limit);
    }

    @Override
    public List<SegmentRef> retireAbandoned(Instant cutoff) {
        return segments.retireAbandoned(cutoff);
    }

    @Override
    public List<SegmentRef> deadSegments() {
        return segments.deadSegments();
    }

    @Override
    public List<SegmentRef> sparseSegments(double minDeadRatio, long afterId, int limit) {
        return segments.sparseSegments(minDeadRatio, afterId, limit);
    }

    @Override
    public List<IndexedMessage> liveMessages(SegmentRef segment) {
        return segments.liveMessages(segment);
    }

    @Override
    public List<SegmentRef> committedSegments(long afterId, int limit) {
        return segments.committedSegments(afterId, limit);
    }

    @Override
    public boolean isCommitted(long segmentId) {
        return segments.isCommitted(segmentId);
    }

    @Override
    public Set<String> knownObjectKeys(Collection<String> keys) {
        return segments.knownObjectKeys(keys);
    }

    @Override
    public void recount(SegmentRef segment) {
        segments.recount(segment);
    }

    @Override
    public long messageCount() {
        return segments.messageCount();
    }

    @Override
    public List<SegmentRef> mergeableSegments(Instant closedBefore, long smallerThan, String afterKey, int limit) {
        return segments.mergeableSegments(closedBefore, smallerThan, afterKey, limit);
    }

    @Override
    public int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
        return segments.relocate(from, to, newOffsets);
    }

    @Override
    public void removeSegment(long segmentId) {
        segments.removeSegment(segmentId);
    }

    @Override
    public void removeSegments(Collection<Long> segmentIds) {
        segments.removeSegments(List.copyOf(segmentIds));
    }

    @Override
    public boolean withCleanLock(Runnable work) {
        return segments.withCleanLock(work);
    }
}
