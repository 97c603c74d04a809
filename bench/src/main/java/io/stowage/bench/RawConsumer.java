package io.stowage.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The limit of B1: a plain KafkaConsumer that reads every record and does nothing with it. */
final class RawConsumer {
    private RawConsumer() {}

    /**
     * Reads all of {@code topic} as a new group. The clock starts when the first records arrive
     * (joining the group is not reading) and those first records are not counted.
     */
    static Throughput readAll(String bootstrapServers, TopicLoader.LoadedTopic topic, String group, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            long started = 0;
            long records = 0;
            long counted = 0;
            long bytes = 0;
            while (records < topic.records()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the plain consumer read only " + records + " of " + topic.records()
                            + " records in " + timeout.toSeconds() + " s");
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                if (started == 0) {
                    started = System.nanoTime();
                    records += batch.count();
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                    counted++;
                }
                records += batch.count();
            }
            return new Throughput(counted, bytes, System.nanoTime() - started);
        }
    }
}
