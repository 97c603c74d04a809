package io.stowage.cli;

import io.stowage.common.config.ConfigException;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import java.util.Optional;

/**
 * Starts the api-server on its configured storage, first starting the embedded PostgreSQL under
 * the data directory when no database URL is configured (where the development tools are
 * included: see {@link DevelopmentTools}).
 */
final class ServerLauncher implements AutoCloseable {

    private final StowageServer server;
    private final Optional<LocalIndex> embedded;

    private ServerLauncher(StowageServer server, Optional<LocalIndex> embedded) {
        this.server = server;
        this.embedded = embedded;
    }

    static ServerLauncher start(ServerConfig config) {
        if (config.dbUrl().isEmpty() && !DevelopmentTools.included()) {
            throw new ConfigException("STOWAGE_DB_URL is not set and this distribution has no embedded PostgreSQL:"
                    + " set STOWAGE_DB_URL to your PostgreSQL (jdbc:postgresql://host:5432/stowage). An embedded"
                    + " PostgreSQL is a development tool: " + DevelopmentTools.ELSEWHERE);
        }
        Optional<LocalIndex> embedded = config.dbUrl().isPresent() ? Optional.empty()
                : Optional.of(EmbeddedPostgresIndex.start(config.dataDir()));
        JdbcTarget db = embedded.map(LocalIndex::target)
                .orElseGet(() -> new JdbcTarget(config.dbUrl().get(), config.dbUser().orElse(null),
                        config.dbPassword().orElse(null)));
        try {
            return new ServerLauncher(StowageServer.start(config, db), embedded);
        } catch (RuntimeException e) {
            embedded.ifPresent(LocalIndex::close);
            throw e;
        }
    }

    /** How to open the index with psql, when it is the embedded PostgreSQL. */
    Optional<String> psql(String schema) {
        return embedded.map(pg -> pg.psql(schema));
    }

    StowageServer server() {
        return server;
    }

    Optional<LocalIndex> embeddedPostgres() {
        return embedded;
    }

    void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** The server, then its embedded PostgreSQL, which the server's shutdown still uses. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            embedded.ifPresent(LocalIndex::close);
        }
    }
}
