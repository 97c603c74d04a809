package io.stowage.cli;

import io.stowage.embedded.LocalPostgres;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import java.util.Optional;

/**
 * Starts the api-server on its configured storage, first starting the embedded PostgreSQL under
 * the data directory when no database URL is configured.
 */
final class ServerLauncher implements AutoCloseable {
    private final StowageServer server;
    private final Optional<LocalPostgres> embedded;

    private ServerLauncher(StowageServer server, Optional<LocalPostgres> embedded) {
        this.server = server;
        this.embedded = embedded;
    }

    static ServerLauncher start(ServerConfig config) {
        Optional<LocalPostgres> embedded = config.dbUrl().isPresent() ? Optional.empty()
                : Optional.of(LocalPostgres.start(config.dataDir().resolve("postgres")));
        JdbcTarget db = embedded.map(pg -> new JdbcTarget(pg.jdbcUrl(), pg.user(), pg.password()))
                .orElseGet(() -> new JdbcTarget(config.dbUrl().get(), config.dbUser().orElse(null),
                        config.dbPassword().orElse(null)));
        try {
            return new ServerLauncher(StowageServer.start(config, db), embedded);
        } catch (RuntimeException e) {
            embedded.ifPresent(LocalPostgres::close);
            throw e;
        }
    }

    StowageServer server() {
        return server;
    }

    Optional<LocalPostgres> embeddedPostgres() {
        return embedded;
    }

    void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            embedded.ifPresent(LocalPostgres::close);
        }
    }
}
