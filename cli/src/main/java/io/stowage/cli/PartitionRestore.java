package io.stowage.cli;

import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Restores one archived partition into the same partition number of the target topic, in
 * original offset order, and keeps its checkpoint: every few thousand records it waits until
 * Kafka has acknowledged the last one sent (the idempotent producer keeps a partition in order,
 * so that acknowledges everything before it too) and then saves where it got to.
 */
final class PartitionRestore implements Callable<PartitionRestore.Result> {
    static final int CHECKPOINT_EVERY = 5_000;

    /** What this run did for the partition; {@code complete} once every record up to --until is in. */
    record Result(String topic, int partition, long records, long bytes, RestoreCheckpoint checkpoint, boolean complete) {}

    /** What all partitions of a restore share: the producer, the way to stop, the budget of --limit. */
    record Shared(StowageClient client, Producer<byte[], byte[]> producer, RestoreProgress progress, AtomicBoolean stop,
            AtomicLong budget, Instant until) {}

    private final Shared shared;
    private final String stream;
    private final String topic;
    private final int partition;
    private final Path checkpointFile;
    private final long inTarget;
    private RestoreCheckpoint checkpoint;

    /**
     * @param inTarget records after the checkpoint that the target partition already holds (sent
     *                 by a run that was killed before it could save its checkpoint): skipped, not sent again
     */
    PartitionRestore(Shared shared, String stream, String topic, int partition, Path checkpointFile,
            RestoreCheckpoint checkpoint, long inTarget) {
        this.shared = shared;
        this.stream = stream;
        this.topic = topic;
        this.partition = partition;
        this.checkpointFile = checkpointFile;
        this.checkpoint = checkpoint;
        this.inTarget = inTarget;
    }

    @Override
    public Result call() throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long records = 0;
        long bytes = 0;
        long sinceCheckpoint = 0;
        long skipped = 0;
        String cursor = checkpoint.cursor();
        Future<RecordMetadata> last = null;
        boolean exhausted;
        try (Stream<ScanResult> results = shared.client().scan(RestorePlan.scan(stream, partition, shared.until(),
                checkpoint.cursor(), false))) {
            Iterator<ScanResult> it = results.iterator();
            while (true) {
                if (shared.stop().get() || failure.get() != null || !it.hasNext()) {
                    break;
                }
                if (skipped < inTarget) {
                    cursor = it.next().getCursor(); // already in the target: Kafka acknowledged it before the crash
                    skipped++;
                    sinceCheckpoint++;
                    continue;
                }
                if (shared.budget().getAndDecrement() <= 0) {
                    break; // --limit: the rest waits for the next run
                }
                ScanResult r = it.next();
                ProducerRecord<byte[], byte[]> record = ArchivedRecords.toRecord(r.getMsg(), topic, partition);
                last = shared.producer().send(record, (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                long size = ArchivedRecords.size(record);
                records++;
                bytes += size;
                sinceCheckpoint++;
                cursor = r.getCursor();
                shared.progress().add(topic, 1, size);
                if (sinceCheckpoint == CHECKPOINT_EVERY) {
                    checkpoint(last, failure, cursor, sinceCheckpoint);
                    sinceCheckpoint = 0;
                }
            }
            exhausted = failure.get() == null && !shared.stop().get() && !it.hasNext();
        }
        if (sinceCheckpoint > 0) {
            checkpoint(last, failure, cursor, sinceCheckpoint); // throws if Kafka refused a record
        }
        if (exhausted) {
            checkpoint = checkpoint.completed();
            checkpoint.save(checkpointFile);
        }
        return new Result(topic, partition, records, bytes, checkpoint, exhausted);
    }

    private void checkpoint(Future<RecordMetadata> last, AtomicReference<Exception> failure, String cursor, long sent)
            throws Exception {
        try {
            if (last != null) {
                last.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            failure.compareAndSet(null, e.getCause() instanceof Exception cause ? cause : e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka refused a record of " + topic + "-" + partition + ": "
                    + failure.get().getMessage() + "; the checkpoint keeps the last acknowledged position, run again to"
                    + " resume", failure.get());
        }
        checkpoint = checkpoint.advance(cursor, sent);
        checkpoint.save(checkpointFile);
    }
}
