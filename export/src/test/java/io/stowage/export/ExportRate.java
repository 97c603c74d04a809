package io.stowage.export;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.StreamStatus;
import io.stowage.client.StowageClient;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.message.Timestamps;
import io.stowage.embedded.LocalPostgres;
import io.stowage.embedded.LocalS3;
import io.stowage.s3.S3Bucket;
import io.stowage.s3.S3Settings;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.testing.Msgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Measures {@code stowage export} to Parquet: archives N Kafka-like records (JSON values of about
 * 300 bytes, a 16-byte key, two headers, 6 partitions, spread over 24 hours) through a real
 * api-server on a port, exports them over gRPC, and prints the rate and the sizes. Not a test:
 * run it by hand, e.g. {@code java -cp ... io.stowage.export.ExportRate 1000000 /tmp/rate} (add {@code reuse}
 * to export what an earlier run archived there).
 */
public final class ExportRate {
    private ExportRate() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"))) {
            ServerConfig config = ServerConfig.from(new SettingsSource(Map.of(), Map.of(
                    "STOWAGE_DATA_DIR", dir.resolve("data").toString(), "STOWAGE_GRPC_HOST", "127.0.0.1",
                    "STOWAGE_GRPC_PORT", "0", "STOWAGE_HTTP_PORT", "0", "STOWAGE_CLEAN_INTERVAL", "off")));
            StowageServer server = StowageServer.start(config, new JdbcTarget(pg.jdbcUrl(), pg.user(), pg.password()));
            String target = "127.0.0.1:" + server.port();
            try (StowageClient client = StowageClient.builder(target).build()) {
                List<String> options = List.of(args).subList(2, args.length);
                if (!options.contains("reuse")) {
                    archive(client, n);
                }
                StreamStatus st = client.status("bench").getStreams(0);
                long t2 = System.nanoTime();
                long scanned;
                try (Stream<io.stowage.api.v1.ScanResult> all = client.scan(io.stowage.api.v1.ScanRequest.newBuilder()
                        .setStream("bench").build())) {
                    scanned = all.count();
                }
                double scanSeconds = (System.nanoTime() - t2) / 1e9;
                System.out.printf("scan alone (the server's part, no writing): %,d messages in %.1f s = %,.0f msg/s%n",
                        scanned, scanSeconds, scanned / scanSeconds);
                Path out = dir.resolve("parquet");
                if (Files.exists(out)) {
                    ExportCommand.deleteTree(out);
                }
                long t1 = System.nanoTime();
                int code = new CommandLine(ExportCommand.commandSpec()).execute("--server", target, "--stream", "bench",
                        "--to", out.toString());
                report("export to a directory", code, st, (System.nanoTime() - t1) / 1e9, size(out));
                if (options.contains("s3")) {
                    exportToS3(target, st);
                }
            } finally {
                server.close();
            }
        }
    }

    /** The same export to S3Proxy (in memory, in this JVM) through the export's S3 target. */
    private static void exportToS3(String target, StreamStatus st) {
        try (LocalS3 s3 = LocalS3.startInMemory()) {
            s3.createBucket("rate");
            Function<S3Settings, S3Bucket> open = s -> S3Bucket.open(s, S3ExportTarget.NAMES, LocalS3.ACCESS_KEY,
                    LocalS3.SECRET_KEY);
            // twice, to other prefixes: the first run in a JVM also pays for loading the S3 client
            for (String prefix : List.of("first", "second")) {
                long t = System.nanoTime();
                int code = new CommandLine(ExportCommand.commandSpec(new ExportCommand(ServerConnection.DEFAULT, open)))
                        .execute("--server", target, "--stream", "bench", "--to", "s3://rate/" + prefix,
                                "--export-s3-endpoint", s3.endpoint().toString(), "--export-s3-path-style", "true");
                double seconds = (System.nanoTime() - t) / 1e9;
                long[] bytes = {0};
                try (S3Bucket b = open.apply(new S3Settings("rate", "", LocalS3.REGION, Optional.of(s3.endpoint()),
                        true))) {
                    b.list(prefix + "/", e -> bytes[0] += e.size());
                }
                report("export to S3Proxy (" + prefix + " run in this JVM)", code, st, seconds, bytes[0]);
            }
        }
    }

    private static void report(String what, int code, StreamStatus st, double s, long parquet) {
        System.out.printf("%s exit %d: %,d messages in %.1f s = %,.0f msg/s, %.1f MB/s of stored documents"
                + " (%.1f MB); segments %.1f MB; Parquet %.1f MB (%.0f%% of the segments)%n", what, code,
                st.getMessages(), s, st.getMessages() / s, st.getBytes() / 1e6 / s, st.getBytes() / 1e6,
                st.getSegmentBytes() / 1e6, parquet / 1e6, 100.0 * parquet / st.getSegmentBytes());
    }

    private static void archive(StowageClient client, int n) {
        long t0 = System.nanoTime();
        List<Message> batch = new ArrayList<>(1000);
        for (int i = 0; i < n; i++) {
            batch.add(record(i, n));
            if (batch.size() == 1000) {
                client.put(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            client.put(batch);
        }
        System.out.printf("archived %,d records in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    private static Message record(int i, int n) {
        long ts = 1_714_521_600_000L + (long) i * 86_400_000L / n;
        String value = "{\"alert_id\":\"" + i + "\",\"ra\":" + (i % 360) + ".123456,\"dec\":" + (i % 180 - 90)
                + ".654321,\"mag\":" + (i % 23) + ".5,\"instrument\":\"ZTF\",\"band\":\"" + "gri".charAt(i % 3)
                + "\",\"classification\":{\"sn\":0." + (i % 97) + ",\"agn\":0." + (i % 89)
                + "},\"notes\":\"candidate transient from the nightly survey, seen twice\"}";
        Message.Builder m = Msgs.kafka(String.format("bench-%09d", i), "bench", i % 6, i / 6);
        m.getKafkaBuilder().setTimestamp(ts).setKey(ByteString.copyFrom(Msgs.randomBytes(16, i)))
                .addHeaders(Msgs.header("content-type", "application/json".getBytes(StandardCharsets.UTF_8)))
                .addHeaders(Msgs.header("sensor", ("s" + i % 50).getBytes(StandardCharsets.UTF_8)));
        m.putAttributes("time", AttributeValue.newBuilder().setCeTimestamp(Timestamps.fromMillis(ts)).build());
        return m.setBinaryData(ByteString.copyFromUtf8(value)).build();
    }

    private static long size(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
