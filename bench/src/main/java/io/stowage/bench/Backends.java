package io.stowage.bench;

import io.stowage.embedded.LocalKafka;
import io.stowage.embedded.LocalPostgres;
import io.stowage.embedded.LocalS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The servers Stowage runs on, in this process: a Kafka broker, PostgreSQL and an S3-compatible
 * server keeping its objects as files (so that a gigabyte of segments does not live in the heap).
 */
final class Backends implements AutoCloseable {
    private final Path dir;
    private final LocalKafka kafka;
    private final LocalPostgres postgres;
    private final LocalS3 s3;

    private Backends(Path dir, LocalKafka kafka, LocalPostgres postgres, LocalS3 s3) {
        this.dir = dir;
        this.kafka = kafka;
        this.postgres = postgres;
        this.s3 = s3;
    }

    static Backends start(Path dir) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Progress.say("Starting Kafka, PostgreSQL and the S3-compatible server in %s", dir);
            LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
            started.add(kafka);
            LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"), 0, postgresSettings());
            started.add(pg);
            Files.createDirectories(dir.resolve("s3"));
            LocalS3 s3 = LocalS3.startInDirectory(dir.resolve("s3"));
            started.add(s3);
            return new Backends(dir, kafka, pg, s3);
        } catch (Exception e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            throw e;
        }
    }

    /**
     * PostgreSQL settings from the environment for tuning experiments: {@code BENCH_PG_<name>=value}
     * sets {@code <name>} (e.g. {@code BENCH_PG_shared_buffers=128MB}), over the embedded defaults.
     */
    static Map<String, String> postgresSettings() {
        Map<String, String> settings = new TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("BENCH_PG_")) {
                settings.put(name.substring("BENCH_PG_".length()).toLowerCase(Locale.ROOT), value);
            }
        });
        if (!settings.isEmpty()) {
            Progress.say("PostgreSQL settings from BENCH_PG_: %s", settings);
        }
        return settings;
    }

    Path dir() {
        return dir;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    LocalPostgres postgres() {
        return postgres;
    }

    String s3Endpoint() {
        return s3.endpoint().toString();
    }

    void createBucket(String bucket) {
        s3.createBucket(bucket);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    @Override
    public void close() {
        try {
            s3.close();
        } finally {
            try {
                postgres.close();
            } finally {
                kafka.close();
            }
        }
    }
}
