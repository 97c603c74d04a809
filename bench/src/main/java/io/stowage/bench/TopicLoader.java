package io.stowage.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills topics with benchmark records, fast: a producer with large batches and a short linger,
 * idempotent so that a retry cannot duplicate a record.
 */
final class TopicLoader implements AutoCloseable {
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    /** A topic filled with {@code records} records: what was written and where it ends. */
    record LoadedTopic(String name, int partitions, long records, long payloadBytes,
            Map<TopicPartition, Long> endOffsets) {}

    TopicLoader(String bootstrapServers) {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(admin);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    Admin admin() {
        return admin;
    }

    LoadedTopic load(String topic, int partitions, int records, int valueBytes) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        awaitLeaders(topic, partitions);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long payload = 0;
        long started = System.nanoTime();
        for (int i = 0; i < records; i++) {
            byte[] key = key(i);
            byte[] value = Payloads.value(valueBytes, i);
            payload += key.length + value.length;
            producer.send(new ProducerRecord<>(topic, i % partitions, key, value), (meta, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            if (failure.get() != null) {
                break;
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("producing to " + topic + " failed", failure.get());
        }
        Throughput t = new Throughput(records, payload, System.nanoTime() - started);
        Map<TopicPartition, Long> ends = endOffsets(topic, partitions);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        if (total != records) {
            throw new IllegalStateException(topic + " holds " + total + " records, not " + records);
        }
        Progress.say("  produced %,d records (%,.0f MB) to %s in %.1f s (%,.0f records/s)", records, payload / 1e6,
                topic, t.seconds(), t.recordsPerSecond());
        return new LoadedTopic(topic, partitions, records, payload, ends);
    }

    /**
     * Waits until every partition's leader answers. Producing at once to a topic just created can
     * meet a leader not yet in place, and the idempotent producer's retry then fails with
     * OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    private void awaitLeaders(String topic, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                endOffsets(topic, partitions);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the partitions of " + topic + " have no leader after 60 s", e);
                }
                Sleep.millis(100);
            }
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws ExecutionException,
            InterruptedException {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(ask).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    void delete(String topic) throws Exception {
        admin.deleteTopics(List.of(topic)).all().get();
    }

    static byte[] key(int i) {
        return String.format("key-%010d", i).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
