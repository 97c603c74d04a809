package io.stowage.ingest;

import io.grpc.Status;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.api.v1.Rejection;
import io.stowage.client.StowageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * PutBatch as the server answers it, in memory: a batch with an invalid message is refused whole
 * ({@code INVALID_ARGUMENT}, nothing stored); an id stored with other content is rejected; the
 * same content again is acknowledged. Content here is the record's value.
 */
final class FakePutBatch implements PutBatchCall {
    final Map<String, Message> stored = new LinkedHashMap<>();
    final List<Integer> callSizes = new ArrayList<>();
    private final Predicate<Message> invalid;

    FakePutBatch(Predicate<Message> invalid) {
        this.invalid = invalid;
    }

    @Override
    public synchronized PutBatchResponse putBatch(List<Message> msgs) {
        callSizes.add(msgs.size());
        for (Message m : msgs) {
            if (invalid.test(m)) {
                throw new StowageException("PutBatch failed: INVALID_ARGUMENT: message '" + m.getId()
                        + "' is too large", Status.Code.INVALID_ARGUMENT, null);
            }
        }
        PutBatchResponse.Builder rsp = PutBatchResponse.newBuilder();
        int acked = 0;
        for (int i = 0; i < msgs.size(); i++) {
            Message m = msgs.get(i);
            Message before = stored.putIfAbsent(m.getId(), m);
            if (before == null || before.getBinaryData().equals(m.getBinaryData())) {
                acked++;
            } else {
                rsp.addRejected(Rejection.newBuilder().setIndex(i).setId(m.getId())
                        .setReason("id is taken by other content"));
            }
        }
        return rsp.setAckCount(acked).build();
    }
}
