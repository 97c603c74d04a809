package io.stowage.server.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.stowage.api.v1.AdminGrpc;
import io.stowage.api.v1.StatusRequest;
import io.stowage.api.v1.StatusResponse;
import io.stowage.api.v1.VerifyEvent;
import io.stowage.api.v1.VerifyProblem;
import io.stowage.api.v1.VerifyProgress;
import io.stowage.api.v1.VerifyRequest;
import io.stowage.api.v1.VerifySummary;
import io.stowage.server.storage.Archive;
import io.stowage.server.verify.Problem;
import io.stowage.server.verify.Verifier;
import io.stowage.server.verify.VerifyListener;
import io.stowage.server.verify.VerifyReport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@code stowage.v1.Admin} service: what the archive holds, and whether it is whole. */
public final class AdminService extends AdminGrpc.AdminImplBase {
    private final Archive archive;
    private final Verifier verifier;
    /** One verify at a time: it reads every object, and two would only compete. */
    private final AtomicBoolean verifying = new AtomicBoolean();
    private final GrpcErrors errors;

    public AdminService(Archive archive, Verifier verifier, GrpcErrors errors) {
        this.errors = errors;
        this.archive = archive;
        this.verifier = verifier;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        errors.unary("Status", observer, () -> {
            StatusResponse.Builder rsp = StatusResponse.newBuilder();
            Optional<String> stream = request.getStream().isEmpty() ? Optional.empty() : Optional.of(request.getStream());
            archive.status(stream).forEach(s -> rsp.addStreams(ProtoMapping.streamStatus(s)));
            return rsp.build();
        });
    }

    @Override
    public void verify(VerifyRequest request, StreamObserver<VerifyEvent> observer) {
        if (!verifying.compareAndSet(false, true)) {
            observer.onError(Status.FAILED_PRECONDITION.withDescription("a verify is already running on this server;"
                    + " wait for it to finish").asRuntimeException());
            return;
        }
        FlowControlledSender<VerifyEvent> sender = new FlowControlledSender<>((ServerCallStreamObserver<VerifyEvent>) observer);
        Thread worker = new Thread(() -> {
            VerifyReport report;
            try {
                report = verifier.verify(request.getRepair(), new Events(sender));
            } catch (RuntimeException e) {
                verifying.set(false);
                if (!sender.isCancelled()) {
                    observer.onError(errors.toStatus("Verify", e));
                }
                return;
            }
            // free for the next verify before the client hears that this one is over
            verifying.set(false);
            sender.send(VerifyEvent.newBuilder().setSummary(VerifySummary.newBuilder()
                    .setMessagesChecked(report.messagesChecked()).setObjectsChecked(report.objectsChecked())
                    .setProblems(report.problems()).setRepaired(report.repaired())
                    .setTook(com.google.protobuf.Duration.newBuilder().setSeconds(report.took().getSeconds())
                            .setNanos(report.took().getNano()))).build());
            if (!sender.isCancelled()) {
                observer.onCompleted();
            }
        }, "stowage-verify");
        worker.setDaemon(true);
        worker.start();
    }

    /** Verify's findings as stream events. */
    private record Events(FlowControlledSender<VerifyEvent> sender) implements VerifyListener {
        @Override
        public void progress(String phase, long done, long total) {
            send(VerifyEvent.newBuilder().setProgress(VerifyProgress.newBuilder().setPhase(phase).setDone(done)
                    .setTotal(total)).build());
        }

        @Override
        public void problem(Problem p) {
            send(VerifyEvent.newBuilder().setProblem(VerifyProblem.newBuilder()
                    .setKind(VerifyProblem.Kind.valueOf(p.kind().name())).setObjectKey(p.objectKey())
                    .setMessageId(p.messageId()).setDetail(p.detail()).setRepaired(p.repaired())).build());
        }

        /** Stops the verify when the client has gone: nobody would read the rest. */
        private void send(VerifyEvent event) {
            if (!sender.send(event)) {
                throw new java.util.concurrent.CancellationException("the client cancelled the verify");
            }
        }
    }
}
