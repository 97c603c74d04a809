package io.stowage.ingest;

import io.stowage.api.v1.Message;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import io.stowage.common.config.SettingsSource;
import io.stowage.embedded.LocalPostgres;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real api-server on a real port, over the embedded PostgreSQL and a directory, that can be
 * stopped and started again on the same port and storage (to play a server outage).
 */
final class ArchiveForTests implements AutoCloseable {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static LocalPostgres postgres;

    private final Map<String, String> settings;
    private final JdbcTarget db;
    private ServerConfig config;
    private StowageServer server;
    private final StowageClient client;

    ArchiveForTests(Path dataDir) throws Exception {
        this.settings = Map.of(
                "STOWAGE_DATA_DIR", dataDir.toString(),
                "STOWAGE_GRPC_HOST", "127.0.0.1",
                "STOWAGE_HTTP_PORT", "0",
                "STOWAGE_DB_SCHEMA", "ingest_" + SCHEMAS.incrementAndGet() + "_" + ProcessHandle.current().pid(),
                "STOWAGE_CLEAN_INTERVAL", "off",
                "STOWAGE_SHUTDOWN_GRACE", "1s");
        LocalPostgres pg = postgres();
        this.db = new JdbcTarget(pg.jdbcUrl(), pg.user(), pg.password());
        // The first start binds a port the system picks; restarts (an outage played by a test) take
        // the same one. A port probed free beforehand could be taken meanwhile, for instance as the
        // local end of one of the test's own outgoing connections.
        this.config = configOn(0);
        start();
        this.config = configOn(server.port());
        this.client = StowageClient.builder(target()).build();
    }

    private ServerConfig configOn(int grpcPort) {
        Map<String, String> on = new HashMap<>(settings);
        on.put("STOWAGE_GRPC_PORT", String.valueOf(grpcPort));
        return ServerConfig.from(new SettingsSource(Map.of(), on));
    }

    static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            postgres = LocalPostgres.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
        }
        return postgres;
    }

    String target() {
        return "127.0.0.1:" + config.grpcPort();
    }

    void start() {
        server = StowageServer.start(config, db);
    }

    void stop() {
        server.close();
        server = null;
    }

    StowageClient client() {
        return client;
    }

    /** Every message of a stream (a topic), in full. */
    List<Message> messagesOf(String topic) {
        try (var results = client.scan(ScanRequest.newBuilder().setStream(topic).build())) {
            return results.map(ScanResult::getMsg).toList();
        }
    }

    long countOf(String topic) {
        try (var results = client.scan(ScanRequest.newBuilder().setStream(topic).setIdsOnly(true).build())) {
            return results.count();
        }
    }

    @Override
    public void close() {
        client.close();
        if (server != null) {
            server.close();
        }
    }
}
