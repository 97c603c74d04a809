package io.stowage.cli;

import io.stowage.embedded.LocalPostgres;
import io.stowage.server.config.JdbcTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded PostgreSQL as the server's index; loaded only when {@link DevelopmentTools#included()}. */
final class EmbeddedPostgresIndex implements LocalIndex {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresIndex.class);
    private final LocalPostgres postgres;

    private EmbeddedPostgresIndex(LocalPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts it under {@code serverDataDir}/postgres, on the port it had last time when that is free. */
    static LocalIndex start(Path serverDataDir) {
        return new EmbeddedPostgresIndex(startOnRememberedPort(serverDataDir));
    }

    /**
     * The embedded PostgreSQL, on the port it had last time (remembered in postgres.port beside its
     * data), so that a psql command line written down once keeps working.
     */
    private static LocalPostgres startOnRememberedPort(Path dataDir) {
        Path portFile = dataDir.resolve("postgres.port");
        int port = 0;
        try {
            if (Files.exists(portFile)) {
                port = Integer.parseInt(Files.readString(portFile).strip());
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Ignoring {}: {}", portFile, e.toString());
        }
        if (port > 0 && !free(port)) {
            log.info("Port {} of the embedded PostgreSQL is taken now; it moves to a free one", port);
            port = 0;
        }
        // stopped by the launcher, after the server: see ServerLauncher.close
        LocalPostgres pg = LocalPostgres.startStoppedByCaller(dataDir.resolve("postgres"),
                port > 0 ? port : freePort());
        try {
            Files.writeString(portFile, pg.port() + "\n");
        } catch (IOException e) {
            log.warn("Could not remember the embedded PostgreSQL port in {}", portFile, e);
        }
        return pg;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded PostgreSQL", e);
        }
    }

    @Override
    public String psql(String schema) {
        return "psql \"host=localhost port=" + postgres.port() + " user=" + postgres.user()
                + " dbname=postgres options=-csearch_path=" + schema + "\"";
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
