package io.stowage.export;

import io.stowage.client.StowageClient;
import io.stowage.common.config.ClientSettings;
import io.stowage.common.config.ConfigException;
import io.stowage.common.config.Setting;
import io.stowage.s3.S3Bucket;
import io.stowage.s3.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stowage export}: a range of the archive to Parquet files or to a MongoDB collection. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Export archived messages so that other tools can query them: to Parquet files for SQL engines"
                    + " (DuckDB, Spark, Trino, Athena...) or into a MongoDB collection.",
            "",
            "Choose one or more streams (a name, or a pattern with * and ?), optionally one type, and a time"
                    + " range. Only live messages are exported, as Scan returns them: deleted ones are not, and those"
                    + " past retention are gone once a clean has run (run 'stowage clean' first to be sure). The"
                    + " server scans the archive; this command writes.",
            "",
            "Parquet (--to DIR): files laid out like the archive,"
                    + " DIR/stream=<stream>/type=<type>/dt=YYYY-MM-DD/hr=HH/part-00000.parquet, one or more files per"
                    + " hour (see --file-size). Columns: id, stream, type, source, spec_version, time, attributes"
                    + " (map of strings), data (bytes), data_text (the data when it is UTF-8 text), data_proto_type,"
                    + " and for Kafka records topic, kafka_partition, kafka_offset, kafka_timestamp,"
                    + " kafka_timestamp_type, key (null vs empty kept), headers (ordered list of {key, value}, value"
                    + " null vs empty kept), tombstone; stored_size. The range is widened to whole hours and each hour"
                    + " is written to temporary files and moved into place when complete, so running the same export"
                    + " again gives the same files (and removes hours whose messages have since been deleted).",
            "",
            "S3 (--to s3://bucket/prefix): the same files, written to a local temporary directory, uploaded to"
                    + " prefix/stream=.../hr=HH/part-NNNNN.parquet and deleted locally. Each upload counts only when the"
                    + " store proves it holds the bytes sent (Content-MD5 and the ETag by default); a run again gives the"
                    + " same objects, and with md5 skips those the bucket already holds. The bucket must exist."
                    + " Endpoint, region, path style and checksum: the --export-s3-* options or STOWAGE_EXPORT_S3_*;"
                    + " credentials from the AWS default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile,"
                    + " web identity or an instance role).",
            "",
            "MongoDB (--to mongodb://host/db.collection): each message's stored document, with _id = the"
                    + " message id, replaced by id (a run again overwrites, never duplicates); data that is JSON is"
                    + " also stored as a subdocument in data_json, so its fields can be queried and indexed.",
            ""},
        footer = {"", "Examples:",
            "  stowage export --stream alerts --since 2024-05-01 --to ./parquet",
            "  stowage export --stream 'gcn.*' --type kafka.record --to ./parquet",
            "  stowage export --stream alerts --to s3://lake/stowage --export-s3-endpoint http://minio:9000"
                    + " --export-s3-path-style true",
            "  stowage export --stream alerts --to mongodb://localhost/archive.alerts",
            "  duckdb -c \"SELECT type, count(*) FROM 'parquet/**/*.parquet' GROUP BY 1\""})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "<stream>",
            description = "A stream (Kafka topic, or the source of messages put directly), or a pattern with * and ?"
                    + " matched against the archive's streams. Repeat for more.")
    List<String> streams;

    @Option(names = "--type", description = "Only messages of this type.")
    String type;

    @Option(names = "--since", converter = Times.class,
            description = "Only messages at or after this time (2024-05-01 or 2024-05-01T12:00:00Z), rounded down to"
                    + " the hour. Default: the beginning.")
    Instant since;

    @Option(names = "--until", converter = Times.class,
            description = "Only messages before this time, rounded up to the hour. Default: the end.")
    Instant until;

    @Option(names = "--to", required = true, paramLabel = "<dir|s3-uri|mongodb-uri>",
            description = "Where to write: a local directory or s3://bucket/prefix for Parquet files, or"
                    + " mongodb://host[:port]/database.collection (any MongoDB connection string whose path names"
                    + " database.collection).")
    String target;

    @Option(names = "--file-size", defaultValue = "256", paramLabel = "<MB>",
            description = "Start a new Parquet file in the hour partition after this many megabytes. Default: 256.")
    long fileSizeMb;

    @Option(names = "--row-group-size", defaultValue = "64", paramLabel = "<MB>",
            description = "Parquet row group size in megabytes (what a reader reads at once). Default: 64.")
    long rowGroupMb;

    @Option(names = "--compression", defaultValue = "zstd",
            description = "Parquet compression: zstd, snappy, gzip or none. Default: zstd.")
    String compression;

    @Option(names = "--batch", defaultValue = "500",
            description = "MongoDB: messages fetched and written per round trip. Default: 500.")
    int batch;

    private final Function<ClientSettings, StowageClient> connect;
    private final Function<S3Settings, S3Bucket> openBucket;

    public ExportCommand() {
        this(ServerConnection.DEFAULT);
    }

    /** With {@code connect} making the client from the settings (tests reach an in-process server). */
    public ExportCommand(Function<ClientSettings, StowageClient> connect) {
        this(connect, s -> S3Bucket.open(s, S3ExportTarget.NAMES));
    }

    /** And with {@code openBucket} reaching an S3 target (tests sign with their server's keys). */
    public ExportCommand(Function<ClientSettings, StowageClient> connect, Function<S3Settings, S3Bucket> openBucket) {
        this.connect = connect;
        this.openBucket = openBucket;
    }

    /** The command with the client settings ({@code --server}, token, TLS) as options. */
    public static CommandSpec commandSpec() {
        return commandSpec(new ExportCommand());
    }

    public static CommandSpec commandSpec(ExportCommand command) {
        return ServerConnection.withOptions(ServerConnection.withClientOptions(CommandSpec.forAnnotatedObject(command)),
                S3ExportTarget.SETTINGS);
    }

    /** The settings of an export to S3, for the README's table. */
    public static List<Setting<?>> s3Settings() {
        return S3ExportTarget.SETTINGS;
    }

    @Override
    public Integer call() throws Exception {
        ExportRange range = ExportRange.of(streams, type, since, until);
        boolean mongo = target.startsWith("mongodb://") || target.startsWith("mongodb+srv://");
        boolean s3 = S3ExportTarget.isS3(target);
        if (target.contains("://") && !mongo && !s3) {
            throw new ConfigException("--to " + target + ": use a local directory, s3://bucket/prefix or a mongodb:// URI");
        }
        S3Settings s3Settings = s3 ? S3ExportTarget.parse(target,
                ServerConnection.source(spec.commandLine().getParseResult(), S3ExportTarget.SETTINGS)) : null;
        if (fileSizeMb < 1 || rowGroupMb < 1 || batch < 1) {
            throw new ConfigException("--file-size, --row-group-size and --batch must be at least 1");
        }
        try (StowageClient client = connect.apply(ServerConnection.settings(spec.commandLine().getParseResult()))) {
            if (mongo) {
                MongoExport.Summary s = new MongoExport(client, MongoTarget.parse(target), batch,
                        Progress.onStderr("export")).run(range);
                spec.commandLine().getOut().printf("%,d messages written to %s (%,d new, %,d replaced)%n",
                        s.messages(), MongoTarget.parse(target).describe(), s.inserted(), s.replaced());
            } else if (s3) {
                toS3(client, range, s3Settings);
            } else {
                ParquetExport.Summary s = new ParquetExport(client, Path.of(target), format(),
                        Progress.onStderr("export")).run(range);
                spec.commandLine().getOut().printf("%,d messages (%,.1f MB stored) in %,d hour partitions under %s%s%n",
                        s.messages(), s.bytes() / 1e6, s.partitions(), target,
                        s.removedPartitions() > 0 ? String.format("; %,d emptied hours removed", s.removedPartitions()) : "");
            }
        }
        return 0;
    }

    private void toS3(StowageClient client, ExportRange range, S3Settings settings) throws IOException {
        Path work = Files.createTempDirectory("stowage-export-");
        // Ctrl-C ends the JVM without running finally blocks: the unfinished files go with it all the same
        Thread cleanUp = new Thread(() -> deleteQuietly(work), "export-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try (S3Bucket bucket = openBucket.apply(settings)) {
            bucket.checkAccess();
            S3Destination destination = new S3Destination(bucket);
            ParquetExport.Summary s = new ParquetExport(client, work, format(), Progress.onStderr("export"), destination)
                    .run(range);
            spec.commandLine().getOut().printf("%,d messages (%,.1f MB stored) in %,d hour partitions under %s"
                    + " (%,d files uploaded, %,d already there)%s%n", s.messages(), s.bytes() / 1e6, s.partitions(),
                    destination.describe(), destination.uploaded(), destination.unchanged(),
                    s.removedPartitions() > 0 ? String.format("; %,d emptied hours removed", s.removedPartitions()) : "");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException ending) {
                // the JVM is shutting down: the hook removes the files
            }
            deleteTree(work);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException | RuntimeException e) {
            // the JVM is ending; a temporary directory left behind is no reason to fail
        }
    }

    private PartitionFiles.Format format() {
        return new PartitionFiles.Format(fileSizeMb << 20, rowGroupMb << 20, codec());
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private CompressionCodecName codec() {
        return switch (compression.toLowerCase(Locale.ROOT)) {
            case "zstd" -> CompressionCodecName.ZSTD;
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "gzip" -> CompressionCodecName.GZIP;
            case "none", "uncompressed" -> CompressionCodecName.UNCOMPRESSED;
            default -> throw new ConfigException("--compression " + compression + ": use zstd, snappy, gzip or none");
        };
    }
}
