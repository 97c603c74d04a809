package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.Optional;

/**
 * Messages of one stream (optionally one type, one Kafka partition) with {@code from <= time < to},
 * after a position, in the given order.
 */
public record ScanQuery(String stream, Optional<String> type, Instant from, Instant to,
        Optional<ScanPosition> after, int limit, ScanOrder order, Optional<Integer> kafkaPartition) {

    /** In time order, over all partitions. */
    public ScanQuery(String stream, Optional<String> type, Instant from, Instant to, Optional<ScanPosition> after,
            int limit) {
        this(stream, type, from, to, after, limit, ScanOrder.TIME, Optional.empty());
    }

    /** The same query for the next page: after {@code position}, at most {@code limit} results. */
    public ScanQuery next(ScanPosition position, int limit) {
        return new ScanQuery(stream, type, from, to, Optional.of(position), limit, order, kafkaPartition);
    }

    public ScanQuery withLimit(int limit) {
        return new ScanQuery(stream, type, from, to, after, limit, order, kafkaPartition);
    }
}
