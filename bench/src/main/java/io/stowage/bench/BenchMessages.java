package io.stowage.bench;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.message.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * Messages for PutBatch shaped as the ingest worker maps a Kafka record of B1: a derived UUID id,
 * the record's key, value and timestamp, the {@code time} attribute.
 */
final class BenchMessages {
    private static final int PARTITIONS = 6;

    private final String stream;
    private final int valueBytes;
    private final Payloads.Kind kind;
    private long next;

    BenchMessages(String stream, int valueBytes) {
        this(stream, valueBytes, Payloads.Kind.RANDOM);
    }

    BenchMessages(String stream, int valueBytes, Payloads.Kind kind) {
        this.stream = stream;
        this.valueBytes = valueBytes;
        this.kind = kind;
    }

    /** The next {@code n} messages, each with the time {@code time} gives for its position in the batch. */
    List<Message> batch(int n, LongFunction<Instant> time) {
        List<Message> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(message(next++, time.apply(i)));
        }
        return batch;
    }

    /** n messages, all at the same time: one segment per batch. */
    List<Message> batch(int n) {
        Instant now = Instant.now();
        return batch(n, i -> now);
    }

    private Message message(long index, Instant time) {
        byte[] key = TopicLoader.key((int) index);
        return Message.newBuilder()
                .setId(UUID.nameUUIDFromBytes((stream + "/" + index).getBytes(StandardCharsets.UTF_8)).toString())
                .setSource("kafka://bench/" + stream)
                .setSpecVersion("1.0")
                .setType("kafka.record")
                .putAttributes("time", AttributeValue.newBuilder().setCeTimestamp(Timestamps.fromInstant(time)).build())
                .setBinaryData(ByteString.copyFrom(Payloads.value(kind, valueBytes, index)))
                .setKafka(KafkaRecord.newBuilder()
                        .setTopic(stream)
                        .setPartition((int) (index % PARTITIONS))
                        .setOffset(index / PARTITIONS)
                        .setTimestamp(time.toEpochMilli())
                        .setTimestampType(TimestampType.TIMESTAMP_TYPE_CREATE_TIME)
                        .setKey(ByteString.copyFrom(key)))
                .build();
    }

    /** What the producer sent: key, value and headers. */
    static long payloadBytes(Message m) {
        KafkaRecord k = m.getKafka();
        long headers = k.getHeadersList().stream()
                .mapToLong(h -> h.getKey().getBytes(StandardCharsets.UTF_8).length + h.getValue().size()).sum();
        return k.getKey().size() + m.getBinaryData().size() + headers;
    }
}
