package io.stowage.common.bson;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.message.Messages;
import io.stowage.common.message.Timestamps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonInvalidOperationException;
import org.bson.BsonSerializationException;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.BsonWriter;
import org.bson.RawBsonDocument;
import org.bson.io.BasicOutputBuffer;

/**
 * Writes a {@link Message} as one BSON document of the stored format and reads it back exactly.
 *
 * <p>Format version 1 (field order as written):
 *
 * <pre>
 * _id          string    message id
 * fv           int32     format version (1)
 * source       string    CloudEvents source
 * specversion  string    CloudEvents specversion
 * type         string    CloudEvents type
 * time         date      message time (time attribute, else Kafka timestamp, else stored_at)
 * attributes   document  name -> {kind: value}, kind one of ce_boolean, ce_integer, ce_string,
 *                        ce_bytes, ce_uri, ce_uri_ref, ce_timestamp (a date, with an extra
 *                        "nanos" int32 when the time has sub-millisecond digits); sorted by name
 * binary_data  binary    | text_data string | proto_data {type_url string, value binary}
 * kafka        document  {topic, partition int32, offset int64, timestamp int64 (epoch ms),
 *                        timestamp_type string, key binary (absent: null key), headers array of
 *                        {key string, value binary or null}, null_value bool}
 * stored_at    date      when the message was stored
 * </pre>
 *
 * <p>Documents are written straight into the caller's buffer ({@link #encodeInto}), so a segment
 * of many messages is built without a copy per message.
 */
public final class MessageCodec {
    public static final int FORMAT_VERSION = 1;

    private MessageCodec() {}

    /** The stored document of {@code msg}, stored at {@code storedAt}. */
    public static byte[] encode(Message msg, Instant storedAt) {
        BasicOutputBuffer out = new DocumentBuffer(256 + msg.getSerializedSize());
        encodeInto(out, msg, storedAt);
        return out.toByteArray();
    }

    /** Appends the stored document of {@code msg} to {@code out}; returns its length in bytes. */
    public static int encodeInto(BasicOutputBuffer out, Message msg, Instant storedAt) {
        int start = out.getPosition();
        try (BsonBinaryWriter writer = new BsonBinaryWriter(out)) {
            writer.writeStartDocument();
            writer.writeString("_id", msg.getId());
            writer.writeInt32("fv", FORMAT_VERSION);
            writeCloudEvent(writer, msg, Messages.time(msg, storedAt));
            if (msg.hasKafka()) {
                writeKafka(writer, msg.getKafka());
            }
            writer.writeDateTime("stored_at", storedAt.toEpochMilli());
            writer.writeEndDocument();
        }
        return out.getPosition() - start;
    }

