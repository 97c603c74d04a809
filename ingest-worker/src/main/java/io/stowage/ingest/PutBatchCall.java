package io.stowage.ingest;

import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.client.StowageException;
import java.util.List;

/**
 * One PutBatch call with the client's retries, as {@code StowageClient::putBatch} makes it: the
 * only thing {@link BatchSender} needs from the server.
 */
@FunctionalInterface
interface PutBatchCall {
    /**
     * @throws StowageException with {@code INVALID_ARGUMENT} when the server refuses the batch,
     *     with another code when the retries were interrupted
     */
    PutBatchResponse putBatch(List<Message> msgs);
}
