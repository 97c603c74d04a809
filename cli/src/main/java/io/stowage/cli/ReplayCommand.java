package io.stowage.cli;

import com.google.protobuf.Timestamp;
import io.stowage.api.v1.CountRequest;
import io.stowage.api.v1.PartitionCount;
import io.stowage.api.v1.ScanOrder;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import io.stowage.common.message.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage replay}: restore an archived stream into Kafka, record for record. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Produce the archived records of a stream to Kafka with their exact key, value (tombstones stay"
                + " tombstones), headers (order, duplicates, nulls) and timestamp, each partition in original offset order,"
                + " with an idempotent producer. Shows progress with rate and ETA and a summary at the end.",
            "Resumable: it keeps a checkpoint file while it runs; after an interruption (Ctrl-C, SIGTERM, a crash) the"
                + " same command continues after the last records Kafka acknowledged. After a crash, records sent since"
                + " the last checkpoint (at most a few thousand) may be sent again.",
            "Never doubles a topic: a finished replay run again sends nothing, and a target topic that already holds"
                + " records is refused unless --append is given (or the same replay resumes from its checkpoint).",
            "With --json, progress and the summary are JSON objects on standard output, one per line."})
final class ReplayCommand extends ClientCommand {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--stream", required = true, description = "The archived topic (stream) to restore.")
    String stream;

    @Option(names = "--to-topic", paramLabel = "NAME", description = "Produce to this topic instead of the stream's own name.")
    String toTopic;

    @Option(names = "--from", converter = Times.class, description = "Only records at or after this time (2024-05-01 or 2024-05-01T12:00:00Z).")
    Instant from;

    @Option(names = "--to", converter = Times.class, description = "Only records before this time.")
    Instant to;

    @Option(names = "--type", description = "Only records of this type.")
    String type;

    @Option(names = "--keep-partitions", description = "Send each record to its original partition number (the topic"
            + " is created with enough partitions if missing). Without it the producer's partitioner picks by key.")
    boolean keepPartitions;

    @Option(names = "--dry-run", description = "Count what would be replayed, per partition, and produce nothing.")
    boolean dryRun;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint file (default: .stowage-replay-<stream>-<topic>.checkpoint in this directory).")
    Path checkpoint;

    @Option(names = "--restart", description = "Ignore an existing checkpoint and start from the beginning.")
    boolean restart;

    @Option(names = "--limit", defaultValue = "0",
            description = "Replay at most this many records now (0: all); run again to continue from the checkpoint.")
    long limit;

    @Option(names = "--append", description = "Replay into a topic that already holds records, adding the archived"
            + " records after them. Without it such a topic is refused, so that a restore never doubles a topic.")
    boolean append;

    @Override
    int run(StowageClient client, Output out) throws Exception {
        String topic = toTopic != null ? toTopic : stream;
        Path checkpointFile = checkpoint != null ? checkpoint
                : Path.of(".stowage-replay-" + safe(stream) + "-" + safe(topic) + ".checkpoint");
        Properties kafkaProperties = kafka.properties();
        try (TargetTopic target = TargetTopic.open(kafkaProperties, topic)) {
            String identity = stream + " -> " + topic + "@" + target.clusterId() + (type == null ? "" : " type=" + type)
                    + (from == null ? "" : " from=" + from) + (to == null ? "" : " to=" + to)
                    + (keepPartitions ? " keep" : "");
            if (restart) {
                Files.deleteIfExists(checkpointFile);
            }
            Optional<ReplayCheckpoint> resumeFrom = ReplayCheckpoint.load(checkpointFile, identity);
            if (resumeFrom.isPresent() && resumeFrom.get().complete()) {
                return alreadyComplete(out, target, resumeFrom.get(), checkpointFile);
            }
            resumeFrom.ifPresent(c -> out.note("resuming after " + c.replayed() + " records (checkpoint " + checkpointFile
                    + ")"));
            String cursor = resumeFrom.map(ReplayCheckpoint::cursor).orElse("");

            Census census = census(client, cursor);
            out.note(String.format("%,d records to replay from %s to %s %s", census.records, stream, target.describe(),
                    census.perPartition));
            long held = target.records();
            String refusal = held > 0 && resumeFrom.isEmpty() && !append ? refusal(target, held, census) : null;
            if (dryRun) {
                out.text(String.format("dry run: would replay %,d records (%s) to %s", census.records,
                        Output.bytes(census.bytes), topic));
                if (refusal != null) {
                    out.note(refusal);
                }
                return StowageCommand.ExitCodes.OK;
            }
            if (refusal != null) {
                throw new InvalidInputException(refusal);
            }
            Replayer replayer = new Replayer(kafkaProperties, target, keepPartitions, checkpointFile, identity,
                    resumeFrom.map(ReplayCheckpoint::replayed).orElse(0L), out.json);
            Replayer.Outcome outcome;
            try (Stream<ScanResult> results = client.scan(request(cursor, limit))) {
                outcome = replayer.replay(results, census, limit);
            }
            if (out.json) {
                out.out.println(outcome.json(stream, topic));
            } else {
                out.text(outcome.summary());
            }
            return outcome.interrupted() ? StowageCommand.ExitCodes.INTERRUPTED : StowageCommand.ExitCodes.OK;
        }
    }

