package io.stowage.cli;

import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.ScanResult;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces archived records back to Kafka exactly, in scan order (partition by partition, by
 * offset), checkpointing after every flush so an interrupted replay resumes where Kafka had
 * acknowledged everything.
 */
final class Replayer {
    private static final int CHECKPOINT_EVERY = 5_000;

    private final Properties kafka;
    private final TargetTopic target;
    private final String topic;
    private final boolean keepPartitions;
    private final Path checkpointFile;
    private final String identity;
    private final long alreadyReplayed;
    private final boolean json;
    private final AtomicBoolean stop = new AtomicBoolean();

    Replayer(Properties kafka, TargetTopic target, boolean keepPartitions, Path checkpointFile, String identity,
            long alreadyReplayed, boolean json) {
        this.kafka = kafka;
        this.target = target;
        this.topic = target.name();
        this.json = json;
        this.keepPartitions = keepPartitions;
        this.checkpointFile = checkpointFile;
        this.identity = identity;
        this.alreadyReplayed = alreadyReplayed;
    }

    Outcome replay(Stream<ScanResult> results, ReplayCommand.Census census, long limit) throws Exception {
        if (census.records == 0) {
            if (alreadyReplayed > 0) {
                markComplete(null); // the last run ended exactly at the end
            }
            return new Outcome(0, 0, new TreeMap<>(), false, false, 0);
        }
        boolean created = target.ensure(census.maxPartition + 1, keepPartitions);
        if (census.oldestMillis < Long.MAX_VALUE) {
            target.keepRecordsSince(census.oldestMillis, created);
        }
        CountDownLatch finished = new CountDownLatch(1);
        Shutdown.onStop("stowage-replay-stop", () -> {
            stop.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS); // let it flush and checkpoint
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long total = limit > 0 ? Math.min(limit, census.records) : census.records;
        Progress progress = new Progress("replayed", total, json);
        AtomicReference<Exception> failure = new AtomicReference<>();
        TreeMap<Integer, Long> perPartition = new TreeMap<>();
        long bytes = 0;
        long sent = 0;
        String lastCursor = null;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                ArchivedRecords.producerProperties(kafka, "stowage-replay"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            var it = results.iterator();
            while (it.hasNext() && !stop.get()) {
                if (failure.get() != null) {
                    break; // nothing after a refused record: the checkpoint stays before it
                }
                ScanResult r = it.next();
                KafkaRecord k = r.getMsg().getKafka();
                ProducerRecord<byte[], byte[]> record = ArchivedRecords.toRecord(r.getMsg(), topic,
                        keepPartitions ? k.getPartition() : null);
                producer.send(record, (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                sent++;
                bytes += ArchivedRecords.size(record);
                perPartition.merge(k.getPartition(), 1L, Long::sum);
                lastCursor = r.getCursor();
                progress.advance(1);
                if (sent % CHECKPOINT_EVERY == 0) {
                    checkpoint(producer, failure, lastCursor, sent);
                }
            }
            if (lastCursor != null) {
                checkpoint(producer, failure, lastCursor, sent); // throws if Kafka refused a record
            }
        } finally {
            finished.countDown();
        }
        progress.finish();
        boolean interrupted = stop.get();
        boolean more = interrupted || sent < census.records;
        if (!more) {
            markComplete(lastCursor);
        }
        return new Outcome(sent, bytes, perPartition, interrupted, more, progress.ratePerSecond());
    }

    /** Waits until Kafka has acknowledged everything sent, then records how far we are. */
    private void checkpoint(KafkaProducer<byte[], byte[]> producer, AtomicReference<Exception> failure, String cursor,
            long sent) throws Exception {
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka refused a record: " + failure.get().getMessage()
                    + "; the checkpoint keeps the last acknowledged position, run again to resume", failure.get());
        }
        new ReplayCheckpoint(identity, cursor, alreadyReplayed + sent, false).save(checkpointFile);
    }

    /** Kept, so that the same command run again says it is done instead of sending everything again. */
    private void markComplete(String cursor) throws java.io.IOException {
        long replayed = ReplayCheckpoint.load(checkpointFile, identity).map(ReplayCheckpoint::replayed)
                .orElse(alreadyReplayed);
        new ReplayCheckpoint(identity, cursor == null ? "" : cursor, replayed, true).save(checkpointFile);
    }

    /** What a replay did. */
    record Outcome(long records, long bytes, TreeMap<Integer, Long> perPartition, boolean interrupted, boolean more,
            double rate) {
        String summary() {
            String head = String.format("replayed %,d records (%s) at %,.0f records/s; per partition %s", records,
                    Output.bytes(bytes), rate, perPartition);
            if (interrupted) {
                return head + "\ninterrupted: run the same command again to resume after the last checkpoint";
            }
            return more ? head + "\nstopped at --limit: run the same command again to continue" : head;
        }

        /** The summary as one JSON object, for --json. */
        String json(String stream, String topic) {
            var node = Output.JSON.createObjectNode().put("event", "summary").put("stream", stream).put("topic", topic)
                    .put("records", records).put("bytes", bytes).put("rate_per_second", Math.round(rate * 10) / 10.0)
                    .put("interrupted", interrupted).put("complete", !more);
            var parts = node.putObject("per_partition");
            perPartition.forEach((p, n) -> parts.put(String.valueOf(p), n));
            return node.toString();
        }
    }
}
