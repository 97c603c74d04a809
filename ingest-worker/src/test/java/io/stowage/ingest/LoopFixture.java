package io.stowage.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.kafka.RecordMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * An {@link IngestWorker} over Kafka's {@link MockConsumer}, a {@link ScriptedSink} and a
 * {@link TestClock}: the consumer loop without a broker or a server, turned one poll at a time.
 */
final class LoopFixture {
    static final String TOPIC = "alerts";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    static final String TOPIC_ID = "0f3ac1a2-0000-4000-8000-00000000a1e7";

    final RecordingConsumer consumer = new RecordingConsumer();
    final ScriptedSink sink = new ScriptedSink();
    final KnownTopicIds topicIds = new KnownTopicIds().with(TOPIC, TOPIC_ID);
    final TestClock clock = new TestClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final IngestWorker worker;

    LoopFixture(Limits limits) {
        this.worker = new IngestWorker(limits.config(), consumer, topicIds, sink, new RecordMapper("test-cluster",
                List.of()), new IngestMetrics(registry), clock);
    }

    /** The worker's limits that the tests vary; the rest are the defaults. */
    record Limits(int batchMessages, long batchBytes, Duration linger, long maxInFlightBytes, int maxInFlightBatches,
            Duration shutdownTimeout) {
        static Limits of(int batchMessages) {
            return new Limits(batchMessages, 1 << 20, Duration.ofHours(1), 64 << 20, 8, Duration.ofSeconds(3));
        }

        Limits inFlight(long bytes, int batches) {
            return new Limits(batchMessages, batchBytes, linger, bytes, batches, shutdownTimeout);
        }

        Limits batchBytes(long bytes) {
            return new Limits(batchMessages, bytes, linger, maxInFlightBytes, maxInFlightBatches, shutdownTimeout);
        }

        Limits linger(Duration d) {
            return new Limits(batchMessages, batchBytes, d, maxInFlightBytes, maxInFlightBatches, shutdownTimeout);
        }

        IngestConfig config() {
            IngestConfig d = IngestConfig.from(new SettingsSource(Map.of(), Map.of()));
            return new IngestConfig(d.kafka(), d.topics(), d.groupId(), d.client(), d.typeRules(), batchMessages,
                    batchBytes, linger, maxInFlightBytes, maxInFlightBatches, d.putDeadline(), d.topicRefresh(),
                    d.httpAddress(), d.httpPort(), shutdownTimeout, d.capture());
        }
    }

    /** Subscribes and has the group assign {@code partitions}, all starting at offset 0. */
    LoopFixture assign(TopicPartition... partitions) {
        worker.subscribe();
        Map<TopicPartition, Long> beginning = new HashMap<>();
        Arrays.stream(partitions).forEach(tp -> beginning.put(tp, 0L));
        consumer.updateBeginningOffsets(beginning);
        consumer.rebalance(List.of(partitions));
        return this;
    }

    /** The size of one of these records once mapped, as the worker counts it. */
    static long mappedSize(int valueBytes) {
        return new RecordMapper("test-cluster", List.of()).map(record(P0, 1, valueBytes), TOPIC_ID).getSerializedSize();
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, int valueBytes) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                new byte[valueBytes]);
    }

    /** Records {@code [from, to)} of {@code tp}, each with a value of {@code valueBytes} bytes. */
    void records(TopicPartition tp, long from, long to, int valueBytes) {
        for (long offset = from; offset < to; offset++) {
            consumer.addRecord(record(tp, offset, valueBytes));
        }
    }

    void records(TopicPartition tp, long from, long to) {
        records(tp, from, to, 10);
    }

    void poll(int times) {
        for (int i = 0; i < times; i++) {
            worker.pollOnce();
        }
    }

    /** The offset last committed for {@code tp}, or -1 when nothing is committed. */
    long committed(TopicPartition tp) {
        return consumer.lastCommitted.getOrDefault(tp, -1L);
    }

    /**
     * A MockConsumer that remembers what was committed, also for partitions it no longer has (its
     * own {@code committed} answers 0 for those) and after it is closed.
     */
    static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, Long> lastCommitted = new ConcurrentHashMap<>();
        /** The worker's rebalance listener, to call what MockConsumer never calls (onPartitionsLost). */
        volatile ConsumerRebalanceListener listener;

        @Override
        public synchronized void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
            this.listener = listener;
            super.subscribe(pattern, listener);
        }

        RecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                OffsetCommitCallback callback) {
            super.commitAsync(offsets, callback);
            offsets.forEach((tp, o) -> lastCommitted.put(tp, o.offset()));
        }
    }

    /** The offsets of {@code tp} that {@code batch} holds, as [first, last]. */
    static List<Long> offsets(Batch batch, TopicPartition tp) {
        long[] r = batch.offsets.get(tp);
        return r == null ? List.of() : List.of(r[0], r[1]);
    }

    double consumed(String topic) {
        return registry.get("stowage.ingest.records.consumed").tag("topic", topic).counter().count();
    }

    double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
