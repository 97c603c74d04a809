package io.stowage.server.storage;

import io.stowage.api.ApiLimits;

/**
 * What a PutBatch may hold: the configured STOWAGE_MAX_* settings, whose defaults are {@link ApiLimits}.
 *
 * @param maxBatchMessages messages per batch
 * @param maxMessageBytes bytes per message (its protobuf encoding)
 * @param maxBatchBytes bytes per batch (the sum of its messages)
 * @param getResponseBytes document bytes (decompressed) one GetBatch response carries; the ids past it are
 *     left for the caller to ask again (at least one message is always sent)
 * @param getBytesInFlight bytes all GetBatch calls together hold at once (stored, and decompressed beside them); calls past
 *     it wait their turn
 */
public record Limits(int maxBatchMessages, int maxMessageBytes, int maxBatchBytes, int getResponseBytes,
        long getBytesInFlight) {
    /** Ids are 1 to {@value ApiLimits#MAX_ID_BYTES} bytes of UTF-8. */
    public static final int MAX_ID_BYTES = ApiLimits.MAX_ID_BYTES;
    /** Well below the 128 MiB that StowageClient accepts, and a bounded amount of server memory per call. */
    public static final int DEFAULT_GET_RESPONSE_BYTES = 32 * 1024 * 1024;

    public Limits(int maxBatchMessages, int maxMessageBytes, int maxBatchBytes) {
        this(maxBatchMessages, maxMessageBytes, maxBatchBytes, DEFAULT_GET_RESPONSE_BYTES, defaultBytesInFlight());
    }

    /**
     * An eighth of the heap: a document is held about three times while its response is built, so
     * reads in flight stay under half of the heap.
     */
    public static long defaultBytesInFlight() {
        return Math.max(1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
    }
}
