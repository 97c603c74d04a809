package io.stowage.server.grpc;

import io.grpc.stub.StreamObserver;
import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.CleanerGrpc;
import io.stowage.server.clean.Cleaner;

/** The {@code stowage.v1.Cleaner} service: a clean on request. */
public final class CleanerService extends CleanerGrpc.CleanerImplBase {
    private final Cleaner cleaner;
    private final GrpcErrors errors;

    public CleanerService(Cleaner cleaner, GrpcErrors errors) {
        this.errors = errors;
        this.cleaner = cleaner;
    }

    @Override
    public void clean(CleanRequest request, StreamObserver<CleanResponse> observer) {
        errors.unary("Clean", observer, () -> ProtoMapping.cleanResponse(cleaner.clean()));
    }
}
