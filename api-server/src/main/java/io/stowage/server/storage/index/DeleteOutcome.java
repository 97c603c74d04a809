package io.stowage.server.storage.index;

import java.util.List;

/**
 * What a delete did.
 *
 * @param deleted messages that were indexed and are now deleted
 * @param deletedBytes bytes of their stored documents
 * @param emptied segments left with no live message, whose objects can go
 */
public record DeleteOutcome(long deleted, long deletedBytes, List<SegmentRef> emptied) {
    public static final DeleteOutcome NONE = new DeleteOutcome(0, 0, List.of());
}
