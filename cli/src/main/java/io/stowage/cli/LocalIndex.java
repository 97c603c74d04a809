package io.stowage.cli;

import io.stowage.server.config.JdbcTarget;
import java.nio.file.Path;

/** The PostgreSQL the server starts for itself when no STOWAGE_DB_URL is set (development only). */
interface LocalIndex extends AutoCloseable {
    JdbcTarget target();

    /** Where its data lives. */
    Path dataDir();

    /** The psql command line that opens the index in {@code schema}. */
    String psql(String schema);

    @Override
    void close();
}
