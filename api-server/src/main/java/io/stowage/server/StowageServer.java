package io.stowage.server;

import io.grpc.BindableService;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.common.ops.CachedReadiness;
import io.stowage.common.ops.CachedReadiness.Dependency;
import io.stowage.common.ops.OpsHttpServer;
import io.stowage.server.auth.BearerAuthInterceptor;
import io.stowage.server.auth.MethodRoles;
import io.stowage.server.clean.CleanScheduler;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.grpc.AdminService;
import io.stowage.server.grpc.CleanerService;
import io.stowage.server.grpc.ClusterStateService;
import io.stowage.server.grpc.GrpcErrors;
import io.stowage.server.grpc.MessagesService;
import io.stowage.server.grpc.awakari.AwakariCleanerService;
import io.stowage.server.grpc.awakari.AwakariMessagesService;
import io.stowage.server.metrics.GrpcServerMetrics;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The api-server: storage, the gRPC API over it, the clean schedule, and the HTTP endpoint for
 * metrics and health probes.
 */
public final class StowageServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StowageServer.class);
    /** Readiness results are reused this long, so probes cost the database and the store little. */
    static final Duration READINESS_TTL = Duration.ofSeconds(3);
    /** How long each dependency may take to answer a readiness probe. */
    static final Duration READINESS_TIMEOUT = Duration.ofSeconds(2);

    private final Storage storage;
    private final GrpcServer grpc;
    private final CachedReadiness readiness;
    private final OpsHttpServer ops;
    private final Optional<CleanScheduler> scheduler;

    /**
     * Binds the HTTP endpoint for metrics and health at once; gRPC and HTTP serve from
     * {@link #startServing()}. The gRPC calls' metrics go to {@code registry}; {@code storage}
     * should record into the same one.
     */
    public StowageServer(Storage storage, ServerBuilder<?> builder, ServerConfig config,
            PrometheusMeterRegistry registry) {
        this.storage = storage;
        // the metrics interceptor is added last so that it runs first and also counts refused calls
        config.tokens().ifPresentOrElse(
                tokens -> builder.intercept(new BearerAuthInterceptor(tokens, MethodRoles.DEFAULT)),
                () -> log.warn("STOWAGE_TOKENS_FILE is not set: the gRPC API is open, anyone who can connect may read,"
                        + " write and delete messages"));
        builder.intercept(new GrpcServerMetrics(registry));
        this.grpc = new GrpcServer(builder, services(storage), config.shutdownGrace());
        this.readiness = readiness(grpc, storage);
        try {
            this.ops = new OpsHttpServer(new InetSocketAddress(config.httpAddress(), config.httpPort()), registry,
                    readiness);
        } catch (UncheckedIOException e) {
            readiness.close();
            throw e;
        }
        this.scheduler = config.cleanInterval().map(interval -> new CleanScheduler(storage.cleaner(), interval,
                storage.outages()));
    }

    /** Ready when gRPC is serving, the index database answers and the blob store is reachable. */
    private static CachedReadiness readiness(GrpcServer grpc, Storage storage) {
        return new CachedReadiness(List.of(
                new Dependency("gRPC server", () -> {
                    if (!grpc.isServing()) {
                        throw new IllegalStateException("not serving (starting or shutting down)");
                    }
                }),
                new Dependency("index database", () -> storage.index().checkReady(READINESS_TIMEOUT)),
                new Dependency("blob store", () -> storage.blobs().checkAccess())),
                READINESS_TTL, READINESS_TIMEOUT);
    }

    /** Opens storage and starts serving on the configured addresses, with metrics for Prometheus. */
    public static StowageServer start(ServerConfig config, JdbcTarget db) {
        PrometheusMeterRegistry registry = io.stowage.common.ops.PrometheusRegistry.create();
        Storage storage = Storage.open(config, db, registry);
        StowageServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(config.grpcHost(), config.grpcPort());
            NettyServerBuilder builder = config.tls()
                    .map(tls -> NettyServerBuilder.forAddress(address, tls.credentials()))
                    .orElseGet(() -> NettyServerBuilder.forAddress(address))
                    // a full batch plus the envelope
                    .maxInboundMessageSize(config.limits().maxBatchBytes() + 1024 * 1024);
            server = new StowageServer(storage, builder, config, registry);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        try {
            server.startServing();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("Stowage api-server listening on {}:{} ({}; {})", config.grpcHost(), server.port(),
                config.tls().map(Object::toString).orElse("plaintext, no TLS"),
                config.tokens().map(t -> "bearer tokens required, " + t).orElse("open: no tokens required"));
        config.tls().flatMap(tls -> tls.validityProblem(Instant.now()))
                .ifPresent(problem -> log.warn("TLS: {}; clients will refuse the connection", problem));
        if (config.tokens().isPresent() && config.tls().isEmpty()) {
            log.warn("Bearer tokens are required but TLS is off: tokens cross the network in clear text unless a"
                    + " proxy or service mesh encrypts it; set STOWAGE_TLS_CERT and STOWAGE_TLS_KEY");
        }
        return server;
    }

    /** The API's services over {@code storage}, without the server's metrics and health endpoint (tests). */
    public static List<BindableService> services(Storage storage) {
        GrpcErrors errors = new GrpcErrors(storage.outages());
        return List.of(new MessagesService(storage.archive(), errors), new CleanerService(storage.cleaner(), errors),
                new AdminService(storage.archive(), storage.verifier(), errors),
                new ClusterStateService(storage.index().captures(), errors, java.time.Clock.systemUTC()),
                // the awakari messages API, for awakari's existing clients, over the same storage
                new AwakariMessagesService(storage.archive(), errors),
                new AwakariCleanerService(storage.cleaner(), errors));
    }

    public StowageServer startServing() {
        grpc.start();
        ops.start();
        return this;
    }

    /** The gRPC port. */
    public int port() {
        return grpc.port();
    }

    /** The port of the HTTP endpoint: {@code /metrics}, {@code /healthz}, {@code /readyz}. */
    public int httpPort() {
        return ops.port();
    }

    public Storage storage() {
        return storage;
    }

    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    /**
     * Graceful stop: calls in flight finish, while liveness and metrics still answer and readiness
     * turns to 503; then the schedule, the HTTP endpoint and storage close.
     */
    @Override
    public void close() {
        log.info("Stopping the api-server");
        grpc.close();
        scheduler.ifPresent(CleanScheduler::close);
        ops.close();
        readiness.close();
        storage.close();
        log.info("api-server stopped");
    }
}
