package io.stowage.cli;

import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.common.kafka.KafkaClientProperties;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Archived messages back as Kafka records, shared by {@code replay} and {@code restore}: the exact
 * key (absent vs empty), value (a tombstone stays null), headers (order, duplicates, null values)
 * and timestamp, and the producer settings that keep each partition in order without doubles.
 */
final class ArchivedRecords {
    private ArchivedRecords() {}

    /** The record to produce to {@code topic}; {@code partition} null lets the producer's partitioner pick. */
    static ProducerRecord<byte[], byte[]> toRecord(Message msg, String topic, Integer partition) {
        KafkaRecord k = msg.getKafka();
        RecordHeaders headers = new RecordHeaders();
        for (Header h : k.getHeadersList()) {
            headers.add(h.getKey(), h.hasValue() ? h.getValue().toByteArray() : null);
        }
        byte[] value = switch (msg.getDataCase()) {
            case BINARY_DATA -> msg.getBinaryData().toByteArray();
            case TEXT_DATA -> msg.getTextData().getBytes(StandardCharsets.UTF_8);
            case PROTO_DATA -> msg.getProtoData().toByteArray();
            case DATA_NOT_SET -> k.getNullValue() ? null : new byte[0];
        };
        return new ProducerRecord<>(topic, partition, k.getTimestamp() >= 0 ? k.getTimestamp() : null,
                k.hasKey() ? k.getKey().toByteArray() : null, value, headers);
    }

    /** Key and value bytes of a record, the "bytes" of progress lines and summaries. */
    static long size(ProducerRecord<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }

    /**
     * An idempotent producer that waits for every in-sync replica: a retried batch is never
     * written twice and never overtakes an earlier one, so a partition keeps the archive's order.
     */
    static Properties producerProperties(Properties kafka, String clientId) {
        Properties p = KafkaClientProperties.only(kafka, ProducerConfig.configNames());
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024));
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }
}
