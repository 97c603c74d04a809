package io.stowage.ingest;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.api.v1.Rejection;
import io.stowage.client.StowageException;
import io.stowage.common.kafka.RecordMapper;
import io.stowage.common.message.ContentDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores batches through PutBatch on a few threads of its own, retrying until the server takes
 * them. A record whose id is taken by other content is stored again under its Kafka-derived id,
 * keeping the id it asked for as an attribute: never dropped. A record the server calls invalid is
 * found by splitting the batch, logged with where it is in Kafka, and skipped.
 */
final class BatchSender implements BatchSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchSender.class);

    private final PutBatchCall server;
    private final RecordMapper mapper;
    private final IngestMetrics metrics;
    private final ExecutorService pool;

    BatchSender(PutBatchCall server, RecordMapper mapper, IngestMetrics metrics, int threads) {
        this.server = server;
        this.mapper = mapper;
        this.metrics = metrics;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "stowage-ingest-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Stores {@code batch} in the background; the outcome is "stored" once it is all stored (or its
     * invalid records skipped), "given up" only if we are stopping.
     */
    @Override
    public void send(Batch batch, Outcome outcome) {
        pool.execute(() -> {
            long started = System.nanoTime();
            for (int attempt = 1; ; attempt++) {
                try {
                    store(batch.messages, batch.topicIds, Naming.ASKED);
                    break;
                } catch (StowageException e) {
                    // only an interrupted retry gets here: every answer of the server is dealt with below
                    log.info("Gave up a batch of {} records ({}); they will be consumed again", batch.size(),
                            e.getMessage());
                    outcome.settled(batch, false);
                    return;
                } catch (RuntimeException e) {
                    // not the server's answer: a fault of ours; keep the records and try again
                    log.error("Storing a batch of {} records failed unexpectedly; retrying", batch.size(), e);
                    try {
                        Thread.sleep(Math.min(30_000, 1000L * attempt));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        outcome.settled(batch, false);
                        return;
                    }
                }
            }
            metrics.batch(Duration.ofNanos(System.nanoTime() - started));
            metrics.bytesStored(batch.bytes);
            outcome.settled(batch, true);
        });
    }

    /** Under which id a record is being stored: the one it asked for, its Kafka-derived one, or a last resort. */
    private enum Naming { ASKED, DERIVED, UNIQUE }

    private void store(List<Message> msgs, List<String> topicIds, Naming naming) {
        PutBatchResponse rsp;
        try {
            rsp = server.putBatch(msgs);
        } catch (StowageException e) {
            if (e.code() != Status.Code.INVALID_ARGUMENT) {
                throw e; // interrupted: we are stopping
            }
            storeAroundInvalid(msgs, topicIds, naming, e);
            return;
        }
        countStored(msgs, rsp.getAckCount());
        if (rsp.getRejectedCount() > 0) {
            storeRejectedUnderOtherIds(msgs, topicIds, rsp.getRejectedList(), naming);
        }
    }

    /** Splits the batch until the invalid records are alone, stores the rest. */
    private void storeAroundInvalid(List<Message> msgs, List<String> topicIds, Naming naming, StowageException e) {
        if (msgs.size() == 1) {
            Message m = msgs.get(0);
            metrics.invalid();
            log.error("The server refuses record {}-{}@{} (id '{}') as invalid: {}. It is skipped; fix the server's"
                    + " limits (STOWAGE_MAX_MESSAGE_BYTES) and re-consume it if it must be archived",
                    m.getKafka().getTopic(), m.getKafka().getPartition(), m.getKafka().getOffset(), m.getId(),
                    e.getMessage());
            return;
        }
        int half = msgs.size() / 2;
        store(msgs.subList(0, half), topicIds.subList(0, half), naming);
        store(msgs.subList(half, msgs.size()), topicIds.subList(half, msgs.size()), naming);
    }

    /**
     * Records whose id is taken by other content: stored under their Kafka-derived id (keeping the
     * id they asked for as an attribute), and should even that be taken (a re-created topic with a
     * recycled id, a changed cluster id), under that id with a digest of their content appended.
     */
    private void storeRejectedUnderOtherIds(List<Message> msgs, List<String> topicIds, List<Rejection> rejected,
            Naming naming) {
        List<Message> again = new ArrayList<>();
        List<String> againTopics = new ArrayList<>();
        String example = null;
        for (Rejection r : rejected) {
            Message m = msgs.get(r.getIndex());
            Message renamed = switch (naming) {
                case ASKED -> mapper.withDerivedId(m, topicIds.get(r.getIndex()));
                case DERIVED -> m.toBuilder()
                        .setId(m.getId() + "-" + HexFormat.of().formatHex(ContentDigest.of(m), 0, 8)).build();
                case UNIQUE -> null;
            };
            if (renamed == null) {
                log.error("Record {}-{}@{} could not be stored under any id: {}", m.getKafka().getTopic(),
                        m.getKafka().getPartition(), m.getKafka().getOffset(), r.getReason());
                continue;
            }
            if (example == null) {
                example = "id '" + m.getId() + "' of record " + m.getKafka().getTopic() + "-"
                        + m.getKafka().getPartition() + "@" + m.getKafka().getOffset() + " is stored as '"
                        + renamed.getId() + "'";
            }
            again.add(renamed);
            againTopics.add(topicIds.get(r.getIndex()));
        }
        if (example != null) {
            // one line per batch, not per record: replaying an archive into a watched topic renames every record
            metrics.conflicts(again.size());
            log.info("{} records of a batch of {} have ids taken by other content and are stored under other ids;"
                    + " for example {}", again.size(), msgs.size(), example);
        }
        if (!again.isEmpty()) {
            store(again, againTopics, naming == Naming.ASKED ? Naming.DERIVED : Naming.UNIQUE);
        }
    }

    private void countStored(List<Message> msgs, long acked) {
        if (acked == 0 || msgs.isEmpty()) {
            return;
        }
        // Per topic: batches are mostly one topic; attribute the acknowledged count in order. The
        // topic's bytes are compared, not its text: the mapper gives every record of a topic the same bytes.
        ByteString topic = msgs.get(0).getKafka().getTopicBytes();
        long run = 0;
        long left = acked;
        for (Message m : msgs) {
            ByteString t = m.getKafka().getTopicBytes();
            if (!t.equals(topic)) {
                metrics.stored(topic.toStringUtf8(), Math.min(run, left));
                left -= Math.min(run, left);
                topic = t;
                run = 0;
            }
            run++;
        }
        metrics.stored(topic.toStringUtf8(), Math.min(run, left));
    }

    /** Stops: batches still retrying are given up (interrupted) after {@code wait}. */
    @Override
    public void close(Duration wait) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
