package io.stowage.server.storage.index;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The index port: a row per stored message and a row per segment, kept consistent with each
 * other (a commit, a delete or a relocation changes both at once). The write protocol of a batch
 * is {@link #registerPending} (durable before any object is written), then the objects, then
 * {@link #commitSegments}, so that no message row ever points at a missing object.
 *
 * <p>The segment side that the cleaner and verifier read is declared in {@link SegmentCatalog}.
 * Adapters: {@code PostgresIndex} (production) and {@code InMemoryIndex} (tests of the engine's
 * logic). Both pass {@code MessageIndexContractTest}; a new adapter passes it with a subclass that
 * only builds the adapter.
 */
public interface MessageIndex extends SegmentCatalog, AutoCloseable {

    /** The content digests of the ids that are stored, by id. */
    Map<String, byte[]> findDigests(Collection<String> ids);

    /** Registers segments as pending and returns their ids, in order. One round trip. */
    List<Long> addPendingSegments(List<NewSegment> segments);

    /**
     * The first step of a write: registers {@code segments} as pending (committed, like
     * {@link #addPendingSegments}) and looks up which of {@code ids} are stored, with their
     * digests. An adapter does both in one round trip; this default takes two.
     */
    default PendingWrite registerPending(List<NewSegment> segments, Collection<String> ids) {
        List<Long> segmentIds = addPendingSegments(segments);
        return new PendingWrite(segmentIds, findDigests(ids));
    }

    /** What {@link #registerPending} returns: the segments' ids in order, the stored ids' digests by id. */
    record PendingWrite(List<Long> segmentIds, Map<String, byte[]> storedDigests) {}

    /**
     * Indexes the messages of written segments and marks the segments committed, in one
     * transaction. Only segments that are still pending take part: the messages of a segment that
     * was retired meanwhile (or committed before) are not indexed. An id that is stored already
     * (by another writer meanwhile, or before) is left out.
     *
     * @return the ids that were indexed
     */
    Collection<String> commitSegments(List<Long> segmentIds, List<IndexEntry> entries);

    /** Where the given ids are stored; unknown ids are left out. */
    List<MessageLocation> locate(Collection<String> ids);

    /** Deletes the given ids; unknown ids are ignored. */
    DeleteOutcome delete(Collection<String> ids);

    /** One page of a scan. */
    List<ScanRow> scan(ScanQuery query);

    /**
     * Counts the messages a Kafka-order scan of the query's range would return, per partition, and
     * answers its probes, without returning a row per message: one query however many messages.
     */
    CountResult count(CountQuery query);

    /** Per stream statistics of committed segments, for one stream or all, by stream name. */
    List<StreamStats> status(Optional<String> stream);

    /** The captures of the archived Kafka cluster (topic configurations, group offsets), kept beside the messages. */
    CaptureStore captures();

    /** Where the index is, for the log (never with a password). */
    String description();

    /**
     * Checks that the index answers within {@code timeout}; throws
     * {@link io.stowage.server.storage.error.StorageUnavailableException} when it does not. The
     * server's readiness probe calls it.
     */
    void checkReady(Duration timeout);

    /** Releases connections; the index is not used afterwards. */
    @Override
    void close();
}
