package io.stowage.server.testing;

import io.stowage.common.config.SettingsSource;
import io.stowage.embedded.LocalPostgres;
import io.stowage.embedded.LocalS3;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.storage.blob.S3BlobStore;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3Settings;
import io.stowage.server.storage.index.postgres.Database;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Real servers for tests, started once per test JVM: PostgreSQL and an S3-compatible server.
 * Each test takes its own schema or bucket, named after it.
 */
public final class TestBackends {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /**
     * Tells this test run's names from an earlier run's: a database given by STOWAGE_TEST_DB_URL
     * keeps the schemas of every run, and a name used again would find the old rows there.
     */
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private static LocalPostgres postgres;
    private static LocalS3 s3;

    private TestBackends() {}

    public static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            postgres = LocalPostgres.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
        }
        return postgres;
    }

    public static synchronized LocalS3 s3() {
        if (s3 == null) {
            s3 = LocalS3.startInMemory();
            Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
        }
        return s3;
    }

    /** A name unique in this JVM, made from {@code base}, usable as a schema or bucket name. */
    public static String uniqueName(String base) {
        String clean = base.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        return clean + "-" + RUN + "-" + COUNTER.incrementAndGet();
    }

    /**
     * A migrated index in a fresh schema: on the embedded PostgreSQL, or on the one that
     * {@code STOWAGE_TEST_DB_URL} names (with {@code STOWAGE_TEST_DB_USER} and
     * {@code STOWAGE_TEST_DB_PASSWORD}), to run the index tests against another server.
     */
    public static Database database(String schema) {
        return database(schema, Optional.of(Database.DEFAULT_LOCK_TIMEOUT));
    }

    /** ... whose statements wait at most {@code lockTimeout} for a lock. */
    public static Database database(String schema, Optional<Duration> lockTimeout) {
        String url = System.getenv("STOWAGE_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return Database.connect(url, System.getenv().getOrDefault("STOWAGE_TEST_DB_USER", "postgres"),
                    System.getenv().getOrDefault("STOWAGE_TEST_DB_PASSWORD", ""), schema, 8, lockTimeout);
        }
        LocalPostgres pg = postgres();
        return Database.connect(pg.jdbcUrl(), pg.user(), pg.password(), schema, 8, lockTimeout);
    }

    /** A fresh bucket on the local S3 server and a store over it. */
    public static S3BlobStore s3Store(String bucket, String prefix) {
        return s3Store(bucket, prefix, S3Checksum.MD5);
    }

    /** ... whose writes are proved by {@code checksum}. */
    public static S3BlobStore s3Store(String bucket, String prefix, S3Checksum checksum) {
        LocalS3 server = s3();
        server.createBucket(bucket);
        return new S3BlobStore(s3Settings(bucket, prefix).withChecksum(checksum), StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)));
    }

    public static S3Settings s3Settings(String bucket, String prefix) {
        return new S3Settings(bucket, prefix, LocalS3.REGION, Optional.of(s3().endpoint()), true);
    }

    /** The server configuration of the defaults, with {@code overrides} as environment variables. */
    public static ServerConfig config(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(overrides);
        return ServerConfig.from(new SettingsSource(Map.of(), env));
    }
}
