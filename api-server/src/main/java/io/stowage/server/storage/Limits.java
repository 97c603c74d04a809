package io.stowage.server.storage;

/**
 * What a PutBatch may hold.
 *
 * @param maxBatchMessages messages per batch
 * @param maxMessageBytes bytes per message (its protobuf encoding)
 * @param maxBatchBytes bytes per batch (the sum of its messages)
 */
public record Limits(int maxBatchMessages, int maxMessageBytes, int maxBatchBytes) {
    /** Ids are 1 to 256 bytes of UTF-8. */
    public static final int MAX_ID_BYTES = 256;

    public static final Limits DEFAULT = new Limits(10_000, 8 * 1024 * 1024, 64 * 1024 * 1024);
}
