package io.stowage.common.kafka;

import com.google.protobuf.ByteString;
import io.stowage.api.ApiLimits;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.message.Messages;
import io.stowage.common.message.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The mapping of a Kafka record as it was first written, plainly and record by record: the
 * reference that {@link RecordMapper}'s faster mapping must match byte for byte on the wire.
 */
final class PlainRecordMapping {
    private static final String DEFAULT_TYPE = "kafka.record";
    private static final int MAX_ID_BYTES = ApiLimits.MAX_ID_BYTES;

    private final String clusterId;
    private final List<TypeRule> typeRules;

    PlainRecordMapping(String clusterId, List<TypeRule> typeRules) {
        this.clusterId = clusterId;
        this.typeRules = List.copyOf(typeRules);
    }

    /** The message for {@code record}; {@code topicId} is the topic's Kafka id. */
    Message map(ConsumerRecord<byte[], byte[]> record, String topicId) {
        Message.Builder msg = Message.newBuilder()
                .setId(chosenId(record).orElseGet(() -> plainDerivedId(record, topicId)))
                .setSource(header(record, "ce_source").orElse("kafka://" + clusterId + "/" + record.topic()))
                .setSpecVersion("1.0")
                .setType(type(record))
                .setKafka(kafkaRecord(record));
        if (Messages.placeable(record.timestamp())) {
            msg.putAttributes("time", AttributeValue.newBuilder()
                    .setCeTimestamp(Timestamps.fromMillis(record.timestamp())).build());
        }
        if (record.value() != null) {
            msg.setBinaryData(ByteString.copyFrom(record.value()));
        }
        return msg.build();
    }

    private static Optional<String> chosenId(ConsumerRecord<byte[], byte[]> record) {
        return requestedId(record.headers());
    }

    /** The id a record asks for through its headers, if any ({@code _id}, then {@code ce_id}). */
    private static Optional<String> requestedId(Headers headers) {
        for (Header h : headers.headers("_id")) {
            if (h.value() != null && h.value().length == 16) {
                return Optional.of(KafkaIds.fromBinaryUuid(h.value()));
            }
        }
        for (Header h : headers.headers("ce_id")) {
            if (h.value() != null && h.value().length > 0 && h.value().length <= MAX_ID_BYTES) {
                String id = new String(h.value(), StandardCharsets.UTF_8);
                if (id.indexOf('\0') < 0) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    private String type(ConsumerRecord<byte[], byte[]> record) {
        for (TypeRule rule : typeRules) {
            Optional<String> type = rule.typeOf(record.headers(), record.value()).filter(t -> t.indexOf('\0') < 0);
            if (type.isPresent()) {
                return type.get();
            }
        }
        return DEFAULT_TYPE;
    }

    /** A header as text, unless it is missing, empty or holds a NUL (which no index can keep). */
    private static Optional<String> header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null || h.value().length == 0) {
            return Optional.empty();
        }
        return Optional.of(new String(h.value(), StandardCharsets.UTF_8)).filter(v -> v.indexOf('\0') < 0);
    }

    private static KafkaRecord kafkaRecord(ConsumerRecord<byte[], byte[]> record) {
        KafkaRecord.Builder k = KafkaRecord.newBuilder()
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setTimestamp(record.timestamp())
                .setTimestampType(switch (record.timestampType()) {
                    case CREATE_TIME -> TimestampType.TIMESTAMP_TYPE_CREATE_TIME;
                    case LOG_APPEND_TIME -> TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME;
                    default -> TimestampType.TIMESTAMP_TYPE_UNSPECIFIED;
                })
                .setNullValue(record.value() == null);
        if (record.key() != null) {
            k.setKey(ByteString.copyFrom(record.key()));
        }
        for (Header h : record.headers()) {
            io.stowage.api.v1.Header.Builder header = io.stowage.api.v1.Header.newBuilder().setKey(h.key());
            if (h.value() != null) {
                header.setValue(ByteString.copyFrom(h.value()));
            }
            k.addHeaders(header);
        }
        return k.build();
    }

    private String plainDerivedId(ConsumerRecord<byte[], byte[]> record, String topicId) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-1").digest(("kafka:" + clusterId + "/" + topicId
                    + "/" + record.partition() + "/" + record.offset()).getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(hash, 0, 16);
            return new java.util.UUID(b.getLong(), b.getLong()).toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
