package io.stowage.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/** What the worker counts, exported for Prometheus under {@code stowage_ingest_*}. */
final class IngestMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
    private final Map<String, Counter> stored = new ConcurrentHashMap<>();
    private final Counter bytesStored;
    private final Counter batches;
    private final Counter retries;
    private final Counter conflicts;
    private final Counter invalid;
    private final Timer putLatency;
    private final Counter captures;
    private final Counter captureFailures;
    private final Counter captureTopicsDenied;
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesStored = Counter.builder("stowage.ingest.stored").baseUnit("bytes")
                .description("Bytes of records acknowledged by the server").register(registry);
        this.batches = Counter.builder("stowage.ingest.batches").description("PutBatch calls that succeeded")
                .register(registry);
        this.retries = Counter.builder("stowage.ingest.retries").description("PutBatch attempts that failed and were retried")
                .register(registry);
        this.conflicts = Counter.builder("stowage.ingest.conflicts")
                .description("Records whose id was taken by other content, stored under their Kafka-derived id")
                .register(registry);
        this.invalid = Counter.builder("stowage.ingest.records.invalid")
                .description("Records the server refused as invalid (logged and skipped)").register(registry);
        // a histogram, as every timer of Stowage: buckets add up across workers, percentiles would not
        this.putLatency = Timer.builder("stowage.ingest.put.batch").description("PutBatch latency, retries included")
                .publishPercentileHistogram().register(registry);
        this.captures = Counter.builder("stowage.ingest.captures")
                .description("Captures of topic configurations and group offsets stored by the server").register(registry);
        this.captureFailures = Counter.builder("stowage.ingest.capture.failures")
                .description("Captures that failed (Kafka or the server); archiving is not affected").register(registry);
        this.captureTopicsDenied = Counter.builder("stowage.ingest.capture.topics.denied")
                .description("Topics left out of a capture because the worker may not describe them or their configuration")
                .register(registry);
    }

    /** Exports the consumer loop's own state; the loop keeps it, the gauges only read it. */
    void watch(LongSupplier inFlightBytes, BooleanSupplier paused) {
        Gauge.builder("stowage.ingest.in.flight.bytes", inFlightBytes::getAsLong).baseUnit("bytes")
                .description("Bytes read from Kafka and not yet acknowledged").register(registry);
        Gauge.builder("stowage.ingest.paused", () -> paused.getAsBoolean() ? 1 : 0)
                .description("1 while the worker has paused its partitions (server down or too much in flight)")
                .register(registry);
    }

    void consumed(String topic, int records) {
        consumed.computeIfAbsent(topic, t -> Counter.builder("stowage.ingest.records.consumed").tag("topic", t)
                .description("Records read from Kafka").register(registry)).increment(records);
    }

    void stored(String topic, long count) {
        stored.computeIfAbsent(topic, t -> Counter.builder("stowage.ingest.records.stored").tag("topic", t)
                .description("Records acknowledged by the server").register(registry)).increment(count);
    }

    void bytesStored(long bytes) {
        bytesStored.increment(bytes);
    }

    void batch(Duration took) {
        batches.increment();
        putLatency.record(took);
    }

    void retry() {
        retries.increment();
    }

    void conflicts(long records) {
        conflicts.increment(records);
    }

    void invalid() {
        invalid.increment();
    }

    void captured() {
        captures.increment();
    }

    void captureTopicDenied() {
        captureTopicsDenied.increment();
    }

    void captureFailed() {
        captureFailures.increment();
    }

    void lag(TopicPartition tp, long value) {
        lag.computeIfAbsent(tp, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("stowage.ingest.lag", holder, AtomicLong::get).baseUnit("records")
                    .tags(Tags.of("topic", k.topic(), "partition", String.valueOf(k.partition())))
                    .description("Records in the partition not yet consumed").register(registry);
            return holder;
        }).set(value);
    }
}
