package io.stowage.server.storage.index;

import java.time.Instant;

/**
 * A place in the order of a scan: the last result returned. In time order (time, id) count; in
 * Kafka order (partition, offset, id).
 */
public record ScanPosition(Instant time, String id, Integer kafkaPartition, Long kafkaOffset) {

    public static ScanPosition inTimeOrder(Instant time, String id) {
        return new ScanPosition(time, id, null, null);
    }

    public static ScanPosition inKafkaOrder(int partition, long offset, String id) {
        return new ScanPosition(null, id, partition, offset);
    }
}