    /** Reads the document at {@code bytes[offset, offset+length)}. */
    public static Message decode(byte[] bytes, int offset, int length) {
        if (length < 5) {
            throw new DocumentFormatException("a BSON document needs at least 5 bytes, got " + length);
        }
        int declared = ByteBuffer.wrap(bytes, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (declared != length) {
            throw new DocumentFormatException(
                    "document declares " + declared + " bytes but its range holds " + length);
        }
        try {
            return decode(new RawBsonDocument(bytes, offset, length));
        } catch (BsonSerializationException | BsonInvalidOperationException | ClassCastException e) {
            throw new DocumentFormatException("not a readable message document: " + e.getMessage(), e);
        }
    }

    public static Message decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    private static void writeCloudEvent(BsonWriter writer, Message msg, Instant time) {
        writer.writeString("source", msg.getSource());
        writer.writeString("specversion", msg.getSpecVersion());
        writer.writeString("type", msg.getType());
        writer.writeDateTime("time", time.toEpochMilli());
        if (msg.getAttributesCount() > 0) {
            writer.writeStartDocument("attributes");
            for (Map.Entry<String, AttributeValue> e : new TreeMap<>(msg.getAttributesMap()).entrySet()) {
                writer.writeStartDocument(e.getKey());
                writeAttributeValue(writer, e.getValue());
                writer.writeEndDocument();
            }
            writer.writeEndDocument();
        }
        switch (msg.getDataCase()) {
            case BINARY_DATA -> writer.writeBinaryData("binary_data", new BsonBinary(msg.getBinaryData().toByteArray()));
            case TEXT_DATA -> writer.writeString("text_data", msg.getTextData());
            case PROTO_DATA -> {
                writer.writeStartDocument("proto_data");
                writer.writeString("type_url", msg.getProtoData().getTypeUrl());
                writer.writeBinaryData("value", new BsonBinary(msg.getProtoData().getValue().toByteArray()));
                writer.writeEndDocument();
            }
            case DATA_NOT_SET -> { }
        }
    }

    private static void writeAttributeValue(BsonWriter writer, AttributeValue value) {
        switch (value.getAttrCase()) {
            case CE_BOOLEAN -> writer.writeBoolean("ce_boolean", value.getCeBoolean());
            case CE_INTEGER -> writer.writeInt32("ce_integer", value.getCeInteger());
            case CE_STRING -> writer.writeString("ce_string", value.getCeString());
            case CE_BYTES -> writer.writeBinaryData("ce_bytes", new BsonBinary(value.getCeBytes().toByteArray()));
            case CE_URI -> writer.writeString("ce_uri", value.getCeUri());
            case CE_URI_REF -> writer.writeString("ce_uri_ref", value.getCeUriRef());
            case CE_TIMESTAMP -> {
                Instant t = Timestamps.toInstant(value.getCeTimestamp());
                writer.writeDateTime("ce_timestamp", t.toEpochMilli());
                if (t.getNano() % 1_000_000 != 0) {
                    writer.writeInt32("nanos", t.getNano());
                }
            }
            case ATTR_NOT_SET -> { }
        }
    }

    private static void writeKafka(BsonWriter writer, KafkaRecord kafka) {
        writer.writeStartDocument("kafka");
        writer.writeString("topic", kafka.getTopic());
        writer.writeInt32("partition", kafka.getPartition());
        writer.writeInt64("offset", kafka.getOffset());
        writer.writeInt64("timestamp", kafka.getTimestamp());
        writer.writeString("timestamp_type", kafka.getTimestampType().name());
        if (kafka.hasKey()) {
            writer.writeBinaryData("key", new BsonBinary(kafka.getKey().toByteArray()));
        }
        writer.writeStartArray("headers");
        for (Header header : kafka.getHeadersList()) {
            writer.writeStartDocument();
            writer.writeString("key", header.getKey());
            if (header.hasValue()) {
                writer.writeBinaryData("value", new BsonBinary(header.getValue().toByteArray()));
            } else {
                writer.writeNull("value");
            }
            writer.writeEndDocument();
        }
        writer.writeEndArray();
        writer.writeBoolean("null_value", kafka.getNullValue());
        writer.writeEndDocument();
    }

    private static Message decode(BsonDocument doc) {
        int version = doc.getInt32("fv").getValue();
        if (version != FORMAT_VERSION) {
            throw new DocumentFormatException("unknown document format version " + version);
        }
        Message.Builder msg = Message.newBuilder()
                .setId(doc.getString("_id").getValue())
                .setSource(doc.getString("source").getValue())
                .setSpecVersion(doc.getString("specversion").getValue())
                .setType(doc.getString("type").getValue());
        if (doc.containsKey("attributes")) {
            for (Map.Entry<String, BsonValue> e : doc.getDocument("attributes").entrySet()) {
                msg.putAttributes(e.getKey(), readAttributeValue(e.getValue().asDocument()));
            }
        }
        if (doc.containsKey("binary_data")) {
            msg.setBinaryData(ByteString.copyFrom(doc.getBinary("binary_data").getData()));
        } else if (doc.containsKey("text_data")) {
            msg.setTextData(doc.getString("text_data").getValue());
        } else if (doc.containsKey("proto_data")) {
            BsonDocument any = doc.getDocument("proto_data");
            msg.setProtoData(Any.newBuilder()
                    .setTypeUrl(any.getString("type_url").getValue())
                    .setValue(ByteString.copyFrom(any.getBinary("value").getData())));
        }
        if (doc.containsKey("kafka")) {
            msg.setKafka(readKafka(doc.getDocument("kafka")));
        }
        return msg.build();
    }

    private static AttributeValue readAttributeValue(BsonDocument value) {
        AttributeValue.Builder b = AttributeValue.newBuilder();
        if (value.containsKey("ce_boolean")) {
            b.setCeBoolean(value.getBoolean("ce_boolean").getValue());
        } else if (value.containsKey("ce_integer")) {
            b.setCeInteger(value.getInt32("ce_integer").getValue());
        } else if (value.containsKey("ce_string")) {
            b.setCeString(value.getString("ce_string").getValue());
        } else if (value.containsKey("ce_bytes")) {
            b.setCeBytes(ByteString.copyFrom(value.getBinary("ce_bytes").getData()));
        } else if (value.containsKey("ce_uri")) {
            b.setCeUri(value.getString("ce_uri").getValue());
        } else if (value.containsKey("ce_uri_ref")) {
            b.setCeUriRef(value.getString("ce_uri_ref").getValue());
        } else if (value.containsKey("ce_timestamp")) {
            long millis = value.getDateTime("ce_timestamp").getValue();
            Instant t = Instant.ofEpochMilli(millis);
            if (value.containsKey("nanos")) {
                t = Instant.ofEpochSecond(t.getEpochSecond(), value.getInt32("nanos").getValue());
            }
            b.setCeTimestamp(Timestamps.fromInstant(t));
        }
        return b.build();
    }

    private static KafkaRecord readKafka(BsonDocument kafka) {
        KafkaRecord.Builder b = KafkaRecord.newBuilder()
                .setTopic(kafka.getString("topic").getValue())
                .setPartition(kafka.getInt32("partition").getValue())
                .setOffset(kafka.getInt64("offset").getValue())
                .setTimestamp(kafka.getInt64("timestamp").getValue())
                .setTimestampType(TimestampType.valueOf(kafka.getString("timestamp_type").getValue()))
                .setNullValue(kafka.getBoolean("null_value").getValue());
        if (kafka.containsKey("key")) {
            b.setKey(ByteString.copyFrom(kafka.getBinary("key").getData()));
        }
        BsonArray headers = kafka.getArray("headers");
        for (BsonValue h : headers) {
            BsonDocument header = h.asDocument();
            Header.Builder hb = Header.newBuilder().setKey(header.getString("key").getValue());
            BsonValue value = header.get("value");
            if (value != null && value.getBsonType() == BsonType.BINARY) {
                hb.setValue(ByteString.copyFrom(value.asBinary().getData()));
            }
            b.addHeaders(hb);
        }
        return b.build();
    }
}
