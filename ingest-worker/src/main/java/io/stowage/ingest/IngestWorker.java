package io.stowage.ingest;

import io.stowage.api.v1.Message;
import io.stowage.common.kafka.RecordMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop. One thread owns the Kafka consumer: it polls, maps records into batches, hands
 * full (or lingering) batches to the {@link BatchSink}, and commits offsets only for records whose
 * batch is acknowledged and whose predecessors in the partition are too.
 *
 * <p>While too much is unacknowledged (the server is down, or slow) it pauses its partitions and
 * keeps polling, so it stays in the group without fetching more. On a rebalance it sends what it
 * has, waits a bounded time for the batches in flight and commits what was acknowledged for the
 * partitions it loses; what was not acknowledged is consumed again by the next owner, and stored
 * once thanks to idempotent puts. The loop never waits on anything but the consumer's poll: topic
 * ids come from {@link TopicIds} without blocking, and outcomes of batches arrive on a queue.
 */
public final class IngestWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IngestWorker.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long LAG_EVERY_MS = 5_000;
    /** Longest the drain waits between two looks at the clock. */
    private static final long DRAIN_STEP_MS = 50;

    private final IngestConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final TopicIds topicIds;
    private final BatchSink sink;
    private final RecordMapper mapper;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final OffsetTracker offsets = new OffsetTracker();
    /** Outcomes of batches, reported by the sink's threads and applied by the loop. */
    private final LinkedBlockingQueue<Settled> settled = new LinkedBlockingQueue<>();
    private final ArrayDeque<Batch> ready = new ArrayDeque<>();
    /** Partitions paused (and sought back) because the id of their topic is not known yet. */
    private final Map<TopicPartition, String> waitingForTopicId = new HashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Batch open;
    private int inFlightBatches;
    // written by the loop only; volatile because the readiness check and the gauges read them
    private volatile long inFlightBytes;
    private volatile boolean paused;
    private volatile long lastPollMillis;
    private long lastLagUpdate;

    IngestWorker(IngestConfig config, Consumer<byte[], byte[]> consumer, TopicIds topicIds, BatchSink sink,
            RecordMapper mapper, IngestMetrics metrics, Clock clock) {
        this.config = config;
        this.consumer = consumer;
        this.topicIds = topicIds;
        this.sink = sink;
        this.mapper = mapper;
        this.metrics = metrics;
        this.clock = clock;
        this.open = new Batch(clock.millis());
        this.lastPollMillis = clock.millis();
        metrics.watch(() -> inFlightBytes, () -> paused);
    }

    @Override
    public void run() {
        subscribe();
        try {
            while (!stopping.get()) {
                pollOnce();
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
        return clock.millis() - lastPollMillis < window.toMillis();
    }

    /** Bytes read from Kafka and not yet acknowledged. */
    long inFlightBytes() {
        return inFlightBytes;
    }

    boolean isPaused() {
        return paused;
    }

    void subscribe() {
        consumer.subscribe(config.topics().pattern(), new Rebalance());
        log.info("Archiving topics matching {} from {} as group {} into {}", config.topics(), config.bootstrapServers(),
                config.groupId(), config.server());
    }

    /** One turn of the loop. */
    void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        lastPollMillis = clock.millis();
        // partition by partition: what is per topic (its id, the metrics) is done once per poll, not per record
        for (TopicPartition tp : records.partitions()) {
            add(tp, records.records(tp));
        }
        if (!open.isEmpty() && open.ageMillis(clock.millis()) >= config.linger().toMillis()) {
            seal();
        }
        applySettled();
        dispatch();
        releaseResolvedTopics();
        applyBackpressure();
        commitAsync();
        updateLag();
    }

    private void add(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
        if (records.isEmpty() || waitingForTopicId.containsKey(tp)) {
            return; // read again once the topic id is known
        }
        Optional<String> found = topicIds.find(tp.topic());
        if (found.isEmpty()) {
            // wait without blocking the loop: read these records again once the look-up answers
            consumer.seek(tp, records.get(0).offset());
            consumer.pause(List.of(tp));
            waitingForTopicId.put(tp, tp.topic());
            return;
        }
        String topicId = found.get();
        metrics.consumed(tp.topic(), records.size());
        long added = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Message msg = mapper.map(record, topicId);
            long size = msg.getSerializedSize();
            if (!open.isEmpty() && (open.size() >= config.batchMessages() || open.bytes + size > config.batchBytes())) {
                seal();
            }
            open.add(msg, topicId, tp, record.offset(), size);
            added += size;
            if (open.size() >= config.batchMessages() || open.bytes >= config.batchBytes()) {
                seal();
            }
        }
        inFlightBytes += added; // a volatile: written once per partition, not per record
    }

    /** Closes the open batch: its offsets are tracked from now on, and it waits for the sink. */
    private void seal() {
        if (open.isEmpty()) {
            return;
        }
        Batch batch = open;
        open = new Batch(clock.millis());
        Map<TopicPartition, OffsetTracker.Range> ranges = new HashMap<>();
        batch.offsets.forEach((tp, r) -> ranges.put(tp, offsets.track(tp, r[0], r[1])));
        batch.ranges = ranges;
        ready.addLast(batch);
    }

    /** Hands sealed batches to the sink while it has room; never blocks the poll loop. */
    private void dispatch() {
        while (!ready.isEmpty() && inFlightBatches < config.maxInFlightBatches()) {
            inFlightBatches++;
            sink.send(ready.pollFirst(), (batch, stored) -> settled.add(new Settled(batch, stored)));
        }
    }

    private void applySettled() {
        Settled s;
        while ((s = settled.poll()) != null) {
            apply(s);
        }
    }

    private void apply(Settled s) {
        inFlightBatches--;
        inFlightBytes -= s.batch().bytes;
        if (s.stored()) {
            offsets.acknowledge(s.batch().ranges);
        }
        // not stored: its offsets stay uncommitted and the records are consumed again
    }

    private void releaseResolvedTopics() {
        List<TopicPartition> known = new ArrayList<>();
        waitingForTopicId.forEach((tp, topic) -> {
            if (topicIds.find(topic).isPresent()) {
                known.add(tp);
            }
        });
        known.forEach(waitingForTopicId::remove);
        if (!known.isEmpty() && !paused) {
            consumer.resume(known);
        }
    }

    /**
     * Pauses while too much is unacknowledged or batches wait for the sink; resumes below half of
     * the byte limit with nothing waiting.
     */
    private void applyBackpressure() {
        if (!paused && (inFlightBytes >= config.maxInFlightBytes() || ready.size() > 1)) {
            // normal under load (every batch slot busy), so not worth more than a debug line
            log.debug("{} bytes not yet acknowledged: pausing consumption until the server catches up", inFlightBytes);
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && inFlightBytes < config.maxInFlightBytes() / 2 && ready.isEmpty()) {
            Set<TopicPartition> resume = new HashSet<>(consumer.paused());
            resume.removeAll(waitingForTopicId.keySet());
            consumer.resume(resume);
            paused = false;
            log.debug("Resuming consumption");
        }
    }

    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.takeCommittable();
        // partitions lost without a revoke may still settle batches: never commit for another owner
        committable.keySet().retainAll(consumer.assignment());
        if (!committable.isEmpty()) {
            consumer.commitAsync(committable, (committed, e) -> {
                if (e != null) {
                    log.warn("Committing offsets failed ({}); a later commit covers them", e.toString());
                }
            });
        }
    }

    private void updateLag() {
        long now = clock.millis();
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

    /** Sends everything read and waits (bounded) until every batch in flight is settled. */
    private boolean drain(Duration timeout) {
        seal();
        dispatch();
        long deadline = clock.millis() + timeout.toMillis();
        while (inFlightBatches > 0 || !ready.isEmpty()) {
            long left = deadline - clock.millis();
            if (left <= 0) {
                break;
            }
            try {
                Settled s = settled.poll(Math.min(left, DRAIN_STEP_MS), TimeUnit.MILLISECONDS);
                if (s != null) {
                    apply(s);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            applySettled();
            dispatch();
        }
        applySettled();
        return inFlightBatches == 0 && ready.isEmpty();
    }

    /** Drains (bounded), commits what was acknowledged, closes the sink and the consumer. */
    void shutDown() {
        try {
            if (!drain(config.shutdownTimeout())) {
                log.warn("Stopping with {} batches unacknowledged; their records will be consumed again",
                        inFlightBatches + ready.size());
            }
            Map<TopicPartition, OffsetAndMetadata> committable = offsets.takeCommittable();
            committable.keySet().retainAll(consumer.assignment()); // never commit for another owner
            if (!committable.isEmpty()) {
                try {
                    consumer.commitSync(committable, Duration.ofSeconds(10));
                } catch (WakeupException e) {
                    consumer.commitSync(committable, Duration.ofSeconds(10)); // the stop's own wake-up, not a failure
                }
            }
        } catch (RuntimeException e) {
            log.warn("Final commit failed; the records after the last commit will be consumed again", e);
        } finally {
            sink.close(Duration.ofSeconds(1));
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            log.info("Ingest worker stopped");
        }
    }

    private record Settled(Batch batch, boolean stored) { }

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
            Map<TopicPartition, OffsetAndMetadata> committable = offsets.takeCommittable(going);
            try {
                if (!committable.isEmpty()) {
                    consumer.commitSync(committable, Duration.ofSeconds(10));
                }
            } catch (RuntimeException e) {
                log.warn("Commit on rebalance failed; the next owner consumes from the last commit", e);
            }
            forget(going);
            log.info("Rebalance: released {} partitions", going.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
            log.warn("Lost {} partitions without a clean rebalance; their next owner consumes from the last commit",
                    partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            log.info("Assigned {}", new ArrayList<>(partitions));
            topicIds.prefetch(partitions.stream().map(TopicPartition::topic).distinct().toList());
            if (paused) {
                consumer.pause(partitions);
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            // Records of these partitions still in the open batch belong to the tracking forgotten
            // here: sealed later, after the partitions came back, they would head the new tracking
            // and their acknowledgement would commit past records that are not stored.
            seal();
            offsets.forget(partitions);
            waitingForTopicId.keySet().removeAll(partitions);
        }
    }
}
