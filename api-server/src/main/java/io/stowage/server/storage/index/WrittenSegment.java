package io.stowage.server.storage.index;

import java.time.Instant;

/**
 * A pending segment whose object is written, as its commit records it: the object's size, how
 * many documents it holds, and the time range of its messages. A segment reserved ahead of its
 * write is registered before these are known ({@link MessageIndex#addPendingSegments} with
 * placeholders), so its commit sets them.
 *
 * @param sizeBytes null: as registered with the pending row
 * @param messageCount null: as registered
 * @param minTime null: as registered
 * @param maxTime null: as registered
 */
public record WrittenSegment(long id, Long sizeBytes, Integer messageCount, Instant minTime, Instant maxTime) {

    /**
     * A segment whose pending row was registered with its final facts: by a writer that built its
     * object before registering it (the contract tests do). Never for one registered ahead with
     * placeholders: its time range would stay the placeholder's, and the rows outside it unseen.
     */
    public static WrittenSegment asRegistered(long id) {
        return new WrittenSegment(id, null, null, null, null);
    }
}
