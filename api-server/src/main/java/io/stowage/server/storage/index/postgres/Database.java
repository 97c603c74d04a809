package io.stowage.server.storage.index.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.error.Dependency;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL connection pool, with the schema brought up to date at start, and the one place
 * where SQL errors become storage exceptions: connection trouble is "unavailable", the rest is
 * an internal storage error with the statement's purpose in the message.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final String description;

    private final Optional<Duration> lockTimeout;

    private Database(HikariDataSource pool, String description, Optional<Duration> lockTimeout) {
        this.pool = pool;
        this.description = description;
        this.lockTimeout = lockTimeout;
    }

    /** How long a statement waits for a lock another transaction holds unless told otherwise. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Connects, creates {@code schema} if needed and applies pending migrations.
     *
     * @param poolSize most connections held open
     */
    public static Database connect(String jdbcUrl, String user, String password, String schema, int poolSize) {
        return connect(jdbcUrl, user, password, schema, poolSize, Optional.of(DEFAULT_LOCK_TIMEOUT), Optional.empty());
    }

    /**
     * ... and a statement that waits longer than {@code lockTimeout} for a lock another
     * transaction holds fails (empty: PostgreSQL's own {@code lock_timeout} applies, by default none).
     */
    public static Database connect(String jdbcUrl, String user, String password, String schema, int poolSize,
            Optional<Duration> lockTimeout) {
        return connect(jdbcUrl, user, password, schema, poolSize, lockTimeout, Optional.empty());
    }

    /** Also publishes the pool's metrics ({@code hikaricp_connections_*}) to {@code registry}. */
    public static Database connect(String jdbcUrl, String user, String password, String schema, int poolSize,
            Optional<Duration> lockTimeout, MeterRegistry registry) {
        return connect(jdbcUrl, user, password, schema, poolSize, lockTimeout, Optional.of(registry));
    }

    private static Database connect(String jdbcUrl, String user, String password, String schema, int poolSize,
            Optional<Duration> lockTimeout, Optional<MeterRegistry> registry) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setSchema(schema);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setPoolName("stowage-index");
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // start even when the database is down for now; calls then fail with UNAVAILABLE
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Plan each statement for its values: a cached generic plan of a Kafka-order scan walks
        // the time index and sorts the whole stream for every page. Planning costs well under a
        // millisecond next to the set-based statements it plans.
        // A lock timeout: a statement waiting on a lock that a transaction left open holds (a table
        // lock of maintenance, a session left idle in transaction) fails instead of waiting as long
        // as that transaction lives; its caller retries. The migrations wait for each other without it.
        config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan"
                + lockTimeout.map(t -> "; SET lock_timeout = " + t.toMillis()).orElse(""));
        config.addDataSourceProperty("ApplicationName", "stowage");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        registry.ifPresent(r -> config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(r)));
        String description = redact(jdbcUrl) + " (schema " + schema + ")";
        HikariDataSource pool = new HikariDataSource(config);
        Database db = new Database(pool, description, lockTimeout);
        try {
            db.withConnection("apply schema migrations", c -> {
                Migrations.apply(c, schema);
                return null;
            });
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        log.info("Index database ready at {}", description);
        return db;
    }

    public String description() {
        return description;
    }

    /** How long a statement waits for a lock another transaction holds (empty: PostgreSQL's own setting). */
    public Optional<Duration> lockTimeout() {
        return lockTimeout;
    }

    /** The most connections the pool holds. */
    public int poolSize() {
        return pool.getMaximumPoolSize();
    }

    /**
     * Checks that the database answers {@code SELECT 1} within {@code timeout} once a connection
     * is had; throws {@link StorageUnavailableException} when it does not.
     */
    public void ping(Duration timeout) {
        withConnection("ping", c -> {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                s.execute("SELECT 1");
            }
            return null;
        });
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    public <T> T withConnection(String purpose, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(purpose, e);
        }
    }

    /**
     * Runs {@code work} in one transaction, rolled back if it throws. The error that ended the
     * work is the one reported: on a broken connection, the rollback and the return to auto-commit
     * fail too ("connection is closed"), and those would hide that the database is unavailable.
     */
    public <T> T inTransaction(String purpose, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                autoCommitQuietly(c);
                throw e;
            }
            autoCommitQuietly(c); // the pool resets it too when the connection comes back
            return result;
        } catch (SQLException e) {
            throw translate(purpose, e);
        }
    }

    /**
     * {@link #inTransaction(String, SqlWork)} whose statements wait at most {@code lockWait} for a
     * lock (empty: the connection's lock timeout).
     */
    public <T> T inTransaction(String purpose, Optional<Duration> lockWait, SqlWork<T> work) {
        if (lockWait.isEmpty()) {
            return inTransaction(purpose, work);
        }
        return inTransaction(purpose, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lock_timeout = " + lockWait.get().toMillis());
            }
            return work.run(c);
        });
    }

    private static void autoCommitQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("could not restore auto-commit", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    RuntimeException translate(String purpose, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("40P01") || state.equals("40001")) {
            // a deadlock or serialization failure with a concurrent writer: the statement can simply run again
            return new StorageUnavailableException("the index database gave way to a concurrent change (" + purpose
                    + "): " + e.getMessage(), e);
        }
        if (state.equals(Sql.LOCK_NOT_AVAILABLE)) {
            // not an outage: the database answers, but another transaction has held what this needs too long
            return new StorageUnavailableException("the index database at " + description + " is held up (" + purpose
                    + "): a lock that another transaction holds was not granted within "
                    + lockTimeout.map(Database::describe).orElse("PostgreSQL's lock_timeout")
                    + " (STOWAGE_DB_LOCK_TIMEOUT); look in pg_stat_activity for a long-running or 'idle in transaction'"
                    + " session",
                    e);
        }
        if (e instanceof SQLTransientConnectionException || state.startsWith("08") || state.startsWith("57P")
                || state.startsWith("53")) {
            return new StorageUnavailableException(Dependency.INDEX, "the index database at " + description
                    + " is unavailable (" + purpose + "): " + e.getMessage(), e);
        }
        return new StorageException("index query failed (" + purpose + "): " + e.getMessage(), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed", e);
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
