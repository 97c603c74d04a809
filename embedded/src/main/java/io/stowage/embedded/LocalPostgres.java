package io.stowage.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from binaries on the class path, in a data directory of our
 * choosing: a persistent one for {@code stowage server} and {@code stowage dev}, a temporary one
 * for tests.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    private static final String DATABASE = "postgres";
    private static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private volatile boolean temporary;

    private LocalPostgres(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /** Starts PostgreSQL on a free port with its data in {@code dataDir}, which survives a restart. */
    public static LocalPostgres start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** As {@link #start(Path)}, on {@code port} (0: a free one). */
    public static LocalPostgres start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * The server's settings unless overridden: PostgreSQL's defaults but for more connections and
     * durable commits. Larger shared buffers (512 MB) and rarer checkpoints (4 GB of WAL, 15 min)
     * were measured in B1 and gave no less PostgreSQL CPU per record, so they are left to a deployment.
     */
    private static Map<String, String> defaultSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("max_connections", "200");
        // durable commits: an acknowledged message must survive a crash of the machine
        settings.put("fsync", "on");
        settings.put("synchronous_commit", "on");
        return settings;
    }

    /**
     * As {@link #start(Path, int)}, with {@code overrides} of {@link #defaultSettings()} or further
     * PostgreSQL settings (by their names in {@code postgresql.conf}).
     */
    public static LocalPostgres start(Path dataDir, int port, Map<String, String> overrides) {
        return start(dataDir, port, overrides, true);
    }

    /**
     * As {@link #start(Path, int)}, stopped by the caller alone: without the JVM shutdown hook that
     * otherwise stops it at exit. For a process whose own shutdown still uses the database (the
     * api-server forgets the pending segments it reserved): two hooks run at once, and the
     * database's would stop it under the server.
     */
    public static LocalPostgres startStoppedByCaller(Path dataDir, int port) {
        return start(dataDir, port, Map.of(), false);
    }

    private static LocalPostgres start(Path dataDir, int port, Map<String, String> overrides, boolean stopAtExit) {
        try {
            Files.createDirectories(dataDir);
            StalePostmaster.clear(dataDir);
            long started = System.nanoTime();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (port > 0) {
                builder.setPort(port);
            }
            Map<String, String> settings = defaultSettings();
            settings.putAll(overrides);
            settings.forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(stopAtExit)
                    .start();
            log.info("Embedded PostgreSQL started in {} ms with data in {}",
                    (System.nanoTime() - started) / 1_000_000, dataDir.toAbsolutePath());
            return new LocalPostgres(pg, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + dataDir
                    + ": " + e.getMessage() + " (is another Stowage using this data directory?)", e);
        }
    }

    /** Starts PostgreSQL in a fresh temporary directory that is removed on {@link #close()}. */
    public static LocalPostgres startTemporary() {
        try {
            Path dir = Files.createTempDirectory("stowage-pg-");
            LocalPostgres pg = start(dir);
            pg.temporary = true;
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE);
    }

    public String user() {
        return USER;
    }

    public String password() {
        return "";
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
        if (temporary) {
            TempDirs.deleteQuietly(dataDir);
        }
    }
}
