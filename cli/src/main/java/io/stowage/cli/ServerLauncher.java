package io.stowage.cli;

import io.stowage.embedded.LocalPostgres;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the api-server on its configured storage, first starting the embedded PostgreSQL under
 * the data directory when no database URL is configured.
 */
final class ServerLauncher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerLauncher.class);

    private final StowageServer server;
    private final Optional<LocalPostgres> embedded;

    private ServerLauncher(StowageServer server, Optional<LocalPostgres> embedded) {
        this.server = server;
        this.embedded = embedded;
    }

    static ServerLauncher start(ServerConfig config) {
        Optional<LocalPostgres> embedded = config.dbUrl().isPresent() ? Optional.empty()
                : Optional.of(startEmbedded(config.dataDir()));
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

    /**
     * The embedded PostgreSQL, on the port it had last time (remembered in postgres.port beside its
     * data), so that a psql command line written down once keeps working.
     */
    private static LocalPostgres startEmbedded(Path dataDir) {
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
        LocalPostgres pg = LocalPostgres.start(dataDir.resolve("postgres"), port > 0 ? port : freePort());
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

    /** How to open the index with psql, when it is the embedded PostgreSQL. */
    Optional<String> psql(String schema) {
        return embedded.map(pg -> "psql \"host=localhost port=" + pg.port() + " user=" + pg.user()
                + " dbname=postgres options=-csearch_path=" + schema + "\"");
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
