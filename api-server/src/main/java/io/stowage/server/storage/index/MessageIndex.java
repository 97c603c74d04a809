package io.stowage.server.storage.index;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The index port: a row per stored message and a row per segment, kept consistent with each
 * other (a commit, a delete or a relocation changes both at once). The write protocol of a batch
 * is {@link #addPendingSegments} (durable before any object is written; the write path reserves
 * them ahead, several at a time), then the objects, then {@link #commitSegments} (which may prepare
 * while the objects are written, and commits once they are durable), so that no message row ever
 * points at a missing object.
 *
 * <p>The segment side that the cleaner and verifier read is declared in {@link SegmentCatalog}.
 * Adapters: {@code PostgresIndex} (production) and {@code InMemoryIndex} (tests of the engine's
 * logic). Both pass {@code MessageIndexContractTest}; a new adapter passes it with a subclass that
 * only builds the adapter.
 */
public interface MessageIndex extends SegmentCatalog, AutoCloseable {

    /** The content digests of the ids that are stored, by id. */
    Map<String, byte[]> findDigests(Collection<String> ids);

    /**
     * Registers segments as pending and returns their ids, in order: durable (committed) when it
     * returns, before any of their objects is written. One round trip.
     */
    List<Long> addPendingSegments(List<NewSegment> segments);

    /**
     * Indexes the messages of written segments and marks the segments committed, with the facts of
     * their objects, in one transaction. Only segments that are still pending take part: the
     * messages of a segment that was retired meanwhile (or committed before) are not indexed. An id
     * that is stored already (by another writer meanwhile, or before) is left out.
     *
     * @return the ids that were indexed
     */
    Collection<String> commitSegments(List<WrittenSegment> segments, List<IndexEntry> entries);

    /**
     * As {@link #commitSegments(List, List)} with the segments' objects not written yet: the index
     * has them written ({@link ObjectsDurable}) and commits nothing before they are durable. It may
     * prepare the commit while they are written (copy the rows into a transaction that nobody else
     * sees). When a write fails, nothing is committed and the write's exception is thrown. This
     * adapter writes them first.
     */
    default Collection<String> commitSegments(List<WrittenSegment> segments, List<IndexEntry> entries,
            ObjectsDurable objects) {
        objects.await();
        return commitSegments(segments, entries);
    }

    /** The objects of a commit, written on demand. */
    interface ObjectsDurable {
        /** Objects written before the commit was asked for. */
        ObjectsDurable WRITTEN = new ObjectsDurable() {
            @Override
            public void start() {
                // written already
            }

            @Override
            public void await() {
                // written already
            }

            @Override
            public boolean awaitFor(Duration limit) {
                return true;
            }
        };

        /** Starts writing them in the background, for the caller to work meanwhile. */
        void start();

        /**
         * Returns once they are durable: writes them on the caller's thread unless started; throws
         * the failure of a write (every time it is asked).
         */
        void await();

        /**
         * As {@link #await}, for writes that were started, waiting at most {@code limit}: false when
         * they are still running then.
         */
        boolean awaitFor(Duration limit);
    }

    /**
     * As {@link #commitSegments(List, List)} for segments whose pending rows were registered with
     * their final facts ({@link WrittenSegment#asRegistered}).
     */
    default Collection<String> commitRegistered(List<Long> segmentIds, List<IndexEntry> entries) {
        return commitSegments(segmentIds.stream().map(WrittenSegment::asRegistered).toList(), entries);
    }

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
