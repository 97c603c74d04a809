package io.stowage.server.storage.index;

import java.time.Instant;

/** One message found by a scan, with its index fields and location. */
public record ScanRow(String id, String stream, String type, Instant time, MessageLocation location,
        Integer kafkaPartition, Long kafkaOffset) {

    /** Where this row is in the order of {@code order}. */
    public ScanPosition position(ScanOrder order) {
        return order == ScanOrder.KAFKA_OFFSET ? ScanPosition.inKafkaOrder(kafkaPartition, kafkaOffset, id)
                : ScanPosition.inTimeOrder(time, id);
    }
}
