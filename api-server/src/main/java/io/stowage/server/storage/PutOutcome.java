package io.stowage.server.storage;

import java.util.List;

/**
 * What a PutBatch did: every message of the batch is either acknowledged (stored now or before,
 * with the same content) or rejected (its id is stored with other content).
 */
public record PutOutcome(int acknowledged, List<Rejected> rejected) {

    /** A message that was not stored. */
    public record Rejected(int index, String id, String reason) {}
}
