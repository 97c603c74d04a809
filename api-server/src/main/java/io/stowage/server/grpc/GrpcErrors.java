package io.stowage.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.stowage.server.metrics.OutageLog;
import io.stowage.server.storage.error.DataLossException;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.error.InvalidRequestException;
import io.stowage.server.storage.error.ServerBusyException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.error.UnverifiedWriteException;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses. Invalid input says what is wrong; storage
 * that is down says to retry, and its outage goes to the {@link OutageLog} (logged once, not per
 * call); anything else is INTERNAL with a reference to the server log, where the details are.
 */
public final class GrpcErrors {
    private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

    private final OutageLog outages;

    public GrpcErrors(OutageLog outages) {
        this.outages = outages;
    }

    public StatusRuntimeException toStatus(String method, Throwable e) {
        if (e instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (e instanceof InvalidRequestException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof StorageUnavailableException unavailable) {
            // not an outage (a lock not granted in time, a concurrent change, a write that outlasted the
            // cleaner's grace): one line per call, the message says what happened; the stack trace at DEBUG
            unavailable.dependency().ifPresentOrElse(d -> outages.failed(d, e), () -> {
                log.warn("{}: {}", method, e.getMessage());
                log.debug("{}: storage unavailable", method, e);
            });
            return Status.UNAVAILABLE.withDescription(e.getMessage() + "; retry later").asRuntimeException();
        }
        if (e instanceof ServerBusyException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof UnverifiedWriteException) {
            // the store's configuration, not a passing fault: the message names the setting to change
            log.error("{}: the blob store did not prove a write", method, e);
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof DataLossException) {
            log.error("{}: stored data is damaged", method, e);
            return Status.DATA_LOSS.withDescription(e.getMessage()).asRuntimeException();
        }
        String ref = UUID.randomUUID().toString().substring(0, 8);
        log.error("{} failed (ref {})", method, ref, e);
        return Status.INTERNAL.withDescription("internal error (ref " + ref + "); the server log has the details")
                .asRuntimeException();
    }

    /** Runs a unary call: replies with the result, or with the mapped status. */
    public <T> void unary(String method, StreamObserver<T> observer, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            observer.onError(toStatus(method, e));
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }
}
