package io.stowage.server.grpc.awakari;

import io.grpc.stub.StreamObserver;
import io.stowage.api.awakari.messages.cleaner.CleanRequest;
import io.stowage.api.awakari.messages.cleaner.CleanResponse;
import io.stowage.api.awakari.messages.cleaner.ServiceGrpc;
import io.stowage.server.clean.Cleaner;
import io.stowage.server.grpc.GrpcErrors;

/**
 * The awakari messages cleaner API ({@code awakari.messages.cleaner.Service}) over the same
 * cleaner as {@code stowage.v1.Cleaner}. Its reply is empty; stowage.v1.Cleaner/Clean says what
 * was removed, and the server log has it too.
 */
public final class AwakariCleanerService extends ServiceGrpc.ServiceImplBase {
    private final Cleaner cleaner;
    private final GrpcErrors errors;

    public AwakariCleanerService(Cleaner cleaner, GrpcErrors errors) {
        this.errors = errors;
        this.cleaner = cleaner;
    }

    @Override
    public void clean(CleanRequest request, StreamObserver<CleanResponse> observer) {
        errors.unary("awakari Clean", observer, () -> {
            cleaner.clean();
            return CleanResponse.getDefaultInstance();
        });
    }
}
