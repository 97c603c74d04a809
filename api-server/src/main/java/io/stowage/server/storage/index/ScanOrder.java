package io.stowage.server.storage.index;

/** The order of a scan. */
public enum ScanOrder {
    /** By message time, then id. */
    TIME,
    /** By Kafka partition, then offset, then id: the order of a restore. Messages not from Kafka are left out. */
    KAFKA_OFFSET
}
