package io.stowage.export;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.client.StowageClient;
import io.stowage.s3.S3Bucket;
import io.stowage.s3.S3Settings;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.Msgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * A real api-server (PostgreSQL and files) holding a known set of Kafka records and CloudEvents,
 * and the export and import commands run against it as a person runs them.
 */
final class Archive implements AutoCloseable {
    static final String TOPIC = "alerts";
    /** 2024-05-01T10:00Z: the records are spread over three hours from here. */
    static final Instant BASE = Instant.parse("2024-05-01T10:00:00Z");
    static final long BASE_MS = BASE.toEpochMilli();

    final ArchiveServer server;
    final List<Message> records = new ArrayList<>();

    Archive(String testName, Path tempDir) {
        this.server = ArchiveServer.start(testName, ArchiveServer.Backend.FILES, tempDir, Map.of());
    }

    /** A client over the in-process channel; closing it leaves the channel open. */
    StowageClient client() {
        return StowageClient.builder("in-process").channel(server.channel()).build();
    }

    /**
     * 30 Kafka records of {@code TOPIC} over partitions 0 and 1 and hours 10, 11, 12: JSON values
     * with a magnitude, keys absent (every 3rd), empty (every 5th) or set, headers with a repeated
     * key and a null value, and a tombstone at offset 7; plus two CloudEvents of type "note".
     */
    Archive withRecords() {
        for (int i = 0; i < 30; i++) {
            int partition = i % 2;
            long ts = BASE_MS + (i / 10) * 3_600_000L + i * 1000L;
            Message.Builder m = Msgs.kafka("rec-" + i, TOPIC, partition, i);
            m.getKafkaBuilder().setTimestamp(ts);
            if (i % 3 == 0) {
                m.getKafkaBuilder().clearKey();
            } else if (i % 5 == 0) {
                m.getKafkaBuilder().setKey(ByteString.EMPTY);
            } else {
                m.getKafkaBuilder().setKey(ByteString.copyFromUtf8("k" + i));
            }
            m.getKafkaBuilder().addHeaders(Msgs.header("sensor", (i % 4 == 0 ? "north" : "south").getBytes(StandardCharsets.UTF_8)))
                    .addHeaders(Msgs.header("trace", null))
                    .addHeaders(Msgs.header("sensor", new byte[] {(byte) 0xff, 0}));
            if (i == 7) {
                m.getKafkaBuilder().setNullValue(true); // a tombstone: no value at all
            } else {
                m.setBinaryData(ByteString.copyFromUtf8("{\"mag\": " + (i % 10) + ", \"name\": \"ev" + i + "\"}"));
            }
            m.putAttributes("time", io.stowage.api.v1.AttributeValue.newBuilder()
                    .setCeTimestamp(io.stowage.common.message.Timestamps.fromMillis(ts)).build());
            records.add(m.build());
        }
        records.add(Msgs.event("note-1", TOPIC, "note", BASE.plusSeconds(60), "plain text"));
        records.add(Msgs.event("note-2", TOPIC, "note", BASE.plusSeconds(3 * 3600 + 5), "{\"mag\": 42}"));
        server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(records).build());
        return this;
    }

    /** Runs {@code stowage export ARGS}; returns the exit code. */
    int export(String... args) {
        return new CommandLine(ExportCommand.commandSpec(new ExportCommand(s -> client()))).execute(args);
    }

    /** Runs {@code stowage import ARGS}. */
    Run importFrom(String... args) {
        return run(new CommandLine(ImportCommand.commandSpec(new ImportCommand(s -> client()))), args);
    }

    /** Runs {@code stowage export ARGS}, keeping what it printed. */
    Run exportPrinting(String... args) {
        return run(new CommandLine(ExportCommand.commandSpec(new ExportCommand(s -> client()))), args);
    }

    /** Runs {@code stowage export ARGS} with {@code openBucket} reaching an {@code s3://} target. */
    Run exportPrinting(Function<S3Settings, S3Bucket> openBucket, String... args) {
        return run(new CommandLine(ExportCommand.commandSpec(new ExportCommand(s -> client(), openBucket))), args);
    }

    private static Run run(CommandLine cli, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A command's exit code and what it printed on standard output and error. */
    record Run(int exit, String out, String err) {}

    @Override
    public void close() {
        server.close();
    }
}
