package io.stowage.ingest;

import io.stowage.api.v1.Message;
import io.stowage.common.kafka.KafkaClientProperties;
import io.stowage.common.kafka.RecordMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop. One thread owns the KafkaConsumer: it polls, maps records into batches, hands
 * full (or lingering) batches to the {@link BatchSender}, and commits offsets only for records
 * whose batch is acknowledged and whose predecessors in the partition are too.
 *
 * <p>While too much is unacknowledged (the server is down, or slow) it pauses its partitions and
 * keeps polling, so it stays in the group without fetching more. On a rebalance it sends what it
 * has, waits a bounded time for the batches in flight and commits what was acknowledged for the
 * partitions it loses; what was not acknowledged is consumed again by the next owner, and stored
 * once thanks to idempotent puts.
 */
public final class IngestWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IngestWorker.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long LAG_EVERY_MS = 5_000;

    private final IngestConfig config;
    private final KafkaCluster cluster;
    private final BatchSender sender;
    private final RecordMapper mapper;
    private final IngestMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OffsetTracker offsets = new OffsetTracker();
    private final ConcurrentLinkedQueue<Batch> completed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlightBatches = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile long lastPollNanos = System.nanoTime();
    private final java.util.ArrayDeque<Batch> ready = new java.util.ArrayDeque<>();
    private Batch open = new Batch();
    private boolean paused;
    private long lastLagUpdate;

    IngestWorker(IngestConfig config, KafkaCluster cluster, BatchSender sender, RecordMapper mapper,
            IngestMetrics metrics) {
        this.config = config;
        this.cluster = cluster;
        this.sender = sender;
        this.mapper = mapper;
        this.metrics = metrics;
        this.consumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    static Properties consumerProperties(IngestConfig config) {
        Properties props = new Properties();
        // archive everything there is, and only what committed transactions published
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "stowage-ingest");
        props.putAll(KafkaClientProperties.only(config.kafka(), ConsumerConfig.configNames()));
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.METADATA_MAX_AGE_CONFIG, String.valueOf(config.topicRefresh().toMillis()));
        return props;
    }

    @Override
    public void run() {
        consumer.subscribe(config.topics().pattern(), new Rebalance());
        log.info("Archiving topics matching {} from {} as group {} into {}", config.topics(), config.bootstrapServers(),
                config.groupId(), config.server());
        try {
            while (!stopping.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                lastPollNanos = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    add(record);
                }
                if (!open.isEmpty() && open.ageMillis() >= config.linger().toMillis()) {
                    seal();
                }
                settleCompleted();
                dispatch();
                applyBackpressure();
                commitAsync();
                updateLag();
            }
        } catch (WakeupException e) {
            if (!stopping.get()) {
                throw e;
            }
        } finally {
            shutDown();
        }
    }

    /** Asks the loop to stop; it finishes within the shutdown timeout. Safe from any thread. */
    public void stop() {
        if (stopping.compareAndSet(false, true)) {
            consumer.wakeup();
        }
    }

    /** Whether the loop polled within {@code window}: the readiness signal. */
    boolean polledWithin(Duration window) {
        return System.nanoTime() - lastPollNanos < window.toNanos();
    }

    private void add(ConsumerRecord<byte[], byte[]> record) {
        metrics.consumed(record.topic());
        String topicId = cluster.topicId(record.topic());
        Message msg = mapper.map(record, topicId);
        long size = msg.getSerializedSize();
        if (!open.isEmpty() && (open.size() >= config.batchMessages() || open.bytes + size > config.batchBytes())) {
            seal();
        }
        open.add(msg, topicId, new TopicPartition(record.topic(), record.partition()), record.offset(), size);
        metrics.inFlightBytes.addAndGet(size);
        if (open.size() >= config.batchMessages() || open.bytes >= config.batchBytes()) {
            seal();
        }
    }

    /** Closes the open batch: its offsets are tracked from now on, and it waits for a sender. */
    private void seal() {
        if (open.isEmpty()) {
            return;
        }
        Batch batch = open;
        open = new Batch();
        Map<TopicPartition, OffsetTracker.Range> ranges = new HashMap<>();
        batch.offsets.forEach((tp, r) -> ranges.put(tp, offsets.track(tp, r[0], r[1])));
        batch.ranges = ranges;
        ready.addLast(batch);
    }

    /** Hands sealed batches to the sender while it has room; never blocks the poll loop. */
    private void dispatch() {
        while (!ready.isEmpty() && inFlightBatches.get() < config.maxInFlightBatches()) {
            Batch batch = ready.pollFirst();
            inFlightBatches.incrementAndGet();
            sender.send(batch, done -> {
                completed.add(done);
                inFlightBatches.decrementAndGet();
            }, given -> {
                // not acknowledged: its offsets stay uncommitted and the records are consumed again
                metrics.inFlightBytes.addAndGet(-given.bytes);
                inFlightBatches.decrementAndGet();
            });
        }
    }

    private void settleCompleted() {
        Batch done;
        while ((done = completed.poll()) != null) {
            offsets.acknowledge(done.ranges);
            metrics.inFlightBytes.addAndGet(-done.bytes);
        }
    }

    /**
     * Pauses while too much is unacknowledged or batches wait for a sender; resumes below half of
     * the byte limit with nothing waiting.
     */
    private void applyBackpressure() {
        long inFlight = metrics.inFlightBytes.get();
        if (!paused && (inFlight >= config.maxInFlightBytes() || ready.size() > 1)) {
            // normal under load (every batch slot busy), so not worth more than a debug line
            log.debug("{} bytes not yet acknowledged: pausing consumption until the server catches up", inFlight);
            pauseAll();
        } else if (paused && inFlight < config.maxInFlightBytes() / 2 && ready.isEmpty()) {
            consumer.resume(consumer.paused());
            paused = false;
            metrics.paused.set(0);
            log.debug("Resuming consumption");
        }
    }

    private void pauseAll() {
        consumer.pause(consumer.assignment());
        if (!paused) {
            paused = true;
            metrics.paused.set(1);
        }
    }

    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> ready = offsets.takeCommittable();
        if (!ready.isEmpty()) {
            consumer.commitAsync(ready, (committed, e) -> {
                if (e != null) {
                    log.warn("Committing offsets failed ({}); a later commit covers them", e.toString());
                }
            });
        }
    }

    private void updateLag() {
        long now = System.currentTimeMillis();
        if (now - lastLagUpdate < LAG_EVERY_MS) {
            return;
        }
        lastLagUpdate = now;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                metrics.lag(tp, lag.getAsLong());
            }
        }
    }

    /** Sends everything read and waits (bounded) until every batch in flight is acknowledged. */
    private boolean drain(Duration timeout) {
        seal();
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((inFlightBatches.get() > 0 || !ready.isEmpty()) && System.nanoTime() < deadline) {
            settleCompleted();
            dispatch();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        settleCompleted();
        return inFlightBatches.get() == 0 && ready.isEmpty();
    }

    private void shutDown() {
        try {
            boolean drained = drain(config.shutdownTimeout());
            if (!drained) {
                log.warn("Stopping with {} batches unacknowledged; their records will be consumed again",
                        inFlightBatches.get() + ready.size());
            }
            Map<TopicPartition, OffsetAndMetadata> ready = offsets.takeCommittable();
            if (!ready.isEmpty()) {
                try {
                    consumer.commitSync(ready, Duration.ofSeconds(10));
                } catch (WakeupException e) {
                    consumer.commitSync(ready, Duration.ofSeconds(10)); // the stop's own wake-up, not a failure
                }
            }
        } catch (RuntimeException e) {
            log.warn("Final commit failed; the records after the last commit will be consumed again", e);
        } finally {
            sender.close(Duration.ofSeconds(1));
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            log.info("Ingest worker stopped");
        }
    }

    /** Commits what is acknowledged for the partitions that go, and forgets them. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> going = new HashSet<>(partitions);
            if (!stopping.get() && !drain(config.shutdownTimeout())) {
                log.warn("Rebalance: batches still unacknowledged after {}; records of {} partitions will be consumed"
                        + " again by their next owner", config.shutdownTimeout(), going.size());
            }
            Map<TopicPartition, OffsetAndMetadata> ready = offsets.takeCommittable(going);
            try {
                if (!ready.isEmpty()) {
                    consumer.commitSync(ready, Duration.ofSeconds(10));
                }
            } catch (RuntimeException e) {
                log.warn("Commit on rebalance failed; the next owner consumes from the last commit", e);
            }
            offsets.forget(going);
            log.info("Rebalance: released {} partitions", going.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.forget(partitions);
            log.warn("Lost {} partitions without a clean rebalance; their next owner consumes from the last commit",
                    partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("Assigned {}", new ArrayList<>(partitions));
            }
            if (paused) {
                consumer.pause(partitions);
            }
        }
    }
}
