package io.stowage.cli;

import io.stowage.common.config.SettingsSource;
import io.stowage.embedded.LocalPostgres;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Map;

/** A real api-server in the test JVM, on a free port, over its own PostgreSQL and directory. */
final class ArchiveServerForIT implements AutoCloseable {
    private final LocalPostgres pg;
    private final StowageServer server;
    private final Path dataDir;

    ArchiveServerForIT(Path dataDir) {
        this.dataDir = dataDir;
        this.pg = LocalPostgres.start(dataDir.resolve("pg"));
        ServerConfig config = ServerConfig.from(new SettingsSource(Map.of(), Map.of(
                "STOWAGE_DATA_DIR", dataDir.toString(), "STOWAGE_GRPC_HOST", "127.0.0.1",
                "STOWAGE_GRPC_PORT", "0", "STOWAGE_HTTP_PORT", "0", "STOWAGE_CLEAN_INTERVAL", "off")));
        this.server = StowageServer.start(config, new JdbcTarget(pg.jdbcUrl(), pg.user(), pg.password()));
    }

    String target() {
        return "127.0.0.1:" + server.port();
    }

    /** Runs {@code work} while holding the clean lock, as another server that is cleaning would. */
    boolean whileAnotherServerCleans(Runnable work) {
        try (var other = io.stowage.server.storage.index.postgres.PostgresIndex.connect(pg.jdbcUrl(), pg.user(),
                pg.password(), "stowage", 1,
                java.util.Optional.of(io.stowage.server.storage.index.postgres.Database.DEFAULT_LOCK_TIMEOUT),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            return other.withCleanLock(work);
        }
    }

    /** The HTTP port (metrics and health), not the gRPC API. */
    int httpPort() {
        return server.httpPort();
    }

    Path segments() {
        return dataDir.resolve("segments");
    }

    /** The environment that points the tools at this server. */
    Map<String, String> env() {
        return Map.of("STOWAGE_SERVER", target());
    }

    @Override
    public void close() {
        server.close();
        pg.close();
    }
}
