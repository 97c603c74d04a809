package io.stowage.server.grpc;

import io.grpc.stub.StreamObserver;
import io.stowage.api.v1.ClusterStateGrpc;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.PutCaptureResponse;
import io.stowage.server.storage.index.Capture;
import io.stowage.server.storage.index.CaptureStore;
import java.time.Clock;

/** The {@code stowage.v1.ClusterState} service: the worker's captures of the Kafka cluster, kept and read back. */
public final class ClusterStateService extends ClusterStateGrpc.ClusterStateImplBase {
    private final CaptureStore captures;
    private final GrpcErrors errors;
    private final Clock clock;

    /** {@code clock}: the server's time, against which a capture's time is checked. */
    public ClusterStateService(CaptureStore captures, GrpcErrors errors, Clock clock) {
        this.captures = captures;
        this.errors = errors;
        this.clock = clock;
    }

    @Override
    public void putCapture(PutCaptureRequest request, StreamObserver<PutCaptureResponse> observer) {
        errors.unary("PutCapture", observer, () -> {
            Capture capture = CaptureMapping.capture(request, clock.instant());
            captures.put(capture);
            return PutCaptureResponse.newBuilder().setTopics(capture.topics().size())
                    .setGroups(capture.groups().size()).build();
        });
    }

    @Override
    public void getCapture(GetCaptureRequest request, StreamObserver<GetCaptureResponse> observer) {
        errors.unary("GetCapture", observer, () -> CaptureMapping.response(
                captures.latest(CaptureMapping.at(request), CaptureMapping.topicPattern(request))));
    }
}