    /** Why a replay into a topic that holds records needs --append, and what to type instead. */
    private String refusal(TargetTopic target, long held, Census census) {
        return String.format("%s already holds %,d records; replaying would add %,d archived records after them,"
                + " so the topic would hold both. Restore into a new or empty topic with --to-topic NAME (or into an empty"
                + " cluster with --bootstrap), or add --append to add them anyway.", target.describe(), held,
                census.records);
    }

    private int alreadyComplete(Output out, TargetTopic target, ReplayCheckpoint done, Path checkpointFile) {
        if (out.json) {
            out.out.println(Output.JSON.createObjectNode().put("event", "complete").put("stream", stream)
                    .put("topic", target.name()).put("records", done.replayed()).put("checkpoint",
                            checkpointFile.toString()).toString());
        } else {
            out.text(String.format("this replay is already complete: %,d records were sent from %s to %s (checkpoint %s);"
                    + " nothing sent. To send them again, add --restart --append.", done.replayed(), stream,
                    target.describe(), checkpointFile));
        }
        return StowageCommand.ExitCodes.OK;
    }

    /**
     * What is left to replay (after {@code cursor}, the same records as the scan that sends them):
     * the server counts it from its index (Count), no id travels.
     */
    private Census census(StowageClient client, String cursor) {
        CountRequest.Builder req = CountRequest.newBuilder().setStream(stream).setCursor(cursor);
        range(req::setType, req::setFrom, req::setTo);
        Census c = new Census();
        for (PartitionCount p : client.count(req.build()).getPartitionsList()) {
            c.records += p.getMessages();
            c.bytes += p.getBytes();
            c.perPartition.put(p.getKafkaPartition(), p.getMessages());
            c.maxPartition = Math.max(c.maxPartition, p.getKafkaPartition());
            c.oldestMillis = Math.min(c.oldestMillis, Timestamps.toInstant(p.getOldestTime()).toEpochMilli());
        }
        return c;
    }

    private ScanRequest request(String cursor, long max) {
        ScanRequest.Builder req = ScanRequest.newBuilder().setStream(stream).setOrder(ScanOrder.SCAN_ORDER_KAFKA_OFFSET)
                .setCursor(cursor).setLimit((int) Math.min(Integer.MAX_VALUE, Math.max(0, max)));
        range(req::setType, req::setFrom, req::setTo);
        return req.build();
    }

    /** The replay's type and time range, set alike on the Scan that sends and the Count that plans. */
    private void range(Consumer<String> setType, Consumer<Timestamp> setFrom, Consumer<Timestamp> setTo) {
        if (type != null) {
            setType.accept(type);
        }
        if (from != null) {
            setFrom.accept(Timestamps.fromInstant(from));
        }
        if (to != null) {
            setTo.accept(Timestamps.fromInstant(to));
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** How many records are left, per partition. */
    static final class Census {
        long records;
        long bytes;
        int maxPartition = -1;
        long oldestMillis = Long.MAX_VALUE;
        final TreeMap<Integer, Long> perPartition = new TreeMap<>();
    }
}
