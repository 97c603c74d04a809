package io.stowage.server.storage;

import io.stowage.api.ApiLimits;

/**
 * What a PutBatch may hold: the configured STOWAGE_MAX_* settings, whose defaults are {@link ApiLimits}.
 *
 * @param maxBatchMessages messages per batch
 * @param maxMessageBytes bytes per message (its protobuf encoding)
 * @param maxBatchBytes bytes per batch (the sum of its messages)
 */
public record Limits(int maxBatchMessages, int maxMessageBytes, int maxBatchBytes) {
    /** Ids are 1 to {@value ApiLimits#MAX_ID_BYTES} bytes of UTF-8. */
    public static final int MAX_ID_BYTES = ApiLimits.MAX_ID_BYTES;
}
