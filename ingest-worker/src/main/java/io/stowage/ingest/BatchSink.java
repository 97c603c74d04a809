package io.stowage.ingest;

import java.time.Duration;

/**
 * Where the consumer loop hands sealed batches: stores them in the background and reports, once
 * per batch and from any thread, whether the batch was stored or given up. The loop never waits
 * on it; {@link BatchSender} is the implementation that calls the server.
 */
interface BatchSink {
    /** Starts storing {@code batch}; {@code outcome} is told the result later. Never blocks. */
    void send(Batch batch, Outcome outcome);

    /** Stops: batches still being stored are given up after {@code wait}. */
    void close(Duration wait);

    /** Told what became of a batch. */
    @FunctionalInterface
    interface Outcome {
        /**
         * @param stored true when every record is acknowledged (or was skipped as invalid); false
         *     when the batch was given up, so its records must be consumed again
         */
        void settled(Batch batch, boolean stored);
    }
}
