package io.stowage.common.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.stowage.api.ApiLimits;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.message.Messages;
import io.stowage.common.message.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Maps a Kafka record to a {@link Message}, keeping the whole record (key, value, headers,
 * timestamp) for a byte-exact restore. The record's headers are never modified.
 *
 * <ul>
 *   <li>id: the first {@code _id} header holding a 16-byte binary UUID (the Hopskotch
 *       convention), else the first non-empty {@code ce_id} header, else an id derived from
 *       cluster, topic id, partition and offset ({@link KafkaIds#derived});
 *   <li>source: the {@code ce_source} header, else {@code kafka://<cluster-id>/<topic>};
 *   <li>type: the {@code ce_type} header or the configured rules, else {@code kafka.record};
 *   <li>{@code time} attribute: the record timestamp; {@code binary_data}: the value.
 * </ul>
 *
 * <p>It runs once per record on the worker's poll thread, so it does per topic what it can (the
 * default source, the topic's bytes) and copies no record bytes: the key, the value and header
 * values are wrapped, not copied, which is safe because the consumer's deserializer hands out
 * fresh arrays that nobody changes afterwards. Safe for use by several threads.
 */
public final class RecordMapper {
    public static final String DEFAULT_TYPE = "kafka.record";
    /** Attribute that keeps the id a record asked for when it is stored under its derived id. */
    public static final String ORIGINAL_ID_ATTRIBUTE = "originalid";

    private static final int MAX_ID_BYTES = ApiLimits.MAX_ID_BYTES;
    // string fields set as bytes: protobuf then neither measures nor encodes their UTF-8 per message
    private static final ByteString DEFAULT_TYPE_BYTES = ByteString.copyFromUtf8(DEFAULT_TYPE);
    private static final ByteString SPEC_VERSION = ByteString.copyFromUtf8("1.0");
    private static final int MAX_TOPICS_KEPT = 10_000;

    private final String clusterId;
    private final List<TypeRule> typeRules;
    /** The strings of each topic that every one of its records repeats, encoded once. */
    private final Map<String, TopicStrings> topics = new ConcurrentHashMap<>();
    /** The last {@code time} attribute made: records of a fast stream share their millisecond. */
    private volatile TimeAttribute lastTime = new TimeAttribute(Long.MIN_VALUE, null);

    public RecordMapper(String clusterId, List<TypeRule> typeRules) {
        this.clusterId = clusterId;
        this.typeRules = List.copyOf(typeRules);
    }

    /**
     * The message for {@code record}; {@code topicId} is the topic's Kafka id. The message shares
     * the record's key, value and header value arrays: they must not be changed afterwards.
     */
    public Message map(ConsumerRecord<byte[], byte[]> record, String topicId) {
        TopicStrings topic = topics.get(record.topic());
        if (topic == null) {
            if (topics.size() >= MAX_TOPICS_KEPT) {
                topics.clear(); // topics come and go over the years; this is only a cache
            }
            topic = topics.computeIfAbsent(record.topic(), this::topicStrings);
        }
        Header[] headers = record.headers().toArray();
        Message.Builder msg = Message.newBuilder();
        String asked = requestedId(headers);
        if (asked != null) {
            msg.setId(asked);
        } else {
            msg.setIdBytes(UnsafeByteOperations.unsafeWrap(
                    KafkaIds.derivedAscii(clusterId, topicId, record.partition(), record.offset())));
        }
        String source = text(lastHeader(headers, "ce_source"));
        if (source != null) {
            msg.setSource(source);
        } else {
            msg.setSourceBytes(topic.defaultSource());
        }
        msg.setSpecVersionBytes(SPEC_VERSION);
        String type = ruledType(record);
        if (type != null) {
            msg.setType(type);
        } else {
            msg.setTypeBytes(DEFAULT_TYPE_BYTES);
        }
        msg.setKafka(kafkaRecord(record, topic, headers));
        if (Messages.placeable(record.timestamp())) {
            msg.putAttributes("time", timeAttribute(record.timestamp()));
        }
        if (record.value() != null) {
            msg.setBinaryData(UnsafeByteOperations.unsafeWrap(record.value()));
        }
        return msg.build();
    }

    /** The same message under the id derived from where Kafka placed it, keeping the id it asked for. */
    public Message withDerivedId(Message msg, String topicId) {
        KafkaRecord k = msg.getKafka();
        return msg.toBuilder()
                .setId(KafkaIds.derived(clusterId, topicId, k.getPartition(), k.getOffset()))
                .putAttributes(ORIGINAL_ID_ATTRIBUTE, AttributeValue.newBuilder().setCeString(msg.getId()).build())
                .build();
    }

    public String derivedId(ConsumerRecord<byte[], byte[]> record, String topicId) {
        return KafkaIds.derived(clusterId, topicId, record.partition(), record.offset());
    }

    /** The id a record asks for through its headers, if any ({@code _id}, then {@code ce_id}). */
    public static Optional<String> requestedId(Headers headers) {
        return Optional.ofNullable(requestedId(headers.toArray()));
    }

    private static String requestedId(Header[] headers) {
        for (Header h : headers) {
            if ("_id".equals(h.key()) && h.value() != null && h.value().length == 16) {
                return KafkaIds.fromBinaryUuid(h.value());
            }
        }
        for (Header h : headers) {
            if ("ce_id".equals(h.key()) && h.value() != null && h.value().length > 0
                    && h.value().length <= MAX_ID_BYTES) {
                String id = new String(h.value(), StandardCharsets.UTF_8);
                if (id.indexOf('\0') < 0) {
                    return id;
                }
            }
        }
        return null;
    }

    /** The type the configured rules give, or null for the default. */
    private String ruledType(ConsumerRecord<byte[], byte[]> record) {
        for (TypeRule rule : typeRules) {
            Optional<String> type = rule.typeOf(record.headers(), record.value()).filter(t -> t.indexOf('\0') < 0);
            if (type.isPresent()) {
                return type.get();
            }
        }
        return null;
    }

    private static Header lastHeader(Header[] headers, String name) {
        for (int i = headers.length - 1; i >= 0; i--) {
            if (name.equals(headers[i].key())) {
                return headers[i];
            }
        }
        return null;
    }

    /** A header as text, unless it is missing, empty or holds a NUL (which no index can keep). */
    private static String text(Header h) {
        if (h == null || h.value() == null || h.value().length == 0) {
            return null;
        }
        String v = new String(h.value(), StandardCharsets.UTF_8);
        return v.indexOf('\0') < 0 ? v : null;
    }

    private AttributeValue timeAttribute(long millis) {
        TimeAttribute last = lastTime;
        if (last.millis() != millis) {
            last = new TimeAttribute(millis, AttributeValue.newBuilder()
                    .setCeTimestamp(Timestamps.fromMillis(millis)).build());
            lastTime = last;
        }
        return last.value();
    }

    private TopicStrings topicStrings(String topic) {
        return new TopicStrings(ByteString.copyFromUtf8(topic),
                ByteString.copyFromUtf8("kafka://" + clusterId + "/" + topic));
    }

    private static KafkaRecord kafkaRecord(ConsumerRecord<byte[], byte[]> record, TopicStrings topic, Header[] headers) {
        KafkaRecord.Builder k = KafkaRecord.newBuilder()
                .setTopicBytes(topic.name())
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
            k.setKey(UnsafeByteOperations.unsafeWrap(record.key()));
        }
        for (Header h : headers) {
            io.stowage.api.v1.Header.Builder header = io.stowage.api.v1.Header.newBuilder().setKey(h.key());
            if (h.value() != null) {
                header.setValue(UnsafeByteOperations.unsafeWrap(h.value()));
            }
            k.addHeaders(header);
        }
        return k.build();
    }

    /** A topic's name and default source, as the UTF-8 bytes that go on the wire. */
    private record TopicStrings(ByteString name, ByteString defaultSource) {}

    /** A {@code time} attribute and the millisecond it holds. */
    private record TimeAttribute(long millis, AttributeValue value) {}
}
