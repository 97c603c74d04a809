package io.stowage.common.bson;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.bson.DocumentWriter.Name;
import io.stowage.common.message.Messages;
import io.stowage.common.message.Timestamps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInvalidOperationException;
import org.bson.BsonSerializationException;
import org.bson.BsonType;
import org.bson.BsonValue;
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

    private static final Name ID = new Name("_id");
    private static final Name FV = new Name("fv");
    private static final Name SOURCE = new Name("source");
    private static final Name SPEC_VERSION = new Name("specversion");
    private static final Name TYPE = new Name("type");
    private static final Name TIME = new Name("time");
    private static final Name ATTRIBUTES = new Name("attributes");
    private static final Name BINARY_DATA = new Name("binary_data");
    private static final Name TEXT_DATA = new Name("text_data");
    private static final Name PROTO_DATA = new Name("proto_data");
    private static final Name TYPE_URL = new Name("type_url");
    private static final Name VALUE = new Name("value");
    private static final Name CE_BOOLEAN = new Name("ce_boolean");
    private static final Name CE_INTEGER = new Name("ce_integer");
    private static final Name CE_STRING = new Name("ce_string");
    private static final Name CE_BYTES = new Name("ce_bytes");
    private static final Name CE_URI = new Name("ce_uri");
    private static final Name CE_URI_REF = new Name("ce_uri_ref");
    private static final Name CE_TIMESTAMP = new Name("ce_timestamp");
    private static final Name NANOS = new Name("nanos");
    private static final Name KAFKA = new Name("kafka");
    private static final Name TOPIC = new Name("topic");
    private static final Name PARTITION = new Name("partition");
    private static final Name OFFSET = new Name("offset");
    private static final Name TIMESTAMP = new Name("timestamp");
    private static final Name TIMESTAMP_TYPE = new Name("timestamp_type");
    private static final Name KEY = new Name("key");
    private static final Name HEADERS = new Name("headers");
    private static final Name NULL_VALUE = new Name("null_value");
    private static final Name STORED_AT = new Name("stored_at");

    private MessageCodec() {}

    /** The stored document of {@code msg}, stored at {@code storedAt}. */
    public static byte[] encode(Message msg, Instant storedAt) {
        BasicOutputBuffer out = new DocumentBuffer(256 + msg.getSerializedSize());
        encodeInto(out, msg, storedAt);
        return out.toByteArray();
    }

    /** Appends the stored document of {@code msg} to {@code out}; returns its length in bytes. */
    public static int encodeInto(BasicOutputBuffer out, Message msg, Instant storedAt) {
        DocumentWriter w = new DocumentWriter(out);
        int start = w.startDocument();
        w.string(ID, msg.getId());
        w.int32(FV, FORMAT_VERSION);
        writeCloudEvent(w, msg, Messages.time(msg, storedAt));
        if (msg.hasKafka()) {
            writeKafka(w, msg.getKafka());
        }
        w.dateTime(STORED_AT, storedAt.toEpochMilli());
        w.end(start);
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

    private static void writeCloudEvent(DocumentWriter w, Message msg, Instant time) {
        w.string(SOURCE, msg.getSource());
        w.string(SPEC_VERSION, msg.getSpecVersion());
        w.string(TYPE, msg.getType());
        w.dateTime(TIME, time.toEpochMilli());
        if (msg.getAttributesCount() > 0) {
            int attributes = w.startDocument(ATTRIBUTES);
            Map<String, AttributeValue> byName = msg.getAttributesMap();
            for (Map.Entry<String, AttributeValue> e : (msg.getAttributesCount() == 1 ? byName
                    : new TreeMap<>(byName)).entrySet()) {
                int attribute = w.startDocument(e.getKey());
                writeAttributeValue(w, e.getValue());
                w.end(attribute);
            }
            w.end(attributes);
        }
        switch (msg.getDataCase()) {
            case BINARY_DATA -> w.binary(BINARY_DATA, msg.getBinaryData());
            case TEXT_DATA -> w.string(TEXT_DATA, msg.getTextData());
            case PROTO_DATA -> {
                int any = w.startDocument(PROTO_DATA);
                w.string(TYPE_URL, msg.getProtoData().getTypeUrl());
                w.binary(VALUE, msg.getProtoData().getValue());
                w.end(any);
            }
            case DATA_NOT_SET -> { }
        }
    }

    private static void writeAttributeValue(DocumentWriter w, AttributeValue value) {
        switch (value.getAttrCase()) {
            case CE_BOOLEAN -> w.bool(CE_BOOLEAN, value.getCeBoolean());
            case CE_INTEGER -> w.int32(CE_INTEGER, value.getCeInteger());
            case CE_STRING -> w.string(CE_STRING, value.getCeString());
            case CE_BYTES -> w.binary(CE_BYTES, value.getCeBytes());
            case CE_URI -> w.string(CE_URI, value.getCeUri());
            case CE_URI_REF -> w.string(CE_URI_REF, value.getCeUriRef());
            case CE_TIMESTAMP -> {
                Instant t = Timestamps.toInstant(value.getCeTimestamp());
                w.dateTime(CE_TIMESTAMP, t.toEpochMilli());
                if (t.getNano() % 1_000_000 != 0) {
                    w.int32(NANOS, t.getNano());
                }
            }
            case ATTR_NOT_SET -> { }
        }
    }

    private static void writeKafka(DocumentWriter w, KafkaRecord kafka) {
        int record = w.startDocument(KAFKA);
        w.string(TOPIC, kafka.getTopic());
        w.int32(PARTITION, kafka.getPartition());
        w.int64(OFFSET, kafka.getOffset());
        w.int64(TIMESTAMP, kafka.getTimestamp());
        w.string(TIMESTAMP_TYPE, kafka.getTimestampType().name());
        if (kafka.hasKey()) {
            w.binary(KEY, kafka.getKey());
        }
        int headers = w.startArray(HEADERS);
        for (int i = 0; i < kafka.getHeadersCount(); i++) {
            Header header = kafka.getHeaders(i);
            int element = w.startArrayDocument(i);
            w.string(KEY, header.getKey());
            if (header.hasValue()) {
                w.binary(VALUE, header.getValue());
            } else {
                w.nullValue(VALUE);
            }
            w.end(element);
        }
        w.end(headers);
        w.bool(NULL_VALUE, kafka.getNullValue());
        w.end(record);
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
