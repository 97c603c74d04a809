package io.stowage.server.grpc;

import io.grpc.stub.StreamObserver;
import io.stowage.api.v1.AdminGrpc;
import io.stowage.api.v1.StatusRequest;
import io.stowage.api.v1.StatusResponse;
import io.stowage.server.storage.Archive;
import java.util.Optional;

/** The {@code stowage.v1.Admin} service: what the archive holds. */
public final class AdminService extends AdminGrpc.AdminImplBase {
    private final Archive archive;

    public AdminService(Archive archive) {
        this.archive = archive;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        GrpcErrors.unary("Status", observer, () -> {
            StatusResponse.Builder rsp = StatusResponse.newBuilder();
            Optional<String> stream = request.getStream().isEmpty() ? Optional.empty() : Optional.of(request.getStream());
            archive.status(stream).forEach(s -> rsp.addStreams(ProtoMapping.streamStatus(s)));
            return rsp.build();
        });
    }
}
