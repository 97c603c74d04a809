package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The segment side of the {@link MessageIndex}, what the cleaner and the verifier read and change:
 * segments by state, expiry, relocation of live messages. A role of the one index, not a separate
 * store: every adapter implements it as part of {@link MessageIndex}.
 */
public interface SegmentCatalog {

    /** The names of all streams the index has seen (also of pending segments), in order. */
    List<String> streams();

    /**
     * Deletes up to {@code limit} messages of {@code stream} with time before {@code cutoff},
     * oldest first, with the same outcome as {@link MessageIndex#delete}.
     */
    DeleteOutcome expire(String stream, Instant cutoff, int limit);

    /**
     * Expiry by whole segments, the fast part of retention: takes the committed segments of
     * {@code stream} whose messages are all older than {@code cutoff} (their max time is before it),
     * those that end first, about {@code limit} messages' worth (at least one segment), deletes all
     * their messages and leaves the segments with nothing live, in one transaction, as a set: no
     * accounting message by message. The outcome is that of {@link #expire}; {@code emptied} lists
     * the segments taken. Messages older than {@code cutoff} in segments that reach past it, or
     * committed meanwhile, are left to {@link #expire}. Relies on a segment's time range holding
     * the times of all its messages, which the write path and the merger keep.
     */
    DeleteOutcome expireSegments(String stream, Instant cutoff, int limit);

    /**
     * Retires segments still pending that were registered before {@code cutoff}: left by an
     * interrupted write. A write that commits after this indexes none of their messages.
     */
    List<SegmentRef> retireAbandoned(Instant cutoff);

    /** Committed segments with no live message, and retired segments: their objects can go. */
    List<SegmentRef> deadSegments();

    /** Committed segments after {@code afterId}, in id order, in which at least {@code minDeadRatio} of the bytes are dead. */
    List<SegmentRef> sparseSegments(double minDeadRatio, long afterId, int limit);

    /** The live (indexed) messages of a segment, in byte order. */
    List<IndexedMessage> liveMessages(SegmentRef segment);

    /**
     * The small segments of closed layout partitions, which clean merges: committed segments with
     * a live message, of fewer than {@code smallerThan} bytes, whose messages are all older than
     * {@code closedBefore}, in layout partitions (the folder of the object key: stream, type, day,
     * hour) that hold more than one such segment. In object-key order (byte order, so that each
     * partition's segments come together) after {@code afterKey}, at most {@code limit}.
     */
    List<SegmentRef> mergeableSegments(Instant closedBefore, long smallerThan, String afterKey, int limit);

    /** Committed segments with an id above {@code afterId}, in id order. */
    List<SegmentRef> committedSegments(long afterId, int limit);

    /** Whether the segment is still committed (not retired or removed meanwhile). */
    boolean isCommitted(long segmentId);

    /** Of these object keys, the ones the index knows, in any state. */
    Set<String> knownObjectKeys(Collection<String> keys);

    /** Sets a segment's live count and bytes from its message rows. */
    void recount(SegmentRef segment);

    /** How many messages the index holds. */
    long messageCount();

    /**
     * Points the messages of {@code from} that are still there at their new offsets in the
     * committed-to-be segment {@code to}, commits {@code to} and retires {@code from}, in one
     * transaction. Messages deleted in the meantime are left out.
     *
     * @param newOffsets message id to its byte range [offset, length] in the new segment
     * @return the number of messages moved
     */
    default int relocate(SegmentRef from, long to, Map<String, int[]> newOffsets) {
        return relocate(List.of(from), to, newOffsets);
    }

    /**
     * As {@link #relocate(SegmentRef, long, Map)} for several source segments at once (a merge):
     * the messages still in any of {@code from} move to {@code to}, and every one of {@code from}
     * is retired, in one transaction.
     */
    int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets);

    /** Forgets a segment whose object is gone, unless it holds live messages. */
    void removeSegment(long segmentId);

    /** As {@link #removeSegment} for many segments; an adapter does it in one round trip. */
    default void removeSegments(Collection<Long> segmentIds) {
        segmentIds.forEach(this::removeSegment);
    }

    /**
     * Runs {@code work} while holding the cluster-wide clean lock; returns false without running
     * it when another server holds the lock.
     */
    boolean withCleanLock(Runnable work);
}
