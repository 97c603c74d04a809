package io.stowage.export;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.ScanResult;
import io.stowage.common.message.Timestamps;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes one archived message as one Parquet row, in the shape SQL engines expect of a Kafka
 * topic turned into a table: the CloudEvent fields, the attributes as a map of strings, the data
 * as bytes (and as text when it is UTF-8 text), and for Kafka records the topic, partition,
 * offset, timestamp and its type, the key as nullable bytes and the headers as an ordered list of
 * (key, nullable bytes), so order, duplicates and null values survive.
 */
final class MessageWriteSupport extends WriteSupport<ScanResult> {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message stowage_message {
              required binary id (STRING);
              required binary stream (STRING);
              required binary type (STRING);
              required binary source (STRING);
              required binary spec_version (STRING);
              required int64 time (TIMESTAMP(MICROS,true));
              required group attributes (MAP) {
                repeated group key_value {
                  required binary key (STRING);
                  required binary value (STRING);
                }
              }
              optional binary data;
              optional binary data_text (STRING);
              optional binary data_proto_type (STRING);
              optional binary topic (STRING);
              optional int32 kafka_partition;
              optional int64 kafka_offset;
              optional int64 kafka_timestamp (TIMESTAMP(MILLIS,true));
              optional binary kafka_timestamp_type (STRING);
              optional binary key;
              optional group headers (LIST) {
                repeated group list {
                  required group element {
                    required binary key (STRING);
                    optional binary value;
                  }
                }
              }
              optional boolean tombstone;
              required int32 stored_size;
            }
            """);

    private RecordConsumer out;

    @Override
    @SuppressWarnings("deprecation") // still abstract in parquet-hadoop: must be implemented
    public WriteContext init(Configuration configuration) {
        return new WriteContext(SCHEMA, Map.of("stowage.format", "1"));
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(SCHEMA, Map.of("stowage.format", "1"));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(ScanResult r) {
        Message m = r.getMsg();
        out.startMessage();
        string(0, "id", r.getId());
        string(1, "stream", r.getStream());
        string(2, "type", r.getType());
        string(3, "source", m.getSource());
        string(4, "spec_version", m.getSpecVersion());
        Instant time = Timestamps.toInstant(r.getTime());
        field(5, "time", () -> out.addLong(time.getEpochSecond() * 1_000_000L + time.getNano() / 1000));
        writeAttributes(6, m);
        writeData(m);
        if (m.hasKafka()) {
            writeKafka(m.getKafka());
        }
        field(18, "stored_size", () -> out.addInteger(r.getSize()));
        out.endMessage();
    }

    private void writeAttributes(int index, Message m) {
        out.startField("attributes", index);
        out.startGroup();
        if (m.getAttributesCount() > 0) {
            out.startField("key_value", 0);
            for (Map.Entry<String, AttributeValue> e : new TreeMap<>(m.getAttributesMap()).entrySet()) {
                out.startGroup();
                string(0, "key", e.getKey());
                string(1, "value", attributeText(e.getValue()));
                out.endGroup();
            }
            out.endField("key_value", 0);
        }
        out.endGroup();
        out.endField("attributes", index);
    }

    private void writeData(Message m) {
        boolean tombstone = m.hasKafka() && m.getKafka().getNullValue();
        switch (m.getDataCase()) {
            case BINARY_DATA -> {
                if (!tombstone) {
                    Binary data = Binary.fromConstantByteArray(m.getBinaryData().toByteArray());
                    field(7, "data", () -> out.addBinary(data));
                    if (isUtf8(m.getBinaryData())) {
                        field(8, "data_text", () -> out.addBinary(data)); // the same bytes, read as text
                    }
                }
            }
            case TEXT_DATA -> {
                bytes(7, "data", ByteString.copyFromUtf8(m.getTextData()));
                string(8, "data_text", m.getTextData());
            }
            case PROTO_DATA -> {
                bytes(7, "data", m.getProtoData().getValue());
                string(9, "data_proto_type", m.getProtoData().getTypeUrl());
            }
            default -> { }
        }
    }

    private void writeKafka(KafkaRecord k) {
        string(10, "topic", k.getTopic());
        field(11, "kafka_partition", () -> out.addInteger(k.getPartition()));
        field(12, "kafka_offset", () -> out.addLong(k.getOffset()));
        field(13, "kafka_timestamp", () -> out.addLong(k.getTimestamp()));
        String type = switch (k.getTimestampType()) {
            case TIMESTAMP_TYPE_CREATE_TIME -> "CreateTime";
            case TIMESTAMP_TYPE_LOG_APPEND_TIME -> "LogAppendTime";
            default -> null;
        };
        if (type != null) {
            string(14, "kafka_timestamp_type", type);
        }
        if (k.hasKey()) {
            bytes(15, "key", k.getKey());
        }
        out.startField("headers", 16);
        out.startGroup();
        if (k.getHeadersCount() > 0) {
            out.startField("list", 0);
            for (Header h : k.getHeadersList()) {
                out.startGroup();
                out.startField("element", 0);
                out.startGroup();
                string(0, "key", h.getKey());
                if (h.hasValue()) {
                    bytes(1, "value", h.getValue());
                }
                out.endGroup();
                out.endField("element", 0);
                out.endGroup();
            }
            out.endField("list", 0);
        }
        out.endGroup();
        out.endField("headers", 16);
        field(17, "tombstone", () -> out.addBoolean(k.getNullValue()));
    }

    /** An attribute as text: timestamps in ISO-8601 UTC, bytes in base64, the rest as written. */
    static String attributeText(AttributeValue v) {
        return switch (v.getAttrCase()) {
            case CE_BOOLEAN -> Boolean.toString(v.getCeBoolean());
            case CE_INTEGER -> Integer.toString(v.getCeInteger());
            case CE_STRING -> v.getCeString();
            case CE_BYTES -> Base64.getEncoder().encodeToString(v.getCeBytes().toByteArray());
            case CE_URI -> v.getCeUri();
            case CE_URI_REF -> v.getCeUriRef();
            case CE_TIMESTAMP -> Timestamps.toInstant(v.getCeTimestamp()).toString();
            case ATTR_NOT_SET -> "";
        };
    }

    /** Whether the bytes are valid UTF-8 (checked without making a string of them). */
    static boolean isUtf8(ByteString bytes) {
        return bytes.isValidUtf8();
    }

    /** The bytes as a string when they are valid UTF-8, else null. */
    static String utf8(ByteString bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.asReadOnlyByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void string(int index, String name, String value) {
        field(index, name, () -> out.addBinary(Binary.fromString(value)));
    }

    private void bytes(int index, String name, ByteString value) {
        field(index, name, () -> out.addBinary(Binary.fromConstantByteArray(value.toByteArray())));
    }

    private void field(int index, String name, Runnable value) {
        out.startField(name, index);
        value.run();
        out.endField(name, index);
    }
}
