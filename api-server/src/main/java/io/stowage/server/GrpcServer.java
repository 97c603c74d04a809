package io.stowage.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.stowage.server.grpc.RequestParsing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server around the services: adds health checking and reflection (v1 and v1alpha, so
 * grpcurl and buf curl need no proto files), starts, and shuts down gracefully. Takes any
 * {@link ServerBuilder}, so tests can run it in-process.
 */
public final class GrpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final List<BindableService> services;
    private final Duration shutdownGrace;
    private volatile boolean serving;

    public GrpcServer(ServerBuilder<?> builder, List<BindableService> services, Duration shutdownGrace) {
        this.services = services;
        this.shutdownGrace = shutdownGrace;
        // a request that does not parse is refused with INVALID_ARGUMENT rather than UNKNOWN
        services.forEach(s -> builder.addService(RequestParsing.guard(s.bindService())));
        builder.addService(health.getHealthService());
        builder.addService(ProtoReflectionServiceV1.newInstance());
        builder.addService(legacyReflection());
        this.server = builder.build();
    }

    @SuppressWarnings("deprecation")
    private static BindableService legacyReflection() {
        return ProtoReflectionService.newInstance(); // v1alpha: older grpcurl versions ask for it
    }

    public GrpcServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the gRPC server: " + e.getMessage()
                    + " (is the port in use? set STOWAGE_GRPC_PORT)", e);
        }
        for (BindableService s : services) {
            health.setStatus(s.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        serving = true;
        return this;
    }

    /** True once started and until shutdown begins. */
    public boolean isServing() {
        return serving && !server.isShutdown();
    }

    /** The port it listens on, or -1 in-process. */
    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops taking calls, lets calls in flight finish within the grace period, then stops. */
    @Override
    public void close() {
        serving = false;
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Calls still running after {}; cancelling them", shutdownGrace);
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
