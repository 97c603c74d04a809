package io.stowage.server.config;

import io.stowage.api.ApiLimits;
import io.stowage.common.config.ConfigException;
import io.stowage.common.config.ProcessSettings;
import io.stowage.common.config.Setting;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.config.Values;
import io.stowage.server.auth.TokenFile;
import io.stowage.server.auth.Tokens;
import io.stowage.server.clean.CleanSettings;
import io.stowage.server.clean.RetentionPolicy;
import io.stowage.server.storage.Limits;
import io.stowage.server.storage.SegmentFormat;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3Settings;
import io.stowage.server.tls.Pem;
import io.stowage.server.tls.ServerTls;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Configuration of the api-server ({@code stowage server}), read once at start from flags and
 * environment variables (flags win) and validated as a whole.
 */
public record ServerConfig(
        String grpcHost,
        int grpcPort,
        String httpAddress,
        int httpPort,
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        String dbSchema,
        int dbPoolSize,
        Optional<Duration> dbLockTimeout,
        Optional<S3Settings> s3,
        Limits limits,
        CleanSettings clean,
        Optional<Duration> cleanInterval,
        int ioThreads,
        Duration shutdownGrace,
        Optional<ServerTls> tls,
        Optional<Tokens> tokens,
        SegmentFormat segmentFormat) {

    public static final Setting<String> GRPC_HOST = Setting.of("STOWAGE_GRPC_HOST", "0.0.0.0",
            "Address the gRPC server listens on (the HTTP endpoint's is STOWAGE_HTTP_ADDRESS).", Values::string);
    public static final Setting<Integer> GRPC_PORT = Setting.of("STOWAGE_GRPC_PORT", "50051",
            "Port of the gRPC API (0 picks a free port).", Values::port);
    public static final Setting<Path> DATA_DIR = Setting.of("STOWAGE_DATA_DIR", "./data",
            "Directory for the embedded PostgreSQL (when STOWAGE_DB_URL is unset) and the segment files"
                    + " (when STOWAGE_S3_BUCKET is unset).", Values::path);
    public static final Setting<String> DB_URL = Setting.of("STOWAGE_DB_URL", null,
            "JDBC URL of the PostgreSQL index, e.g. jdbc:postgresql://db:5432/stowage. Unset: an embedded"
                    + " PostgreSQL under STOWAGE_DATA_DIR.", Values::string);
    public static final Setting<String> DB_USER = Setting.of("STOWAGE_DB_USER", null,
            "PostgreSQL user.", Values::string);
    public static final Setting<String> DB_PASSWORD = Setting.secret("STOWAGE_DB_PASSWORD",
            "PostgreSQL password.", Values::string);
    public static final Setting<String> DB_SCHEMA = Setting.of("STOWAGE_DB_SCHEMA", "stowage",
            "PostgreSQL schema of the index; created and migrated at start.", Values::string);
    public static final Setting<Integer> DB_POOL_SIZE = Setting.of("STOWAGE_DB_POOL_SIZE", "16",
            "Most connections to PostgreSQL; at least 2 (a clean holds one for its lock while it works with another).",
            ServerConfig::poolSize);
    public static final Setting<Optional<Duration>> DB_LOCK_TIMEOUT = Setting.of("STOWAGE_DB_LOCK_TIMEOUT", "10s",
            "How long a statement of the index waits for a row or table lock that another transaction holds"
                    + " before its call fails with UNAVAILABLE (the caller retries); off leaves PostgreSQL's own"
                    + " lock_timeout (by default it waits as long as it takes). A group commit waits at most a second,"
                    + " then commits each of its batches alone.",
            ServerConfig::lockTimeout);
    public static final Setting<String> S3_BUCKET = Setting.of("STOWAGE_S3_BUCKET", null,
            "S3 bucket for segment objects. Unset: files under STOWAGE_DATA_DIR/segments.", Values::string);
    public static final Setting<URI> S3_ENDPOINT = Setting.of("STOWAGE_S3_ENDPOINT", null,
            "Endpoint of an S3-compatible server, e.g. http://minio:9000. Unset: AWS S3.", ServerConfig::uri);
    public static final Setting<String> S3_REGION = Setting.of("STOWAGE_S3_REGION", "us-east-1",
            "S3 region. Credentials come from the AWS default chain (AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, a profile, web identity or an instance role).", Values::string);
    public static final Setting<String> S3_PREFIX = Setting.of("STOWAGE_S3_PREFIX", "",
            "Key prefix for segment objects inside the bucket.", Values::string);
    public static final Setting<Boolean> S3_PATH_STYLE = Setting.of("STOWAGE_S3_PATH_STYLE", "false",
            "Path-style bucket addressing; most S3-compatible servers need true.", Values::bool);
    public static final Setting<S3Checksum> S3_CHECKSUM = Setting.of("STOWAGE_S3_CHECKSUM", "md5",
            "How each segment write proves the store kept the bytes sent: md5 (Content-MD5, then the ETag must"
                    + " match; AWS S3 and most compatible servers), crc32c or sha256 (an x-amz-checksum-* header the"
                    + " store must echo; for stores whose ETag is not an MD5, e.g. SSE-KMS), trailer (the AWS SDK's"
                    + " aws-chunked upload with a trailing CRC32; only for stores that decode aws-chunked), auto (crc32c where"
                    + " the store echoes it, else md5, also where it refuses the header; the first write decides).",
            S3Checksum::parse);
    public static final Setting<Integer> MAX_BATCH_MESSAGES = Setting.of("STOWAGE_MAX_BATCH_MESSAGES",
            Integer.toString(ApiLimits.DEFAULT_MAX_BATCH_MESSAGES),
            "Most messages (or ids) per request.", Values::positiveInt);
    public static final Setting<Integer> MAX_MESSAGE_BYTES = Setting.of("STOWAGE_MAX_MESSAGE_BYTES",
            ApiLimits.sizeText(ApiLimits.DEFAULT_MAX_MESSAGE_BYTES),
            "Largest message (its protobuf encoding).", Values::intDataSize);
    public static final Setting<Integer> MAX_BATCH_BYTES = Setting.of("STOWAGE_MAX_BATCH_BYTES",
            ApiLimits.sizeText(ApiLimits.DEFAULT_MAX_BATCH_BYTES),
            "Largest PutBatch (the sum of its messages).", Values::intDataSize);
    public static final Setting<Integer> GET_RESPONSE_BYTES = Setting.of("STOWAGE_GET_RESPONSE_BYTES", "32MiB",
            "Most stored-document bytes one GetBatch response carries (at least one message); the ids past it"
                    + " come back in remaining_ids for the caller to ask again. Keeps the server's memory bounded.",
            Values::intDataSize);
    public static final Setting<Optional<Long>> GET_BYTES_IN_FLIGHT = Setting.of("STOWAGE_GET_BYTES_IN_FLIGHT", "auto",
            "Most stored-document bytes all GetBatch calls together hold at once; calls past it wait their turn"
                    + " (up to 30 s, then RESOURCE_EXHAUSTED). auto is an eighth of the heap.",
            ServerConfig::bytesInFlight);
    public static final Setting<Optional<Duration>> RETENTION = Setting.of("STOWAGE_RETENTION", "forever",
            "How long messages are kept, by message time, e.g. 168h or 30d; forever keeps them.",
            Values::optionalDuration);
    public static final Setting<Map<String, Optional<Duration>>> RETENTION_STREAMS = Setting.of(
            "STOWAGE_RETENTION_STREAMS", "",
            "Per-stream retention overriding STOWAGE_RETENTION, e.g. alerts=720h,audit=forever.",
            RetentionPolicy::parseOverrides);
    public static final Setting<Optional<Duration>> CLEAN_INTERVAL = Setting.of("STOWAGE_CLEAN_INTERVAL", "1h",
            "How often the cleaner runs (retention, compaction, orphans); off disables the schedule.",
            Values::optionalDuration);
    public static final Setting<Duration> PENDING_GRACE = Setting.of("STOWAGE_PENDING_GRACE", "15m",
            "A segment whose write has not committed after this long is treated as abandoned and removed."
                    + " Writes register their pending segments up to a tenth of it ahead (at most a minute); give"
                    + " every server the same value.",
            Values::duration);
    public static final Setting<Double> COMPACT_MIN_DEAD_RATIO = Setting.of("STOWAGE_COMPACT_MIN_DEAD_RATIO", "0",
            "Clean rewrites a segment once this share of its bytes is deleted; 0 rewrites any segment"
                    + " with a deleted message, so deleted bytes are gone after the next clean.", Values::ratio);
    public static final Setting<Long> SEGMENT_TARGET_BYTES = Setting.of("STOWAGE_SEGMENT_TARGET_BYTES", "64MiB",
            "Clean merges the smaller segments of each closed hour (stream, type, day, hour) into segments of up"
                    + " to this size, so that sparse traffic does not keep one object per batch; off (or 0)"
                    + " disables merging. At most 1GiB.", ServerConfig::segmentTarget);
    public static final Setting<SegmentFormat.Compression> SEGMENT_COMPRESSION = Setting.of(
            "STOWAGE_SEGMENT_COMPRESSION", "none",
            "How new segments (and segments Clean rewrites or merges) store their documents: none (BSON documents"
                    + " back to back, key .bson) or zstd (each document one zstd frame, key .bson.zst, so zstd -d"
                    + " gives the .bson dump). Segments of both forms are read side by side.",
            SegmentFormat.Compression::parse);
    public static final Setting<Integer> SEGMENT_COMPRESSION_LEVEL = Setting.of("STOWAGE_SEGMENT_COMPRESSION_LEVEL",
            Integer.toString(SegmentFormat.DEFAULT_LEVEL),
            "zstd level of compressed documents, 1 to 19. On documents of about 1 KiB higher levels store within 2%"
                    + " of level 1 for more CPU; they pay only on large documents.", ServerConfig::zstdLevel);
    public static final Setting<Integer> IO_THREADS = Setting.of("STOWAGE_IO_THREADS", "16",
            "Parallel object reads and writes.", Values::positiveInt);

    public static final Setting<Path> TLS_CERT = Setting.of("STOWAGE_TLS_CERT", null,
            "PEM certificate (then any intermediates) of the gRPC server; with STOWAGE_TLS_KEY the API speaks only"
                    + " TLS and refuses plaintext connections. Unset: plaintext. The HTTP endpoint stays plain HTTP.",
            Values::path);
    public static final Setting<Path> TLS_KEY = Setting.of("STOWAGE_TLS_KEY", null,
            "PEM private key of STOWAGE_TLS_CERT (PKCS#8, PKCS#1 or SEC1, unencrypted).", Values::path);
    public static final Setting<Path> TLS_CLIENT_CA = Setting.of("STOWAGE_TLS_CLIENT_CA", null,
            "PEM certificate authorities for mutual TLS: clients must present a certificate signed by one of"
                    + " them. Needs STOWAGE_TLS_CERT.", Values::path);
    public static final Setting<Path> TOKENS_FILE = Setting.of("STOWAGE_TOKENS_FILE", null,
            "File of the bearer tokens the API accepts, one line per token: '<sha256 hex of the token>"
                    + " <role>[,<role>...] [name]' with roles read, write, delete, admin ('stowage token' makes"
                    + " one). Unset: the API is open to anyone who can connect.", Values::path);

    /** Every setting, in the order of help output and the README table: what this class and {@link ProcessSettings} declare. */
    public static final List<Setting<?>> SETTINGS = Setting.declaredIn(ServerConfig.class, ProcessSettings.class);

    public static ServerConfig from(SettingsSource src) {
        Optional<String> bucket = src.find(S3_BUCKET);
        Optional<URI> endpoint = src.find(S3_ENDPOINT);
        if (bucket.isEmpty() && endpoint.isPresent()) {
            throw new ConfigException("STOWAGE_S3_ENDPOINT is set but STOWAGE_S3_BUCKET is not: set the bucket"
                    + " to store segments in S3, or unset the endpoint to use the local directory");
        }
        Optional<S3Settings> s3 = bucket.map(b -> new S3Settings(b, src.get(S3_PREFIX), src.get(S3_REGION),
                endpoint, src.get(S3_PATH_STYLE), src.get(S3_CHECKSUM)));
        Limits limits = new Limits(src.get(MAX_BATCH_MESSAGES), src.get(MAX_MESSAGE_BYTES), src.get(MAX_BATCH_BYTES),
                src.get(GET_RESPONSE_BYTES), src.get(GET_BYTES_IN_FLIGHT).orElseGet(Limits::defaultBytesInFlight));
        if (limits.maxBatchBytes() < limits.maxMessageBytes()) {
            throw new ConfigException("STOWAGE_MAX_BATCH_BYTES (" + limits.maxBatchBytes()
                    + ") must be at least STOWAGE_MAX_MESSAGE_BYTES (" + limits.maxMessageBytes() + ")");
        }
        Optional<String> dbUrl = src.find(DB_URL);
        if (dbUrl.isPresent() && !dbUrl.get().startsWith("jdbc:postgresql:")) {
            throw new ConfigException("STOWAGE_DB_URL must be a PostgreSQL JDBC URL such as"
                    + " jdbc:postgresql://host:5432/stowage, got '" + dbUrl.get() + "'");
        }
        CleanSettings clean = new CleanSettings(
                new RetentionPolicy(src.get(RETENTION), src.get(RETENTION_STREAMS)),
                src.get(PENDING_GRACE), src.get(COMPACT_MIN_DEAD_RATIO), src.get(SEGMENT_TARGET_BYTES));
        int grpcPort = src.get(GRPC_PORT);
        int httpPort = src.get(ProcessSettings.HTTP_PORT);
        if (httpPort != 0 && httpPort == grpcPort) {
            throw new ConfigException("STOWAGE_HTTP_PORT and STOWAGE_GRPC_PORT are both " + httpPort
                    + ": give the HTTP endpoint a port of its own");
        }
        return new ServerConfig(src.get(GRPC_HOST), grpcPort, src.get(ProcessSettings.HTTP_ADDRESS), httpPort, src.get(DATA_DIR), dbUrl, src.find(DB_USER),
                src.find(DB_PASSWORD), src.get(DB_SCHEMA), src.get(DB_POOL_SIZE),
                src.get(DB_LOCK_TIMEOUT), s3, limits, clean,
                src.get(CLEAN_INTERVAL), src.get(IO_THREADS), src.get(ProcessSettings.SHUTDOWN_GRACE), tls(src),
                src.find(TOKENS_FILE).map(file -> read(TOKENS_FILE, file, TokenFile::read)),
                new SegmentFormat(src.get(SEGMENT_COMPRESSION), src.get(SEGMENT_COMPRESSION_LEVEL),
                        SegmentFormat.maxDocumentBytes(limits.maxMessageBytes())));
    }

    /** TLS from the certificate and key files (both or neither), checked to belong together. */
    private static Optional<ServerTls> tls(SettingsSource src) {
        Optional<Path> certFile = src.find(TLS_CERT);
        Optional<Path> keyFile = src.find(TLS_KEY);
        Optional<Path> clientCaFile = src.find(TLS_CLIENT_CA);
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new ConfigException("STOWAGE_TLS_CERT and STOWAGE_TLS_KEY go together: set both to serve TLS, or"
                    + " neither");
        }
        if (certFile.isEmpty()) {
            if (clientCaFile.isPresent()) {
                throw new ConfigException("STOWAGE_TLS_CLIENT_CA needs TLS: set STOWAGE_TLS_CERT and STOWAGE_TLS_KEY"
                        + " too, or unset it");
            }
            return Optional.empty();
        }
        List<X509Certificate> chain = read(TLS_CERT, certFile.get(), Pem::certificates);
        PrivateKey key = read(TLS_KEY, keyFile.get(), Pem::privateKey);
        if (!ServerTls.keyMatches(key, chain.get(0))) {
            throw new ConfigException("STOWAGE_TLS_KEY (" + keyFile.get() + ") is not the key of the certificate in"
                    + " STOWAGE_TLS_CERT (" + certFile.get() + "); the server certificate must come first in that"
                    + " file");
        }
        Optional<List<X509Certificate>> clientCas = clientCaFile.map(f -> read(TLS_CLIENT_CA, f, Pem::certificates));
        return Optional.of(new ServerTls(certFile.get(), chain, key, clientCas));
    }

    /** Reads a file named by a setting; a failure becomes a {@link ConfigException} naming the setting. */
    private static <T> T read(Setting<Path> setting, Path file, Function<Path, T> reader) {
        try {
            return reader.apply(file);
        } catch (IllegalArgumentException e) {
            String detail = e.getMessage();
            String where = detail.startsWith(file.toString()) ? "" : " (" + file + ")";
            throw new ConfigException(setting.env() + where + ": " + detail);
        }
    }

    /** The segment target size: off/0 for none, else a size up to 1GiB (a merged segment is built in memory). */
    private static int poolSize(String text) {
        int size = Values.positiveInt(text);
        if (size < 2) {
            throw new IllegalArgumentException("expected at least 2: a clean holds one connection for its lock"
                    + " while it works with another");
        }
        return size;
    }

    private static Optional<Long> bytesInFlight(String text) {
        if (text.trim().equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        long size = Values.dataSize(text.trim());
        if (size < 1024 * 1024) {
            throw new IllegalArgumentException("expected a size of at least 1MiB, such as 256MiB, or auto");
        }
        return Optional.of(size);
    }

    private static int zstdLevel(String text) {
        int level = Values.positiveInt(text);
        if (level > 19) {
            throw new IllegalArgumentException("expected a zstd level from 1 to 19");
        }
        return level;
    }

    private static long segmentTarget(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("off") || t.equals("0")) {
            return 0;
        }
        long size = Values.dataSize(t);
        if (size <= 0 || size > 1L << 30) {
            throw new IllegalArgumentException("expected a size from 1 byte to 1GiB, such as 64MiB, or off");
        }
        return size;
    }

    /** PostgreSQL takes a lock_timeout of at most 2^31-1 ms (about 24 days). */
    private static Optional<Duration> lockTimeout(String text) {
        Optional<Duration> timeout = Values.optionalDuration(text);
        if (timeout.isPresent() && timeout.get().compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("at most 24d, PostgreSQL's longest lock_timeout (or off)");
        }
        return timeout;
    }

    private static URI uri(String text) {
        URI uri = URI.create(text);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("expected a URL such as http://minio:9000");
        }
        return uri;
    }

    /** A copy with another gRPC port (tests and {@code stowage dev}). */
    public ServerConfig withGrpcPort(int port) {
        return new ServerConfig(grpcHost, port, httpAddress, httpPort, dataDir, dbUrl, dbUser, dbPassword, dbSchema, dbPoolSize, dbLockTimeout, s3,
                limits, clean, cleanInterval, ioThreads, shutdownGrace, tls, tokens, segmentFormat);
    }

    /** A copy with another port for metrics and health (tests and {@code stowage dev}). */
    public ServerConfig withHttpPort(int port) {
        return new ServerConfig(grpcHost, grpcPort, httpAddress, port, dataDir, dbUrl, dbUser, dbPassword, dbSchema, dbPoolSize, dbLockTimeout, s3,
                limits, clean, cleanInterval, ioThreads, shutdownGrace, tls, tokens, segmentFormat);
    }
}
