package io.stowage.server.metrics;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-method metrics of every call the gRPC server takes, tagged with {@code service} (such as
 * {@code stowage.v1.Messages}) and {@code method} (such as {@code PutBatch}):
 * <ul>
 *   <li>{@code stowage.grpc.server.requests}: calls started;
 *   <li>{@code stowage.grpc.server.duration}: time to the call's close, also by status {@code code};
 *   <li>{@code stowage.grpc.server.errors}: calls closed with another code than OK, by {@code code};
 *   <li>{@code stowage.grpc.server.request.size}, {@code stowage.grpc.server.response.size}: the
 *       protobuf size of each message received and sent (a Scan sends many).
 * </ul>
 * A call the client cancels is counted with the code CANCELLED.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
    private final MeterRegistry registry;
    private final ConcurrentMap<String, MethodMeters> methods = new ConcurrentHashMap<>();

    public GrpcServerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        MethodMeters meters = methods.computeIfAbsent(method.getFullMethodName(), n -> new MethodMeters(method));
        CallRecord record = new CallRecord(meters);
        meters.requests.increment();

        ServerCall<Q, R> measured = new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                meters.responseSize.record(size(message));
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                record.finish(status.getCode());
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(measured, headers);
        } catch (RuntimeException e) {
            record.finish(Status.fromThrowable(e).getCode());
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                meters.requestSize.record(size(message));
                super.onMessage(message);
            }

            @Override
            public void onCancel() {
                record.finish(Status.Code.CANCELLED);
                super.onCancel();
            }
        };
    }

    private static int size(Object message) {
        return message instanceof MessageLite m ? m.getSerializedSize() : 0;
    }

    /** One call: its start, and its end recorded once, whichever of close and cancel comes first. */
    private static final class CallRecord {
        private final MethodMeters meters;
        private final long started = System.nanoTime();
        private final AtomicBoolean finished = new AtomicBoolean();

        CallRecord(MethodMeters meters) {
            this.meters = meters;
        }

        void finish(Status.Code code) {
            if (finished.compareAndSet(false, true)) {
                meters.finished(code, System.nanoTime() - started);
            }
        }
    }

    /** The meters of one method, made once; those of each status code on first use. */
    private final class MethodMeters {
        final Tags tags;
        final Counter requests;
        final DistributionSummary requestSize;
        final DistributionSummary responseSize;
        private final Map<Status.Code, Timer> durations = new EnumMap<>(Status.Code.class);
        private final Map<Status.Code, Counter> errors = new EnumMap<>(Status.Code.class);

        MethodMeters(MethodDescriptor<?, ?> method) {
            String service = method.getServiceName() == null ? "" : method.getServiceName();
            String name = method.getBareMethodName() == null ? method.getFullMethodName() : method.getBareMethodName();
            this.tags = Tags.of("service", service, "method", name);
            this.requests = Counter.builder("stowage.grpc.server.requests")
                    .description("gRPC calls started")
                    .tags(tags).register(registry);
            this.requestSize = DistributionSummary.builder("stowage.grpc.server.request.size")
                    .description("Size of each request message received (protobuf encoding)")
                    .baseUnit(BaseUnits.BYTES).tags(tags).register(registry);
            this.responseSize = DistributionSummary.builder("stowage.grpc.server.response.size")
                    .description("Size of each response message sent (protobuf encoding)")
                    .baseUnit(BaseUnits.BYTES).tags(tags).register(registry);
        }

        void finished(Status.Code code, long nanos) {
            Timer duration;
            Counter error = null;
            synchronized (this) {
                duration = durations.computeIfAbsent(code, c -> LatencyBuckets.apply(
                                Timer.builder("stowage.grpc.server.duration")
                                        .description("Time from the start of a gRPC call to its close"))
                        .tags(tags).tag("code", c.name()).register(registry));
                if (code != Status.Code.OK) {
                    error = errors.computeIfAbsent(code, c -> Counter.builder("stowage.grpc.server.errors")
                            .description("gRPC calls closed with a status other than OK")
                            .tags(tags).tag("code", c.name()).register(registry));
                }
            }
            duration.record(nanos, TimeUnit.NANOSECONDS);
            if (error != null) {
                error.increment();
            }
        }
    }
}
