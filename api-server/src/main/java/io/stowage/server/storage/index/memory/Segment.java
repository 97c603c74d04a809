package io.stowage.server.storage.index.memory;

import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.StreamStats;
import io.stowage.server.storage.index.WrittenSegment;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** A segment row of the in-memory index; guarded by the index's monitor. */
final class Segment {
    enum State { PENDING, COMMITTED, RETIRED }

    final long id;
    final String objectKey;
    final String stream;
    final String type;
    long sizeBytes;
    Instant minTime;
    Instant maxTime;
    final Instant createdAt;
    State state = State.PENDING;
    int liveCount;
    long liveBytes;

    Segment(long id, NewSegment s, Instant createdAt) {
        this.id = id;
        this.objectKey = s.objectKey();
        this.stream = s.stream();
        this.type = s.type();
        this.sizeBytes = s.sizeBytes();
        this.minTime = InMemoryIndex.micros(s.minTime());
        this.maxTime = InMemoryIndex.micros(s.maxTime());
        this.createdAt = createdAt;
    }

    /** The facts its commit sets; a null keeps what it was registered with. */
    void setFacts(WrittenSegment w) {
        sizeBytes = w.sizeBytes() == null ? sizeBytes : w.sizeBytes();
        minTime = w.minTime() == null ? minTime : InMemoryIndex.micros(w.minTime());
        maxTime = w.maxTime() == null ? maxTime : InMemoryIndex.micros(w.maxTime());
    }

    boolean is(State s) {
        return state == s;
    }

    /** Dead: retired, or committed with nothing live. */
    boolean isDead() {
        return state == State.RETIRED || (state == State.COMMITTED && liveCount == 0);
    }

    /** The statistics of a stream from its committed segments and the times of its messages. */
    static StreamStats stats(String stream, List<Segment> committed, List<Instant> times) {
        return new StreamStats(stream, committed.stream().mapToLong(s -> s.liveCount).sum(),
                committed.stream().mapToLong(s -> s.liveBytes).sum(),
                times.stream().min(Comparator.naturalOrder()).orElse(null),
                times.stream().max(Comparator.naturalOrder()).orElse(null), committed.size(),
                committed.stream().mapToLong(s -> s.sizeBytes).sum());
    }

    SegmentRef ref() {
        return new SegmentRef(id, objectKey, stream, type, sizeBytes, liveCount, liveBytes, minTime, maxTime);
    }
}
