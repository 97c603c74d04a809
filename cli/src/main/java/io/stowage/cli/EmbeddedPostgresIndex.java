package io.stowage.cli;

import io.stowage.embedded.LocalPostgres;
import io.stowage.server.config.JdbcTarget;
import java.nio.file.Path;

/** The embedded PostgreSQL as the server's index; loaded only when {@link DevelopmentTools#included()}. */
final class EmbeddedPostgresIndex implements LocalIndex {
    private final LocalPostgres postgres;

    private EmbeddedPostgresIndex(LocalPostgres postgres) {
        this.postgres = postgres;
    }

    static LocalIndex start(Path dataDir) {
        return new EmbeddedPostgresIndex(LocalPostgres.start(dataDir));
    }

    @Override
    public JdbcTarget target() {
        return new JdbcTarget(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    @Override
    public Path dataDir() {
        return postgres.dataDir();
    }

    @Override
    public void close() {
        postgres.close();
    }
}
