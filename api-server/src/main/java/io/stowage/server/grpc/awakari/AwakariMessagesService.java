package io.stowage.server.grpc.awakari;

import io.grpc.stub.StreamObserver;
import io.stowage.api.awakari.messages.DeleteBatchRequest;
import io.stowage.api.awakari.messages.DeleteBatchResponse;
import io.stowage.api.awakari.messages.GetBatchRequest;
import io.stowage.api.awakari.messages.GetBatchResponse;
import io.stowage.api.awakari.messages.PutBatchRequest;
import io.stowage.api.awakari.messages.PutBatchResponse;
import io.stowage.api.awakari.messages.ServiceGrpc;
import io.stowage.server.grpc.GrpcErrors;
import io.stowage.server.storage.Archive;
import io.stowage.server.storage.PutOutcome;

/**
 * The awakari messages API ({@code awakari.messages.Service}) over the same archive as
 * {@code stowage.v1.Messages}, so awakari's clients and commands work unchanged.
 */
public final class AwakariMessagesService extends ServiceGrpc.ServiceImplBase {
    private final Archive archive;
    private final GrpcErrors errors;

    public AwakariMessagesService(Archive archive, GrpcErrors errors) {
        this.errors = errors;
        this.archive = archive;
    }

    /**
     * Validation and durability are those of stowage.v1 PutBatch. Only conflicts differ: an id
     * already stored with other content is reported back by stowage.v1 as rejected, while
     * awakari's semantics count every id already stored as acknowledged. The stored message stays
     * as it was either way.
     */
    @Override
    public void putBatch(PutBatchRequest request, StreamObserver<PutBatchResponse> observer) {
        errors.unary("awakari PutBatch", observer, () -> {
            PutOutcome outcome = archive.put(CloudEvents.toMessages(request.getMsgsList()));
            return PutBatchResponse.newBuilder()
                    .setAckCount(outcome.acknowledged() + outcome.rejected().size())
                    .build();
        });
    }

    /**
     * As stowage.v1 GetBatch, within the awakari message shape: a response carries at most the
     * server's byte budget (STOWAGE_GET_RESPONSE_BYTES) of messages, a prefix of the stored ones in
     * request order. It has no field to say what is left, so the caller asks again for the ids it
     * did not get (stowage.v1 GetBatch lists them in remaining_ids).
     */
    @Override
    public void getBatch(GetBatchRequest request, StreamObserver<GetBatchResponse> observer) {
        errors.unary("awakari GetBatch", observer, () -> GetBatchResponse.newBuilder()
                .addAllMsgs(CloudEvents.toCloudEvents(archive.get(request.getIdsList())))
                .build());
    }

    @Override
    public void deleteBatch(DeleteBatchRequest request, StreamObserver<DeleteBatchResponse> observer) {
        errors.unary("awakari DeleteBatch", observer, () -> DeleteBatchResponse.newBuilder()
                .setAckCount((int) archive.delete(request.getIdsList()))
                .build());
    }
}
