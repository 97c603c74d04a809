package io.stowage.server;

import io.grpc.BindableService;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.stowage.server.clean.CleanScheduler;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.grpc.AdminService;
import io.stowage.server.grpc.CleanerService;
import io.stowage.server.grpc.MessagesService;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The api-server: storage, the gRPC API over it, and the clean schedule. */
public final class StowageServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StowageServer.class);

    private final Storage storage;
    private final GrpcServer grpc;
    private final Optional<CleanScheduler> scheduler;

    public StowageServer(Storage storage, ServerBuilder<?> builder, ServerConfig config) {
        this.storage = storage;
        this.grpc = new GrpcServer(builder, services(storage), config.shutdownGrace());
        this.scheduler = config.cleanInterval().map(interval -> new CleanScheduler(storage.cleaner(), interval));
    }

    /** Opens storage and starts serving on the configured address. */
    public static StowageServer start(ServerConfig config, JdbcTarget db) {
        Storage storage = Storage.open(config, db);
        try {
            NettyServerBuilder builder = NettyServerBuilder
                    .forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
                    // a full batch plus the envelope
                    .maxInboundMessageSize(config.limits().maxBatchBytes() + 1024 * 1024);
            StowageServer server = new StowageServer(storage, builder, config);
            server.grpc.start();
            log.info("Stowage api-server listening on {}:{}", config.grpcHost(), server.port());
            return server;
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    public static List<BindableService> services(Storage storage) {
        return List.of(new MessagesService(storage.archive()), new CleanerService(storage.cleaner()),
                new AdminService(storage.archive()));
    }

    public StowageServer startServing() {
        grpc.start();
        return this;
    }

    public int port() {
        return grpc.port();
    }

    public Storage storage() {
        return storage;
    }

    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    /** Graceful stop: calls in flight finish, then the schedule and storage close. */
    @Override
    public void close() {
        log.info("Stopping the api-server");
        grpc.close();
        scheduler.ifPresent(CleanScheduler::close);
        storage.close();
        log.info("api-server stopped");
    }
}
