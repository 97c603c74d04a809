package io.stowage.client;

import java.util.List;

/**
 * What a {@link StowageClient#put} did with a list of messages, whatever the number of batches it
 * took: every message is either acknowledged (stored, now or before, with the same content) or
 * rejected (its id is stored with other content).
 *
 * @param rejected with indexes into the list given to put
 */
public record PutResult(long acknowledged, List<Rejected> rejected) {

    /** A message that was not stored, with its position in the list given to put. */
    public record Rejected(int index, String id, String reason) {}
}
