package io.stowage.server.storage.index;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The index of stored messages: a row per message and a row per segment. The write protocol of
 * a batch is {@link #addPendingSegments} (committed before any object is written), then the
 * objects, then {@link #commitSegments}, so that no message row ever points at a missing object.
 */
public interface MessageIndex {

    /** The content digests of the ids that are stored, by id. */
    Map<String, byte[]> findDigests(Collection<String> ids);

    /** Registers segments as pending and returns their ids, in order. One round trip. */
    List<Long> addPendingSegments(List<NewSegment> segments);

    /**
     * Indexes the messages of written segments and marks the segments committed, in one
     * transaction. An id that another writer stored in the meantime is left out.
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

    /** Per stream statistics, for one stream or all. */
    List<StreamStats> status(Optional<String> stream);
}
