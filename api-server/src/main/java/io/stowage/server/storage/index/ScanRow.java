package io.stowage.server.storage.index;

import java.time.Instant;

/** One message found by a scan, with its index fields and location. */
public record ScanRow(String id, String stream, String type, Instant time, MessageLocation location,
        Integer kafkaPartition, Long kafkaOffset) {

    public ScanPosition position() {
        return new ScanPosition(time, id);
    }
}
